// Flow 9 (back office): a procedure handled by two agencies, from the counter to the
// returned result. Cấp đổi thẻ căn cước (TAM.0004) is received by the commune police of
// Phường Nha Trang; its specialist and leader handle the first two steps, then the dossier
// goes to the province police, whose officer finds it in their own queue, handles the
// third step and approves as the signing leader; the commune's one-stop section returns the
// result at the counter. Each officer signs in and acts from the dossier's page. The
// process-control sheet (Mẫu số 06) lists every handover.
'use strict';

const { test, before, after } = require('node:test');
const {
  assert, BASE, STATE_LABEL, DEMO_USERS,
  launch, api, expect, applicant, createAtCounter, staffView, userFor,
  staffSignIn, searchQueue, allQueueRows, openFromQueue, dossierFacts, dossierActions, timelineLines, workflowSteps,
  doAction, assertDone, staffFormPdf,
} = require('../lib');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PROCEDURE = 'TAM.0004';
const COMMUNE_POLICE = 'H56.05.22366';
const PROVINCE_POLICE = 'H56.05';

/** The timeline without its times: "Chuyển bước xử lý → Đang xử lý (…)". */
const events = async (page) => (await timelineLines(page)).map((x) => x.replace(/^\d{2}:\d{2} \d{2}\/\d{2}\/\d{4} /, ''));

test('a two-agency dossier goes from the commune police counter through the province police and back to the applicant', async (t) => {
  const note = (m) => t.diagnostic(m);
  // The procedure's workflow as the catalogue states it: two steps at the receiving agency,
  // two at the province police.
  const proc = expect(await api('GET', `/api/v1/procedures/${PROCEDURE}`), 200, 'procedure');
  assert.equal(proc.name, 'Cấp đổi thẻ căn cước');
  const person = applicant('Đoàn Thị Phương Thảo');
  const created = await createAtCounter(person, { procedure: PROCEDURE, agency: COMMUNE_POLICE, reception: 'congan.nhatrang' });
  const code = created.code;
  assert.match(code, /^H56\.05\.22366-\d{6}-\d{4}$/, code);
  // Who handles each step, from the dossier's workflow resolved at reception.
  const plan = (await staffView(code, 'congan.nhatrang')).steps;
  assert.equal(plan.length, 4, JSON.stringify(plan));
  assert.deepEqual(plan.map((s) => `${s.role} ${s.agency.code}`), [
    `specialist ${COMMUNE_POLICE}`, `signing_leader ${COMMUNE_POLICE}`,
    `specialist ${PROVINCE_POLICE}`, `signing_leader ${PROVINCE_POLICE}`,
  ]);
  const handlers = plan.map((s) => userFor(s.role, s.agency.code));
  assert.deepEqual(handlers, ['congan.nhatrang', 'congan.nhatrang', 'canbo.tinh', 'canbo.tinh']);
  const communeName = plan[0].agency.name;
  const provinceName = plan[2].agency.name;
  assert.equal(communeName, 'Công an phường Nha Trang');
  assert.equal(provinceName, 'Công an tỉnh Khánh Hòa');

  const commune = await staffSignIn(browser, 9, 'congan.nhatrang');
  const province = await staffSignIn(browser, 9, 'canbo.tinh');
  try {
    // The commune police officer: received at the counter, in the queue with its due date.
    let page = commune.page;
    let rows = await searchQueue(page, code);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].state, STATE_LABEL.received);
    assert.equal(rows[0].procedure, 'Cấp đổi thẻ căn cước');
    assert.equal(rows[0].applicant, person.name);
    assert.match(rows[0].due, /^\d{2}:\d{2} \d{2}\/\d{2}\/\d{4}/);
    await commune.shot('commune-queue');
    await openFromQueue(page, code);
    let facts = await dossierFacts(page);
    assert.equal(facts['Cơ quan tiếp nhận'], communeName);
    assert.equal(facts['Trạng thái'], STATE_LABEL.received);
    const due = facts['Hẹn trả kết quả'].slice(0, 16);
    let steps = await workflowSteps(page);
    assert.deepEqual(steps.map((s) => s.text.replace(/^.* — /, '')), [
      `Chuyên viên xử lý, ${communeName}`, `Lãnh đạo cơ quan, ${communeName}`,
      `Chuyên viên xử lý, ${provinceName}`, `Lãnh đạo cơ quan, ${provinceName}`,
    ]);
    assert.ok(steps.every((s) => !s.current));
    assert.equal((await dossierActions(page))[0], 'Chuyển hồ sơ đến bộ phận giải quyết');
    await commune.shot('commune-received');

    // The province police sees the dossier (it has a step there) but may do nothing yet.
    rows = await searchQueue(province.page, code);
    assert.deepEqual(rows.map((x) => x.code), [code], 'the province police sees the dossier from the start');
    await openFromQueue(province.page, code);
    assert.deepEqual(await dossierActions(province.page), [], 'nothing for the province police before its step');
    assert.equal(await province.page.getByRole('heading', { name: 'Thao tác' }).count(), 0);
    await province.shot('province-before-its-step');

    // 1. Reception transfers it to the handling section: step 1 is current.
    let r = await doAction(page, 'Chuyển hồ sơ đến bộ phận giải quyết');
    await assertDone(page, r, code, 'transfer', 'Chuyển hồ sơ đến bộ phận giải quyết');
    assert.equal((await dossierFacts(page))['Trạng thái'], STATE_LABEL.processing);
    steps = await workflowSteps(page);
    assert.deepEqual(steps.map((s) => s.current), [true, false, false, false]);
    await commune.shot('commune-transferred');

    // 2. The commune specialist passes it to the commune leader (step 2).
    let actions = await dossierActions(page);
    assert.ok(actions.includes('Chuyển bước xử lý'), `${actions}`);
    assert.ok(!actions.includes('Phê duyệt kết quả'), 'no approval before the last step');
    r = await doAction(page, 'Chuyển bước xử lý', async (form) => {
      await form.getByLabel('Ghi chú (không bắt buộc)').fill('Đã đối chiếu thông tin dân cư');
    });
    await assertDone(page, r, code, 'forward', 'Chuyển bước xử lý');
    assert.deepEqual((await workflowSteps(page)).map((s) => s.current), [false, true, false, false]);

    // 3. The commune leader signs off its part: the dossier goes to the province police.
    r = await doAction(page, 'Chuyển bước xử lý', async (form) => {
      await form.getByLabel('Ghi chú (không bắt buộc)').fill('Chuyển Công an tỉnh cấp thẻ');
    });
    await assertDone(page, r, code, 'forward', 'Chuyển bước xử lý');
    steps = await workflowSteps(page);
    assert.deepEqual(steps.map((s) => s.current), [false, false, true, false]);
    assert.ok(steps[2].text.endsWith(provinceName), steps[2].text);
    // Now in another agency's hands: the commune police may do nothing more for now.
    assert.deepEqual(await dossierActions(page), [], 'the commune police hands over');
    await commune.shot('commune-handed-over');

    // The province police officer finds it in their own queue, among open dossiers.
    page = province.page;
    await page.goto(`${BASE}/can-bo`);
    const { rows: queue } = await allQueueRows(page);
    assert.ok(queue.some((x) => x.code === code && x.state === STATE_LABEL.processing), `${code} in the province police's queue`);
    rows = await searchQueue(page, code, { state: 'processing' });
    assert.equal(rows.length, 1, 'in the province queue');
    assert.equal(rows[0].code, code);
    assert.equal(rows[0].state, STATE_LABEL.processing);
    assert.equal(rows[0].due.slice(0, 16), due, 'with the same due date');
    await province.shot('province-queue');
    await openFromQueue(page, code);
    actions = await dossierActions(page);
    assert.ok(actions.includes('Chuyển bước xử lý') && actions.includes('Trả lại bước trước'), `${actions}`);
    await province.shot('province-its-step');

    // 4. The province specialist forwards to the province leader (step 4).
    r = await doAction(page, 'Chuyển bước xử lý', async (form) => {
      await form.getByLabel('Ghi chú (không bắt buộc)').fill('Đã in thẻ, trình ký');
    });
    await assertDone(page, r, code, 'forward', 'Chuyển bước xử lý');
    assert.deepEqual((await workflowSteps(page)).map((s) => s.current), [false, false, false, true]);
    actions = await dossierActions(page);
    assert.ok(actions.includes('Phê duyệt kết quả'), `the last step approves: ${actions}`);
    assert.ok(!actions.includes('Chuyển bước xử lý'), 'nothing to forward after the last step');

    // 5. The signing leader approves: the result is ready, to be returned by the commune.
    r = await doAction(page, 'Phê duyệt kết quả', async (form) => {
      await form.getByLabel(/^Nội dung kết quả, ghi chú|^Ghi chú/).fill('Đồng ý cấp đổi thẻ căn cước');
    });
    await assertDone(page, r, code, 'approve', 'Phê duyệt kết quả');
    facts = await dossierFacts(page);
    assert.equal(facts['Trạng thái'], STATE_LABEL.result_ready);
    assert.deepEqual(await dossierActions(page), [], 'returning is the receiving agency’s business');
    await province.shot('province-approved');

    // 6. The commune's one-stop section returns it at the counter, to the applicant.
    page = commune.page;
    rows = await searchQueue(page, code, { state: 'result_ready', order: 'moi' });
    assert.deepEqual(rows.map((x) => [x.code, x.state]), [[code, STATE_LABEL.result_ready]]);
    await openFromQueue(page, code);
    assert.equal((await dossierActions(page))[0], 'Trả kết quả');
    await commune.shot('commune-result-ready');
    // Handing over at the counter without noting who received it: refused, nothing changes.
    r = await doAction(page, 'Trả kết quả');
    assert.equal(r.status(), 422, 'a counter return names its receiver');
    const refusal = await page.locator('main p.error[role="alert"]').first().innerText();
    assert.match(refusal, /^Trả kết quả: /, refusal);
    note(`returned without a receiver: ${refusal}`);
    assert.equal((await dossierFacts(page))['Trạng thái'], STATE_LABEL.result_ready);
    await commune.shot('commune-return-without-receiver');
    r = await doAction(page, 'Trả kết quả', async (form) => {
      assert.equal(await form.getByLabel('Hình thức trả').inputValue(), 'counter', 'the delivery chosen at reception');
      await form.getByLabel('Người nhận (tại quầy)', { exact: true }).fill(person.name);
      await form.getByLabel('Số định danh người nhận (tại quầy)').fill(person.id_number);
    });
    await assertDone(page, r, code, 'return_result', 'Trả kết quả');
    facts = await dossierFacts(page);
    assert.equal(facts['Trạng thái'], STATE_LABEL.returned);
    assert.equal(facts['Kết quả xử lý'], 'Trước hạn', 'returned days before the due date');
    assert.deepEqual(await dossierActions(page), [], 'nothing left to do');
    // The timeline: each event with the step it led to and the note typed with it.
    assert.deepEqual(await events(page), [
      'Nộp hồ sơ → Chờ tiếp nhận',
      'Tiếp nhận hồ sơ → Đã tiếp nhận',
      `Chuyển hồ sơ đến bộ phận giải quyết → Đang xử lý (${plan[0].name})`,
      `Chuyển bước xử lý → Đang xử lý (${plan[1].name}) Đã đối chiếu thông tin dân cư`,
      `Chuyển bước xử lý → Đang xử lý (${plan[2].name}) Chuyển Công an tỉnh cấp thẻ`,
      `Chuyển bước xử lý → Đang xử lý (${plan[3].name}) Đã in thẻ, trình ký`,
      `Phê duyệt kết quả → Có kết quả, chờ trả (${plan[3].name}) Đồng ý cấp đổi thẻ căn cước`,
      `Trả kết quả → Đã trả kết quả (${plan[3].name})`,
    ]);
    await commune.shot('commune-returned');

    // The record agrees; the applicant's lookup says it is returned.
    const stored = await staffView(code, 'congan.nhatrang');
    assert.equal(stored.state, 'returned');
    assert.equal(stored.outcome, 'early');
    const mine = expect(await api('GET', `/api/v1/dossiers/${code}`, { secret: person.phone }), 200, 'applicant view');
    assert.equal(mine.state, 'returned');

    // Mẫu số 06: every handover, with who did it.
    const text = await staffFormPdf(page, code, '06', '9-mau-06.pdf');
    if (text === null) {
      note('pdftotext not installed (Debian poppler-utils): the PDF text is not checked');
    } else {
      assert.ok(text.includes(code), `Mẫu 06 carries ${code}: ${text}`);
      assert.ok(text.includes(person.name.normalize('NFC')), `Mẫu 06 names the applicant: ${text}`);
      const count = (s) => text.split(s).length - 1;
      for (const [what, n] of [['Tiếp nhận hồ sơ', 1], ['Chuyển hồ sơ đến bộ phận giải quyết', 1], ['Chuyển bước xử lý', 3],
        ['Phê duyệt kết quả', 1], ['Trả kết quả', 1]]) {
        assert.ok(count(what) >= n, `Mẫu 06 lists “${what}” ${n}×: ${text}`);
      }
      for (const who of ['Võ Đức Thắng', 'Lý Thị Ngọc']) {
        assert.ok(text.includes(who), `Mẫu 06 names ${who}: ${text}`);
      }
      for (const step of plan) assert.ok(text.includes(step.name), `Mẫu 06 names the step “${step.name}”: ${text}`);
      assert.ok(text.includes('Trước hạn'), `Mẫu 06 gives the outcome: ${text}`);
    }
    note(`${code}: ${DEMO_USERS['congan.nhatrang'].name} → ${DEMO_USERS['canbo.tinh'].name} → returned`);
  } finally {
    await commune.context.close();
    await province.context.close();
  }
});
