// Flow 8 (back office): a citizen submits online with a PDF and a PNG; the one-stop officer
// of Phường Nha Trang signs in, finds the submission in the queue (by reference, ID number
// and name, and under "Chờ tiếp nhận"), reads the uploads in the browser, and accepts it
// ("Tiếp nhận hồ sơ"): the dossier gets its code and a due date, and the receipt and
// appointment slip (Mẫu số 01) carries both with the applicant's name. Then the notes the
// reception and transfer forms offer, which must reach the timeline.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { test, before, after } = require('node:test');
const {
  assert, BASE, BIRTH, BIRTH_NAME, NHA_TRANG, NHA_TRANG_UBND, STATE_LABEL, PNG, textPdf,
  launch, openPage, submitAndWait, fixtures, visit, applicant, staffView, submitOnline,
  fillSubmission, sendSubmission, assertReceipt, staffSignIn, searchQueue, allQueueRows, openFromQueue,
  dossierFacts, dossierActions, timelineLines, workflowSteps, doAction, assertDone, staffFormPdf,
  assertAccessible, calendarKnown, isWorkingDay, nextWorkingDay, vnLocal, shownTime, parseShown, longTime,
} = require('../lib');

let browser;
let fx;
before(async () => { browser = await launch(); fx = fixtures(); });
after(async () => { await browser?.close(); fx?.cleanup(); });

const PAPERS = [
  'Tờ khai đăng ký khai sinh: to-khai-da-ky.pdf (1 KB)',
  'Giấy chứng sinh hoặc giấy tờ thay thế giấy chứng sinh: giay-chung-sinh.png (1 KB)',
];

test('an online submission is found in the queue, read, and accepted: code, due date and Mẫu 01', async (t) => {
  const note = (m) => t.diagnostic(m);
  // A name no demo dossier has, with every kind of Vietnamese mark.
  const person = applicant('Huỳnh Thị Ánh Tuyết');
  // The form as the citizen signed and scanned it: a real one-page PDF.
  const scan = path.join(fx.dir, 'to-khai-da-ky.pdf');
  fs.writeFileSync(scan, textPdf(['TO KHAI DANG KY KHAI SINH', `Nguoi di dang ky: ${person.name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd')}`,
    `So dinh danh: ${person.id_number}`, 'Da ky: (chu ky)']));
  const citizen = await openPage(browser, 8);
  let staff;
  try {
    // The citizen: the portal's form with two uploads, the review, the receipt.
    await visit(citizen.page, `/nop-ho-so/${BIRTH}`);
    await fillSubmission(citizen.page, person, [scan, fx.png]);
    await citizen.shot('citizen-form');
    let r = await sendSubmission(citizen.page, citizen.shot, person);
    assert.equal(r.status(), 200, 'the receipt');
    const { ref } = await assertReceipt(citizen.page, person, '8-citizen-receipt.pdf', note);
    assert.match(ref, /^HS-/, 'an online submission has a reference until it is received');
    await citizen.shot('citizen-receipt');

    // The one-stop officer signs in: the queue, with its counts per state.
    staff = await staffSignIn(browser, 8, 'motcua.nhatrang');
    const { page, shot } = staff;
    await shot('queue');
    await assertAccessible(page, 'the staff queue', note);
    const waiting = page.locator('nav.filters a', { hasText: /^Chờ tiếp nhận \(\d+\)$/ });
    assert.equal(await waiting.count(), 1, 'the queue counts the submissions waiting for reception');
    const waitingCount = Number((await waiting.innerText()).match(/\((\d+)\)/)[1]);
    assert.ok(waitingCount >= 1, `at least our submission waits: ${waitingCount}`);

    // The count's link lists exactly that many, all waiting, ours among them.
    r = await submitAndWait(page, () => waiting.click());
    assert.equal(r.status(), 200);
    assert.equal(new URL(page.url()).searchParams.get('state'), 'submitted');
    assert.equal(await page.locator('nav.filters a[aria-current="page"]').innerText(), `Chờ tiếp nhận (${waitingCount})`);
    const { rows: waitingRows } = await allQueueRows(page);
    assert.equal(waitingRows.length, waitingCount, `“Chờ tiếp nhận (${waitingCount})” lists ${waitingRows.length}`);
    assert.deepEqual([...new Set(waitingRows.map((x) => x.state))], [STATE_LABEL.submitted]);
    assert.ok(waitingRows.some((x) => x.code === ref), `${ref} is waiting`);
    await shot('queue-waiting');

    // Searched by the reference: exactly this submission, no due date yet.
    let rows = await searchQueue(page, ref, { state: '' });
    assert.deepEqual(rows.map(({ href, tag, ...x }) => x), [{
      code: ref, procedure: BIRTH_NAME, applicant: person.name, state: STATE_LABEL.submitted, due: '—',
    }]);
    await shot('queue-search-reference');
    // By the ID number: the same one line.
    rows = await searchQueue(page, person.id_number);
    assert.deepEqual(rows.map((x) => x.code), [ref], `search by CCCD ${person.id_number}`);
    // By the name, with its diacritics: every line found carries the name, ours among them.
    rows = await searchQueue(page, person.name);
    assert.ok(rows.length >= 1 && rows.every((x) => x.applicant.includes(person.name)), JSON.stringify(rows));
    assert.ok(rows.some((x) => x.code === ref), `search by name finds ${ref}`);
    await shot('queue-search-name');
    // A name nobody has: nothing.
    rows = await searchQueue(page, 'Không Ai Có Tên Này');
    assert.deepEqual(rows, []);
    assert.equal(await page.locator('main p', { hasText: 'Không có hồ sơ nào.' }).count(), 1);

    // Opened from the queue: what was submitted, and what reception may do now.
    await searchQueue(page, ref);
    await openFromQueue(page, ref);
    let facts = await dossierFacts(page);
    assert.equal(facts['Thủ tục'], BIRTH_NAME);
    assert.equal(facts['Cơ quan tiếp nhận'], NHA_TRANG_UBND);
    assert.equal(facts['Người nộp'], person.name);
    assert.equal(facts['Trạng thái'], STATE_LABEL.submitted);
    assert.equal(facts['Ngày tiếp nhận'], '—');
    assert.equal(facts['Hẹn trả kết quả'], '—');
    const files = await page.locator('h2:text-is("Giấy tờ đính kèm") + ul > li').allInnerTexts();
    assert.deepEqual(files.map((x) => x.replace(/\s+/g, ' ').trim()), PAPERS);
    const actions = await dossierActions(page);
    assert.equal(actions[0], 'Tiếp nhận hồ sơ', `receiving comes first: ${actions}`);
    assert.ok(actions.includes('Yêu cầu bổ sung, hoàn thiện hồ sơ') && actions.includes('Từ chối giải quyết'), `${actions}`);
    assert.ok(!actions.includes('Chuyển hồ sơ đến bộ phận giải quyết'), 'nothing to transfer before reception');
    assert.equal(await page.locator('main details.action[open] > summary').innerText(), 'Tiếp nhận hồ sơ', 'its form is open');
    const steps = await workflowSteps(page);
    assert.equal(steps.length, 2, JSON.stringify(steps));
    assert.ok(steps.every((s) => !s.current), 'no step is current before reception');
    assert.deepEqual(await timelineLines(page).then((l) => l.map((x) => x.replace(/^\d{2}:\d{2} \d{2}\/\d{2}\/\d{4} /, ''))),
      ['Nộp hồ sơ → Chờ tiếp nhận']);
    // No receipt slip before reception: not linked, and refused when asked for.
    assert.equal(await page.getByRole('link', { name: /^Mẫu số 01: / }).count(), 0);
    const early = await page.request.get(`${BASE}/can-bo/ho-so/${ref}/mau/01`);
    assert.equal(early.status(), 409, 'Mẫu 01 before reception');
    await shot('dossier-submitted');
    await assertAccessible(page, 'a dossier’s staff page with its action forms', note);

    // The uploads open in the browser from their links (a staff file view, shown inline).
    const png = page.locator('h2:text-is("Giấy tờ đính kèm") + ul > li').nth(1).getByRole('link', { name: 'giay-chung-sinh.png' });
    const pngHref = await png.getAttribute('href');
    assert.match(pngHref, new RegExp(`^/can-bo/ho-so/${ref}/tep/\\d+$`));
    r = await submitAndWait(page, () => png.click());
    assert.equal(r.status(), 200);
    assert.equal(new URL(page.url()).pathname, pngHref);
    assert.equal(r.headers()['content-type'], 'image/png');
    assert.match(r.headers()['content-disposition'] || '', /^inline; filename="giay-chung-sinh\.png"/);
    assert.equal(r.headers()['content-security-policy'], 'sandbox', 'a file is shown sandboxed');
    assert.equal(await page.locator('img').count(), 1, 'the scan is shown as an image');
    assert.equal(await page.locator('img').evaluate((i) => i.naturalWidth), 1);
    assert.ok((await r.body()).equals(PNG), 'the very bytes uploaded');
    await shot('file-view-png');
    r = await submitAndWait(page, () => page.goBack());
    assert.equal(new URL(page.url()).pathname, `/can-bo/ho-so/${ref}`);

    // The PDF: shown by the browser's PDF viewer in place of the page, the very bytes
    // uploaded, inline and sandboxed (a crafted PDF cannot run script on the site).
    const pdf = page.locator('h2:text-is("Giấy tờ đính kèm") + ul > li').nth(0).getByRole('link', { name: 'to-khai-da-ky.pdf' });
    const pdfHref = await pdf.getAttribute('href');
    assert.match(pdfHref, new RegExp(`^/can-bo/ho-so/${ref}/tep/\\d+$`));
    await pdf.click();
    await page.waitForURL(BASE + pdfHref);
    await page.waitForTimeout(1500); // the viewer draws the page
    await shot('file-view-pdf');
    const got = await page.request.get(BASE + pdfHref);
    assert.equal(got.status(), 200);
    assert.equal(got.headers()['content-type'], 'application/pdf');
    assert.match(got.headers()['content-disposition'] || '', /^inline; filename="to-khai-da-ky\.pdf"/);
    assert.equal(got.headers()['content-security-policy'], 'sandbox');
    assert.equal(got.headers()['x-content-type-options'], 'nosniff');
    assert.ok((await got.body()).equals(fs.readFileSync(scan)), 'the very bytes uploaded');
    await page.goBack();
    await page.waitForURL(`${BASE}/can-bo/ho-so/${ref}`);
    // Files are for staff who see the dossier: signed out, the link answers 401.
    const anonymous = await openPage(browser, 8);
    try {
      const x = await anonymous.page.request.get(BASE + pdfHref);
      assert.equal(x.status(), 401, 'a file without a staff session');
    } finally {
      await anonymous.context.close();
    }

    // Accepted: "Tiếp nhận hồ sơ" gives the code and the due date.
    r = await doAction(page, 'Tiếp nhận hồ sơ');
    const code = await assertDone(page, r, null, 'receive', 'Tiếp nhận hồ sơ');
    assert.match(code, new RegExp(`^${NHA_TRANG.replace('.', '\\.')}-\\d{6}-\\d{4}$`), `a dossier code of the agency: ${code}`);
    assert.notEqual(code, ref);
    facts = await dossierFacts(page);
    assert.equal(facts['Trạng thái'], STATE_LABEL.received);
    const received = parseShown(facts['Ngày tiếp nhận']);
    const due = parseShown(facts['Hẹn trả kết quả']);
    const now = vnLocal();
    assert.equal(received.day, now.day, 'received today');
    // Đăng ký khai sinh is settled the same day: by 17:00 today when received on a working
    // day before 15:00, else by 17:00 of the next working day.
    assert.equal(due.time, '17:00');
    if (calendarKnown(received.day)) {
      const expected = isWorkingDay(received.day) && received.time < '15:00' ? received.day : nextWorkingDay(received.day);
      assert.equal(due.day, expected, `received ${facts['Ngày tiếp nhận']}: due ${facts['Hẹn trả kết quả']}`);
    } else {
      note(`no official schedule for ${received.day.slice(0, 4)} in data/calendar: the due day is not checked`);
    }
    // The page agrees with the record.
    const stored = await staffView(code);
    assert.equal(stored.state, 'received');
    assert.equal(stored.code, code);
    const storedDue = vnLocal(stored.due_at);
    assert.equal(shownTime(storedDue.day, storedDue.time), facts['Hẹn trả kết quả'].slice(0, 16));
    const lines = (await timelineLines(page)).map((x) => x.replace(/^\d{2}:\d{2} \d{2}\/\d{2}\/\d{4} /, ''));
    assert.equal(lines.length, 2, JSON.stringify(lines));
    assert.equal(lines[1], 'Tiếp nhận hồ sơ → Đã tiếp nhận');
    assert.equal((await dossierActions(page))[0], 'Chuyển hồ sơ đến bộ phận giải quyết', 'next: the transfer');
    await page.locator('details.explain > summary').click();
    assert.ok((await page.locator('details.explain li').count()) >= 1, 'how the due date was counted');
    await shot('dossier-received');

    // The queue finds it by its new code too, received, with the due date.
    rows = await searchQueue(page, code);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].code, code);
    assert.equal(rows[0].state, STATE_LABEL.received);
    assert.equal(rows[0].due.slice(0, 16), facts['Hẹn trả kết quả'].slice(0, 16));
    await shot('queue-received');

    // Mẫu số 01, the receipt and appointment slip: the code, the applicant, the due date.
    await openFromQueue(page, code);
    const forms = await page.locator('h2:text-is("Phiếu, văn bản in") + ul > li').allInnerTexts();
    assert.deepEqual(forms.map((x) => x.trim()), [
      'Mẫu số 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF)',
      'Mẫu số 06: Phiếu kiểm soát quá trình giải quyết hồ sơ (PDF)',
    ]);
    const text = await staffFormPdf(page, code, '01', '8-mau-01.pdf');
    if (text === null) {
      note('pdftotext not installed (Debian poppler-utils): the PDF text is not checked');
    } else {
      assert.ok(text.includes(code), `Mẫu 01 carries ${code}: ${text}`);
      assert.ok(text.includes(person.name.normalize('NFC')), `Mẫu 01 names ${person.name}: ${text}`);
      assert.ok(text.includes(longTime(due.day, due.time)), `Mẫu 01 gives the due time ${longTime(due.day, due.time)}: ${text}`);
      assert.ok(text.includes('Nguyễn Thị Lan'), `Mẫu 01 names the receiving officer: ${text}`);
      assert.ok(text.includes('to-khai-da-ky.pdf'), `Mẫu 01 lists the papers received: ${text}`);
    }
    await shot('dossier-forms');
  } finally {
    await citizen.context.close();
    await staff?.context.close();
  }
});

test('the notes typed in the “Tiếp nhận hồ sơ” and “Chuyển hồ sơ đến bộ phận giải quyết” forms are kept', async () => {
  // Both forms offer "Ghi chú (không bắt buộc)": what the officer types there must reach the
  // timeline (and the process-control sheet), not be dropped.
  const person = applicant('Kha Thị Ngọc Hân');
  const { reference } = await submitOnline(person);
  const staff = await staffSignIn(browser, 8, 'motcua.nhatrang');
  const { page, shot } = staff;
  try {
    await searchQueue(page, reference);
    await openFromQueue(page, reference);
    const notes = { 'Tiếp nhận hồ sơ': 'Đã đối chiếu bản quét với bản chính', 'Chuyển hồ sơ đến bộ phận giải quyết': 'Chuyển chị Minh xử lý trong ngày' };
    let code = null;
    for (const [label, text] of Object.entries(notes)) {
      const r = await doAction(page, label, async (form) => {
        await form.getByLabel('Ghi chú (không bắt buộc)').fill(text);
      });
      code = await assertDone(page, r, code, label === 'Tiếp nhận hồ sơ' ? 'receive' : 'transfer', label);
    }
    await shot('received-and-transferred-with-notes');
    const lines = await timelineLines(page);
    const stored = (await staffView(code)).timeline;
    const dropped = Object.entries(notes).filter(([label, text]) => !lines.some((l) => l.includes(`${label} →`) && l.includes(text)))
      .map(([label, text]) => `“${text}” typed with “${label}” (stored note: ${JSON.stringify(stored.find((e) => e.action_label === label)?.note)})`);
    assert.deepEqual(dropped, [], `notes dropped from the timeline of ${code}: ${dropped.join('; ')}`);
  } finally {
    await staff.context.close();
  }
});
