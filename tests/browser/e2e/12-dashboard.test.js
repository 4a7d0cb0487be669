// Flow 12 (back office): the leaders' dashboard. The signing leader of Phường Nha Trang
// opens /can-bo/bang-dieu-khien for a period covering all the demo data, sees a dossier
// received at the counter counted at once (received and open, each one more), and follows
// the numbers of the agency's row to the dossiers behind them: each list shows exactly as
// many dossiers as the number said (all pages counted), and only dossiers that fit it.
// Then the supervisor of the whole province: the totals are the sums of the agencies, and
// the received total (topped up past one page of the list) is followed over two pages.
'use strict';

const { test, before, after } = require('node:test');
const {
  assert, BASE, NHA_TRANG_UBND, STATE_LABEL, launch, submitAndWait, applicant, createAtCounter,
  staffSignIn, allQueueRows, vnLocal, assertAccessible,
} = require('../lib');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CAM_LAM = 'H56.22453';
const FIGURES = ['Tiếp nhận', 'Đang giải quyết', 'Quá hạn hiện tại', 'Trước hạn', 'Đúng hạn', 'Trễ hạn'];
const OPEN = [STATE_LABEL.received, STATE_LABEL.processing, STATE_LABEL.supplement_requested];

/** The dashboard table: { headers, rows: { label → { figure → { n, href } } } }. */
async function readTable(page) {
  return page.locator('main table').last().evaluate((table) => {
    const headers = [...table.querySelectorAll('thead th')].map((th) => th.innerText.trim());
    const rows = {};
    for (const tr of table.querySelectorAll('tbody tr')) {
      const label = tr.querySelector('th').innerText.trim();
      const cells = {};
      [...tr.querySelectorAll('td')].forEach((td, i) => {
        const a = td.querySelector('a');
        cells[headers[i + 1]] = { text: td.innerText.trim(), n: Number(td.innerText.trim()), href: a ? a.getAttribute('href') : null };
      });
      rows[label] = cells;
    }
    return { headers, rows };
  });
}

/** The dashboard for [from, to] by agency (or `by` another grouping), chosen with its form ("Xem"). */
async function showDashboard(page, from, to, by = 'co-quan') {
  await page.getByLabel('Từ ngày').fill(from);
  await page.getByLabel('Đến ngày').fill(to);
  await page.getByLabel('Theo').selectOption(by);
  const r = await submitAndWait(page, () => page.getByRole('button', { name: 'Xem', exact: true }).click());
  assert.equal(r.status(), 200);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('tu'), from);
  assert.equal(url.searchParams.get('den'), to);
  assert.equal(url.searchParams.get('theo'), by);
  return readTable(page);
}

/**
 * Follows each number of the dashboard row `label` (`row` as readTable gives it) to the list
 * behind it and counts that list, every page: it must hold exactly that many dossiers, each
 * once, and only dossiers that fit the figure. `mustList.received`: a dossier just received,
 * which the received and open lists must hold. Returns what was followed ("Tiếp nhận 12", …).
 */
async function followFigures(page, shot, label, row, mustList = {}) {
  const dashboard = page.url();
  const followed = [];
  for (const f of FIGURES) {
    const cell = row[f];
    if (!cell.href) {
      assert.equal(cell.n, 0, `${label}: ${f} (${cell.n}) has no link to its dossiers`);
      continue;
    }
    const link = page.locator('main table').last().locator('tbody tr', { has: page.locator(`th:text-is("${label}")`) })
      .locator('td').nth(FIGURES.indexOf(f)).getByRole('link');
    assert.equal(await link.innerText(), String(cell.n));
    const r = await submitAndWait(page, () => link.click());
    assert.equal(r.status(), 200, `${f}: ${cell.href}`);
    const url = new URL(page.url());
    assert.equal(url.pathname, '/can-bo');
    // The list says what it is: the figure, and the period of reception.
    const dmy = (d) => d.split('-').reverse().join('/');
    const heading = await page.getByRole('status').first().innerText();
    assert.ok(heading.includes(`“${f}”`) && heading.includes(`từ ${dmy(url.searchParams.get('tu'))} đến ${dmy(url.searchParams.get('den'))}`),
      `the list names its figure and period: ${heading}`);
    const { rows, pages } = await allQueueRows(page);
    const states = rows.reduce((m, x) => ({ ...m, [x.state]: (m[x.state] || 0) + 1 }), {});
    assert.equal(rows.length, cell.n,
      `“${f}” of ${label} says ${cell.n}, its list (${cell.href}, ${pages} page(s)) shows ${rows.length}: ${JSON.stringify(states)}`);
    assert.equal(new Set(rows.map((x) => x.code)).size, rows.length, 'no dossier twice across pages');
    if (f === 'Tiếp nhận') {
      if (mustList.received) assert.ok(rows.some((x) => x.code === mustList.received), `${mustList.received} is among the received`);
      assert.ok(!rows.some((x) => [STATE_LABEL.submitted, 'Nháp'].includes(x.state)), `only dossiers received: ${JSON.stringify(states)}`);
    }
    if (f === 'Đang giải quyết') {
      assert.ok(rows.every((x) => OPEN.includes(x.state)), `only open dossiers: ${JSON.stringify(states)}`);
      if (mustList.received) assert.ok(rows.some((x) => x.code === mustList.received), `${mustList.received} is open`);
    }
    if (f === 'Quá hạn hiện tại') {
      assert.ok(rows.every((x) => x.tag === 'Quá hạn'), `only overdue dossiers: ${JSON.stringify(rows.map((x) => x.tag))}`);
    }
    if (['Trước hạn', 'Đúng hạn', 'Trễ hạn'].includes(f)) {
      const outcome = f === 'Trễ hạn' ? 'Quá hạn' : f;
      assert.ok(rows.every((x) => x.tag === outcome), `only dossiers finished “${f}”: ${JSON.stringify(rows.map((x) => x.tag))}`);
    }
    await shot(`drill-${['received', 'open', 'overdue', 'early', 'on-time', 'late'][FIGURES.indexOf(f)]}`);
    followed.push(`${f} ${cell.n}${pages > 1 ? ` (${pages} pages)` : ''}`);
    await page.goto(dashboard);
  }
  return followed;
}

test('the dashboard counts a new dossier at once, and each number of a row leads to exactly that many dossiers', async (t) => {
  const note = (m) => t.diagnostic(m);
  const today = vnLocal().day;
  // A year back covers the demo data (spread over the last 120 days) and every flow's.
  const from = `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`;
  const leader = await staffSignIn(browser, 12, 'lanhdao.nhatrang');
  const { page, shot } = leader;
  try {
    let r = await submitAndWait(page, () => page.getByRole('link', { name: 'Bảng điều khiển' }).click());
    assert.equal(r.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/can-bo/bang-dieu-khien');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Bảng điều khiển');
    const before = await showDashboard(page, from, today);
    assert.deepEqual(before.headers.slice(1, 7), FIGURES, JSON.stringify(before.headers));
    assert.ok(before.rows[NHA_TRANG_UBND], `a row for ${NHA_TRANG_UBND}: ${Object.keys(before.rows)}`);
    assert.ok(before.rows['Tổng cộng'], 'a total row');
    await shot('dashboard-before');
    await assertAccessible(page, 'the dashboard', note);

    // A dossier received at the counter now: received and open grow by one each.
    const { code } = await createAtCounter(applicant('Châu Ngọc Diệp'));
    await page.reload();
    const table = await readTable(page);
    const row = table.rows[NHA_TRANG_UBND];
    assert.equal(row['Tiếp nhận'].n, before.rows[NHA_TRANG_UBND]['Tiếp nhận'].n + 1, 'received: one more');
    assert.equal(row['Đang giải quyết'].n, before.rows[NHA_TRANG_UBND]['Đang giải quyết'].n + 1, 'open: one more');
    for (const f of ['Trước hạn', 'Đúng hạn', 'Trễ hạn']) {
      assert.equal(row[f].n, before.rows[NHA_TRANG_UBND][f].n, `${f}: unchanged`);
    }
    await shot('dashboard-after-reception');

    // The figures hold together.
    for (const f of FIGURES) assert.ok(Number.isInteger(row[f].n) && row[f].n >= 0, `${f}: ${row[f].text}`);
    assert.ok(row['Tiếp nhận'].n >= row['Đang giải quyết'].n + row['Trước hạn'].n + row['Đúng hạn'].n + row['Trễ hạn'].n,
      `received ≥ open + finished: ${JSON.stringify(row)}`);
    assert.ok(row['Đang giải quyết'].n >= row['Quá hạn hiện tại'].n, 'overdue dossiers are open ones');
    const finished = row['Trước hạn'].n + row['Đúng hạn'].n + row['Trễ hạn'].n;
    const rate = finished === 0 ? '—' : `${((row['Trước hạn'].n + row['Đúng hạn'].n) * 100 / finished).toFixed(1).replace('.', ',')}%`;
    assert.equal(row['Tỷ lệ đúng hạn'].text, rate, 'the on-time rate is (early + on time) / finished');
    // The leader's scope is the one agency: the total is its row.
    for (const f of FIGURES) assert.equal(table.rows['Tổng cộng'][f].n, row[f].n, `total ${f}`);

    // Each number of the row, followed: the list behind it, every page counted.
    const followed = await followFigures(page, shot, NHA_TRANG_UBND, row, { received: code });
    note(`followed: ${followed.join(', ')}`);
    assert.ok(followed.length >= 2, `at least two numbers lead to their dossiers: ${followed}`);

    // By field: the civil-status row (Đăng ký khai sinh is one of its procedures) likewise.
    const byField = await showDashboard(page, from, today, 'linh-vuc');
    assert.equal(byField.headers[0], 'Lĩnh vực');
    const civil = byField.rows['Hộ tịch'];
    assert.ok(civil, `a row for Hộ tịch: ${Object.keys(byField.rows)}`);
    for (const f of FIGURES) {
      const sum = Object.entries(byField.rows).filter(([k]) => k !== 'Tổng cộng').reduce((n, [, v]) => n + v[f].n, 0);
      assert.equal(sum, row[f].n, `${f}: the fields add up to the agency's figure`);
    }
    await shot('dashboard-by-field');
    const followedField = await followFigures(page, shot, 'Hộ tịch', civil, { received: code });
    note(`followed by field: ${followedField.join(', ')}`);
  } finally {
    await leader.context.close();
  }
});

test('the whole province’s totals lead to their dossiers, over more than one page', async (t) => {
  const note = (m) => t.diagnostic(m);
  const today = vnLocal().day;
  const from = `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`;
  // The supervisor of the province's service centre sees every agency.
  const supervisor = await staffSignIn(browser, 12, 'giamsat');
  const { page, shot } = supervisor;
  try {
    await page.goto(`${BASE}/can-bo/bang-dieu-khien`);
    let table = await showDashboard(page, from, today);
    const total = () => table.rows['Tổng cộng'];
    // More received than one page of the list holds (50): births at the Cam Lâm counter.
    const missing = Math.max(0, 51 - total()['Tiếp nhận'].n);
    for (let i = 0; i < missing; i += 1) {
      await createAtCounter(applicant(`Phan Văn Lâm ${String.fromCharCode(65 + (i % 26))}`), { agency: CAM_LAM, reception: 'motcua.camlam' });
    }
    await page.reload();
    table = await readTable(page);
    assert.ok(total()['Tiếp nhận'].n > 50, `${total()['Tiếp nhận'].n} received`);
    const agencies = Object.keys(table.rows).filter((k) => k !== 'Tổng cộng');
    assert.ok(agencies.length >= 3, `the province's agencies: ${agencies}`);
    for (const f of FIGURES) {
      assert.equal(total()[f].n, agencies.reduce((n, a) => n + table.rows[a][f].n, 0), `total ${f} is the sum of the agencies`);
    }
    await shot('dashboard-province');
    const followed = await followFigures(page, shot, 'Tổng cộng', total());
    note(`followed: ${followed.join(', ')}`);
    assert.match(followed[0], /^Tiếp nhận \d+ \(2 pages\)$/, 'the received list spans two pages');
  } finally {
    await supervisor.context.close();
  }
});
