// Flow 7: the catalogue's filter "Cơ quan thực hiện" (/thu-tuc?co-quan=…): only what the
// chosen agency receives, the choice kept in the select, in a new search and in the pager.
'use strict';

const { test, before, after } = require('node:test');
const {
  assert, BIRTH_NAME, launch, openPage, submitAndWait, visit, assertNoOverflow,
} = require('../lib');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PAGE_SIZE = 20;
// One choice per kind of agency (a province has thousands of agencies, a dozen kinds).
const COMMUNE = 'commune_people_committee';
const COMMUNE_LABEL = 'Ủy ban nhân dân cấp xã';
const JUSTICE = 'Sở Tư pháp';

/** The count in the status line ("27 thủ tục." or "3 thủ tục phù hợp với “…”."). */
async function total(page) {
  const status = await page.getByRole('status').innerText();
  const m = status.match(/^(\d+) thủ tục/);
  assert.ok(m, status);
  return Number(m[1]);
}

/** The listed procedures: { name, meta } with meta "code · field · level · time · online". */
async function results(page) {
  const items = page.locator('ol.results > li');
  const out = [];
  for (let i = 0; i < await items.count(); i++) {
    const li = items.nth(i);
    out.push({ name: (await li.locator('a').innerText()).trim(), meta: (await li.locator('.muted').innerText()).trim() });
  }
  return out;
}

/** The pager's links by their text, as URLs. */
async function pager(page) {
  const links = page.getByRole('navigation', { name: 'Phân trang' }).getByRole('link');
  const out = {};
  for (let i = 0; i < await links.count(); i++) {
    out[(await links.nth(i).innerText()).trim()] = new URL(await links.nth(i).getAttribute('href'), page.url());
  }
  return out;
}

test('catalogue: the "Cơ quan thực hiện" filter narrows the list and is kept in the select, a new search and the pager', async (t) => {
  const { context, page, shot, phoneShot } = await openPage(browser, 7);
  try {
    await visit(page, '/thu-tuc');
    const all = await total(page);
    const agency = page.getByLabel('Cơ quan thực hiện');
    assert.equal(await agency.getAttribute('name'), 'co-quan');
    assert.equal(await agency.inputValue(), '', 'no agency chosen at first');
    const options = (await agency.locator('option').allTextContents()).map((o) => o.trim());
    assert.equal(options[0], 'Tất cả cơ quan');
    assert.ok(options.includes(COMMUNE_LABEL), options.join(' | '));
    assert.ok(options.includes(JUSTICE), options.join(' | '));
    // Without a filter the pager carries an empty one.
    if (all > PAGE_SIZE) assert.equal((await pager(page))['Trang sau'].searchParams.get('co-quan'), '');

    // Communes' people's committees: commune-level procedures only.
    await agency.selectOption({ label: COMMUNE_LABEL });
    await shot('catalogue-agency-chosen');
    let r = await submitAndWait(page, () => page.getByRole('button', { name: 'Tìm', exact: true }).click());
    assert.equal(r.status(), 200);
    let url = new URL(page.url());
    assert.equal(url.pathname, '/thu-tuc');
    assert.equal(url.searchParams.get('co-quan'), COMMUNE);
    const n = await total(page);
    assert.ok(n > 0 && n < all, `${n} of ${all} procedures`);
    let list = await results(page);
    assert.equal(list.length, Math.min(n, PAGE_SIZE));
    assert.ok(list.some((p) => p.name === BIRTH_NAME), `${BIRTH_NAME} is received there: ${list.map((p) => p.name).join(' | ')}`);
    for (const p of list) assert.match(p.meta, / · Cấp xã · /, `${p.name}: ${p.meta}`);
    assert.equal(await agency.inputValue(), COMMUNE, 'the select keeps the choice');
    const pages = await pager(page);
    if (n > PAGE_SIZE) {
      assert.equal(pages['Trang sau'].searchParams.get('co-quan'), COMMUNE, 'the next page keeps the filter');
    } else {
      assert.deepEqual(Object.keys(pages), [], `${n} results fit one page: no pager links`);
    }
    await shot('catalogue-agency-filtered');
    assertNoOverflow(await phoneShot('catalogue-agency-filtered'), 'the filtered catalogue', (m) => t.diagnostic(m));

    // A new search with the filter kept.
    await page.getByLabel('Tìm thủ tục hành chính').fill('khai sinh');
    r = await submitAndWait(page, () => page.getByRole('button', { name: 'Tìm', exact: true }).click());
    assert.equal(r.status(), 200);
    url = new URL(page.url());
    assert.equal(url.searchParams.get('co-quan'), COMMUNE);
    assert.equal(url.searchParams.get('q'), 'khai sinh');
    assert.match(await page.getByRole('status').innerText(), /^\d+ thủ tục phù hợp với “khai sinh”/);
    list = await results(page);
    assert.equal(list[0].name, BIRTH_NAME, 'the best match first');
    assert.equal(await agency.inputValue(), COMMUNE);
    await shot('catalogue-agency-search');

    // The pager keeps it: page 2 of the filter links back to page 1 with it.
    await visit(page, `/thu-tuc?co-quan=${COMMUNE}&trang=2`);
    assert.equal(await agency.inputValue(), COMMUNE);
    assert.equal(await total(page), n);
    const back = (await pager(page))['Trang trước'];
    assert.ok(back, 'page 2 links to page 1');
    assert.equal(back.searchParams.get('co-quan'), COMMUNE, `the previous page keeps the filter: ${back}`);
    assert.equal(back.searchParams.get('trang'), '1');
    await shot('catalogue-agency-page-2');
    r = await submitAndWait(page, () => page.getByRole('link', { name: 'Trang trước' }).click());
    assert.equal(r.status(), 200);
    assert.equal(new URL(page.url()).searchParams.get('co-quan'), COMMUNE);
    assert.equal(await agency.inputValue(), COMMUNE);
    assert.equal((await results(page)).length, Math.min(n, PAGE_SIZE));

    // A provincial department receives other procedures, not the birth registration.
    await agency.selectOption({ label: JUSTICE });
    r = await submitAndWait(page, () => page.getByRole('button', { name: 'Tìm', exact: true }).click());
    assert.equal(r.status(), 200);
    list = await results(page);
    assert.ok(list.length > 0, 'the department receives something');
    assert.ok(!list.some((p) => p.name === BIRTH_NAME), list.map((p) => p.name).join(' | '));
    for (const p of list) assert.match(p.meta, / · Cấp tỉnh · /, `${p.name}: ${p.meta}`);
    await shot('catalogue-agency-department');

    // "Tất cả cơ quan" again: the whole catalogue.
    await agency.selectOption({ label: 'Tất cả cơ quan' });
    r = await submitAndWait(page, () => page.getByRole('button', { name: 'Tìm', exact: true }).click());
    assert.equal(r.status(), 200);
    assert.equal(await total(page), all);
  } finally {
    await context.close();
  }
});
