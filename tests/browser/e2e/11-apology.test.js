// Flow 11 (back office): from one working day before the due time, the dossier's page asks
// the officer handling it for the apology with a new date (proposed: the end of the working
// day after the due day), puts that form first, and takes it once: the new date is shown,
// the apology letter (Mẫu số 04) carries it, and the prompt is not offered again.
//
// The dossier: Khai báo tạm vắng (1.003677), one working day, received at the counter of
// the commune police of Phường Nha Trang now. Counted in working hours, its due time is
// exactly one working day (480 working minutes) after reception, so the prompt is due at
// any hour of any day. (The same-day procedures are not: received on a working day
// between 15:00 and 17:00 they are due at the end of the next working day, 9 working hours
// away.)
'use strict';

const { test, before, after } = require('node:test');
const {
  assert, STATE_LABEL, DEMO_USERS, launch, api, expect, applicant, createAtCounter, staffView, token,
  staffSignIn, searchQueue, openFromQueue, dossierFacts, dossierActions, timelineLines, actionForm,
  doAction, assertDone, staffFormPdf, calendarKnown, nextWorkingDay, addWorkingMinutes, vnLocal, shownTime, parseShown, longTime,
} = require('../lib');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PROCEDURE = '1.003677';
const COMMUNE_POLICE = 'H56.05.22366';
const EXTEND = 'Xin lỗi và gia hạn thời gian giải quyết';
const REASON = 'Chờ xác minh thông tin cư trú tại nơi đến';

test('one working day before the due time the officer is asked for the apology, issues it once, and Mẫu 04 has the new date', async (t) => {
  const note = (m) => t.diagnostic(m);
  // The shortest time in the catalogue that is not "the same day": one working day.
  const proc = expect(await api('GET', `/api/v1/procedures/${PROCEDURE}`), 200, 'procedure');
  assert.equal(proc.name, 'Khai báo tạm vắng');
  const person = applicant('Trịnh Quốc Việt');
  const created = await createAtCounter(person, { procedure: PROCEDURE, agency: COMMUNE_POLICE, reception: 'congan.nhatrang' });
  const code = created.code;
  const officer = await staffSignIn(browser, 11, 'congan.nhatrang');
  const { page, shot } = officer;
  try {
    await searchQueue(page, code);
    await openFromQueue(page, code);
    let facts = await dossierFacts(page);
    assert.equal(facts['Trạng thái'], STATE_LABEL.received);
    const received = parseShown(facts['Ngày tiếp nhận']);
    const due = parseShown(facts['Hẹn trả kết quả']);
    // One working day after reception, on the calendar of working days and hours.
    if (calendarKnown(received.day)) {
      assert.deepEqual(due, addWorkingMinutes(received, 480), `received ${facts['Ngày tiếp nhận']}, due ${facts['Hẹn trả kết quả']}`);
    } else {
      note(`no official schedule for ${received.day.slice(0, 4)}: the due time is not checked`);
    }
    assert.match(facts['Hẹn trả kết quả'], /Sắp đến hạn$/, 'a day away: due soon');
    // Received, not yet being handled: nothing to apologise for yet (no extension possible).
    assert.ok(!(await dossierActions(page)).includes(EXTEND));
    assert.equal(await page.locator('h2:text-is("Thao tác") + p[role="alert"]').count(), 0);
    await shot('received');

    // Handed to the handling section (the same officer is its specialist): now the page
    // asks for the apology and puts its form first, filled with the proposed date.
    let r = await doAction(page, 'Chuyển hồ sơ đến bộ phận giải quyết');
    await assertDone(page, r, code, 'transfer', 'Chuyển hồ sơ đến bộ phận giải quyết');
    const prompt = page.locator('h2:text-is("Thao tác") + p[role="alert"]');
    assert.equal(await prompt.count(), 1, 'the apology prompt');
    const [dy, dm, dd] = due.day.split('-');
    assert.equal(await prompt.innerText(), `Hồ sơ đến hạn trả kết quả lúc ${due.time} ngày ${dd}/${dm}/${dy}. `
      + 'Nếu không kịp, cơ quan phải gửi văn bản xin lỗi và hẹn lại ngày trả trước hạn (chỉ được một lần).');
    const actions = await dossierActions(page);
    assert.equal(actions[0], EXTEND, `the apology comes first: ${actions}`);
    assert.ok(actions.includes('Chuyển bước xử lý'), `${actions}`);
    assert.equal(await page.locator('main details.action[open] > summary').innerText(), EXTEND, 'its form is open');
    const form = await actionForm(page, EXTEND);
    const proposedDay = await form.getByLabel('Ngày hẹn trả kết quả mới').inputValue();
    const proposedTime = await form.getByLabel('Giờ').inputValue();
    // Proposed: the end of the working day after the due day (or after today, if later).
    assert.equal(proposedTime, '17:00');
    assert.ok(proposedDay > due.day, `${proposedDay} after ${due.day}`);
    const today = vnLocal().day;
    if (calendarKnown(due.day, today)) {
      assert.equal(proposedDay, nextWorkingDay(due.day > today ? due.day : today));
    }
    await shot('apology-prompt');

    // The reason is required: the browser will not send the form without it.
    assert.equal(await form.getByLabel('Lý do chậm trễ (ghi trong văn bản xin lỗi)').getAttribute('required'), '');
    r = await doAction(page, EXTEND, async (f) => {
      await f.getByLabel('Lý do chậm trễ (ghi trong văn bản xin lỗi)').fill(REASON);
    });
    await assertDone(page, r, code, 'extend', EXTEND);
    facts = await dossierFacts(page);
    assert.equal(facts['Trạng thái'], STATE_LABEL.processing);
    assert.equal(facts['Hẹn trả kết quả'].slice(0, 16), shownTime(proposedDay, proposedTime), 'the new date is the due date now');
    const lines = (await timelineLines(page)).map((x) => x.replace(/^\d{2}:\d{2} \d{2}\/\d{2}\/\d{4} /, ''));
    assert.match(lines.at(-1), new RegExp(`^${EXTEND} → ${STATE_LABEL.processing}`), lines.at(-1));
    assert.ok(lines.at(-1).includes(REASON), lines.at(-1));
    // Once only: neither the prompt nor the form again.
    assert.equal(await prompt.count(), 0, 'no second prompt');
    assert.ok(!(await dossierActions(page)).includes(EXTEND), 'no second extension offered');
    await shot('apology-issued');
    // After a reload too.
    await page.reload();
    assert.equal(await prompt.count(), 0, 'no prompt after a reload');
    assert.ok(!(await dossierActions(page)).includes(EXTEND));
    // Asked anyway, it is refused with the reason.
    const again = await api('POST', `/api/v1/dossiers/${code}/extend`, {
      token: await token('congan.nhatrang'),
      json: { new_due: `${nextWorkingDay(proposedDay)}T17:00:00+07:00`, reason: 'Lần nữa' },
    });
    assert.equal(again.status, 422, again.text);
    assert.deepEqual(again.json.fields, [{ path: 'new_due', message: 'Hồ sơ đã được gia hạn một lần; pháp luật chỉ cho phép gia hạn một lần' }]);
    const stored = await staffView(code, 'congan.nhatrang');
    const storedDue = vnLocal(stored.due_at);
    assert.deepEqual(storedDue, { day: proposedDay, time: proposedTime }, 'the record has the new date');

    // Mẫu số 04: the apology with the original and the new dates, and the reason.
    const text = await staffFormPdf(page, code, '04', '11-mau-04.pdf');
    if (text === null) {
      note('pdftotext not installed (Debian poppler-utils): the PDF text is not checked');
    } else {
      assert.ok(text.includes(code), `Mẫu 04 carries ${code}: ${text}`);
      assert.ok(text.includes(person.name.normalize('NFC')), `Mẫu 04 names the applicant: ${text}`);
      assert.ok(text.includes(longTime(proposedDay, proposedTime)), `Mẫu 04 gives the new date ${longTime(proposedDay, proposedTime)}: ${text}`);
      assert.ok(text.includes(longTime(due.day, due.time)), `Mẫu 04 gives the original date ${longTime(due.day, due.time)}: ${text}`);
      assert.ok(text.includes(REASON), `Mẫu 04 gives the reason: ${text}`);
    }
    await shot('apology-forms');
  } finally {
    await officer.context.close();
  }
});

test('an overdue dossier: the page says it is late and proposes the next working day; issued once', async (t) => {
  const note = (m) => t.diagnostic(m);
  // An overdue dossier of the demo data, being handled, never extended, whose current step
  // a demo officer handles (looked up first; without one there is nothing to test).
  const listed = expect(await api('GET', '/api/v1/dossiers?state=processing&order=urgent&limit=200', { token: await token('giamsat') }), 200, 'list');
  let found = null;
  for (const x of listed.items.filter((i) => i.due_status === 'overdue')) {
    const d = await staffView(x.code, 'giamsat');
    if (d.timeline.some((e) => e.action === 'extend') || d.current_step === null) continue;
    const step = d.steps[d.current_step];
    const user = Object.keys(DEMO_USERS).find((u) => DEMO_USERS[u].roles.includes(`${step.role} ${step.agency.code}`));
    if (user) { found = { code: x.code, user, dueAt: d.due_at }; break; }
  }
  if (!found) {
    t.skip('no overdue dossier handled by a demo officer in the demo data');
    return;
  }
  const { code, user } = found;
  const officer = await staffSignIn(browser, 11, user);
  const { page, shot } = officer;
  try {
    await searchQueue(page, code);
    await openFromQueue(page, code);
    const facts = await dossierFacts(page);
    assert.equal(facts['Trạng thái'], STATE_LABEL.processing);
    assert.match(facts['Hẹn trả kết quả'], / Quá hạn$/, 'marked overdue');
    const due = parseShown(facts['Hẹn trả kết quả']);
    assert.deepEqual(due, vnLocal(found.dueAt));
    const [dy, dm, dd] = due.day.split('-');
    const prompt = page.locator('h2:text-is("Thao tác") + p[role="alert"]');
    assert.equal(await prompt.innerText(), `Hồ sơ đã quá hạn trả kết quả (${due.time} ngày ${dd}/${dm}/${dy}). `
      + 'Cơ quan phải gửi người nộp văn bản xin lỗi và hẹn lại ngày trả (chỉ được hẹn lại một lần).');
    assert.equal((await dossierActions(page))[0], EXTEND);
    const form = await actionForm(page, EXTEND);
    // Already late: proposed for the end of the next working day after today.
    const proposedDay = await form.getByLabel('Ngày hẹn trả kết quả mới').inputValue();
    assert.equal(await form.getByLabel('Giờ').inputValue(), '17:00');
    const today = vnLocal().day;
    if (calendarKnown(today)) assert.equal(proposedDay, nextWorkingDay(today));
    await shot('overdue-prompt');

    const r = await doAction(page, EXTEND, async (f) => {
      await f.getByLabel('Lý do chậm trễ (ghi trong văn bản xin lỗi)').fill('Hồ sơ cần lấy ý kiến cơ quan liên quan');
    });
    await assertDone(page, r, code, 'extend', EXTEND);
    const after = await dossierFacts(page);
    assert.equal(after['Hẹn trả kết quả'].slice(0, 16), shownTime(proposedDay, '17:00'));
    assert.doesNotMatch(after['Hẹn trả kết quả'], /Quá hạn$/, 'no longer overdue');
    assert.equal(await prompt.count(), 0, 'no second prompt');
    assert.ok(!(await dossierActions(page)).includes(EXTEND));
    await shot('overdue-extended');
    const text = await staffFormPdf(page, code, '04', '11-mau-04-overdue.pdf');
    if (text === null) {
      note('pdftotext not installed (Debian poppler-utils): the PDF text is not checked');
    } else {
      assert.ok(text.includes(longTime(proposedDay, '17:00')), `Mẫu 04 gives the new date: ${text}`);
      assert.ok(text.includes(longTime(due.day, due.time)), `Mẫu 04 gives the original date: ${text}`);
    }
  } finally {
    await officer.context.close();
  }
});
