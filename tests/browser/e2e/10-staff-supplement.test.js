// Flow 10 (back office): the specialist asks for a supplement from the dossier's page
// (two papers, each with its reason); the citizen sees exactly that in the lookup and
// uploads both; the specialist finds the dossier back in processing with the supply in the
// timeline and the new files, and the supplement request (Mẫu số 02) lists what was asked.
// Then the version every action form carries: a colleague's request in between is not
// overwritten by a form shown before it.
'use strict';

const { test, before, after } = require('node:test');
const {
  assert, STATE_LABEL, BASE, launch, openPage, submitAndWait, visit, fixtures, applicant, createAtCounter, staffView, act,
  staffSignIn, searchQueue, openFromQueue, dossierFacts, dossierActions, timelineLines, workflowSteps, actionForm,
  doAction, assertDone, staffFormPdf, parseShown,
} = require('../lib');

let browser;
let fx;
before(async () => { browser = await launch(); fx = fixtures(); });
after(async () => { await browser?.close(); fx?.cleanup(); });

const ASKED = [
  { document: 'Giấy chứng sinh', reason: 'Bản chụp bị mờ, không đọc được ngày sinh' },
  { document: 'Tờ khai đăng ký khai sinh', reason: 'Thiếu chữ ký của người đi đăng ký' },
];
const LABEL = 'Yêu cầu bổ sung, hoàn thiện hồ sơ';

/** The timeline without its times. */
const events = async (page) => (await timelineLines(page)).map((x) => x.replace(/^\d{2}:\d{2} \d{2}\/\d{2}\/\d{4} /, ''));

test('a supplement asked on the dossier page is answered from the lookup and the officer sees it back', async (t) => {
  const note = (m) => t.diagnostic(m);
  const person = applicant('Lương Thị Thúy Hằng');
  const { code } = await createAtCounter(person);
  const reception = await staffSignIn(browser, 10, 'motcua.nhatrang');
  const specialist = await staffSignIn(browser, 10, 'chuyenvien.nhatrang');
  const citizen = await openPage(browser, 10);
  try {
    // Reception sends the counter dossier to the handling section.
    let page = reception.page;
    await searchQueue(page, code);
    await openFromQueue(page, code);
    let r = await doAction(page, 'Chuyển hồ sơ đến bộ phận giải quyết');
    await assertDone(page, r, code, 'transfer', 'Chuyển hồ sơ đến bộ phận giải quyết');

    // The specialist finds it in the queue, processing, and opens it.
    page = specialist.page;
    let rows = await searchQueue(page, code);
    assert.deepEqual(rows.map((x) => [x.code, x.state]), [[code, STATE_LABEL.processing]]);
    await openFromQueue(page, code);
    const dueBefore = parseShown((await dossierFacts(page))['Hẹn trả kết quả']);
    assert.deepEqual((await workflowSteps(page)).map((s) => s.current), [true, false]);
    const actions = await dossierActions(page);
    assert.ok(actions.includes(LABEL), `the specialist may ask for a supplement: ${actions}`);
    await specialist.shot('specialist-processing');

    // Blank lines only: refused with the reason on the page, nothing changes.
    r = await doAction(page, LABEL, async (f) => {
      await f.getByLabel('Giấy tờ cần bổ sung, mỗi dòng một giấy tờ: “tên giấy tờ: lý do”').fill('  \n  ');
    });
    assert.equal(r.status(), 422, 'an empty list is refused');
    const refusal = await page.locator('main p.error[role="alert"]').first().innerText();
    assert.equal(refusal, `${LABEL}: Giấy tờ cần bổ sung: Liệt kê từ 1 đến 50 giấy tờ cần bổ sung`);
    assert.equal((await dossierFacts(page))['Trạng thái'], STATE_LABEL.processing);
    assert.equal((await staffView(code)).state, 'processing');
    await specialist.shot('supplement-request-empty');

    // The request: one paper a line, "paper: reason".
    const form = await actionForm(page, LABEL);
    assert.equal(await form.locator('textarea').getAttribute('required'), '', 'the list is required');
    await form.getByLabel('Giấy tờ cần bổ sung, mỗi dòng một giấy tờ: “tên giấy tờ: lý do”')
      .fill(ASKED.map((x) => `${x.document}: ${x.reason}`).join('\n'));
    await specialist.shot('supplement-request-filled');
    r = await doAction(page, LABEL);
    await assertDone(page, r, code, 'request_supplement', LABEL);
    let facts = await dossierFacts(page);
    assert.equal(facts['Trạng thái'], STATE_LABEL.supplement_requested);
    let lines = await events(page);
    assert.match(lines.at(-1), new RegExp(`^${LABEL} → ${STATE_LABEL.supplement_requested}`), lines.at(-1));
    assert.ok(!(await dossierActions(page)).includes(LABEL), 'no second request while waiting');
    await specialist.shot('supplement-requested');

    // The citizen's lookup: what is missing and why, and an upload per paper.
    page = citizen.page;
    await visit(page, '/tra-cuu');
    await page.getByLabel('Mã hồ sơ').fill(code);
    await page.getByLabel('Số điện thoại hoặc số định danh của người nộp').fill(person.phone);
    r = await submitAndWait(page, () => page.getByRole('button', { name: 'Tra cứu' }).click());
    assert.equal(r.status(), 200);
    assert.equal(await page.locator('p.status').innerText(), STATE_LABEL.supplement_requested);
    const missing = await page.locator('h2:text-is("Giấy tờ cần bổ sung") + ul > li').allInnerTexts();
    assert.deepEqual(missing, ASKED.map((x) => `${x.document}: ${x.reason}`));
    await citizen.shot('lookup-missing');
    const supply = page.locator('form[action="/tra-cuu/bo-sung"]');
    await supply.getByLabel('Số điện thoại hoặc số định danh của người nộp (để xác nhận nộp bổ sung)').fill(person.phone);
    await supply.getByLabel(`${ASKED[0].document} (PDF, JPEG hoặc PNG, tối đa 10 MB)`).setInputFiles(fx.png);
    await supply.getByLabel(`${ASKED[1].document} (PDF, JPEG hoặc PNG, tối đa 10 MB)`).setInputFiles(fx.pdf);
    await citizen.shot('lookup-supply-filled');
    r = await submitAndWait(page, () => supply.getByRole('button', { name: 'Nộp bổ sung' }).click());
    assert.equal(r.status(), 200);
    assert.equal(await page.getByRole('status').first().innerText(),
      'Đã nộp bổ sung 2 tệp. Hồ sơ được chuyển lại cho cán bộ xử lý và thời hạn giải quyết tiếp tục.');
    assert.equal(await page.locator('p.status').innerText(), STATE_LABEL.processing);
    await citizen.shot('lookup-supplied');

    // The specialist: back in processing at the same step, the supply in the timeline, the
    // two new files named after the papers asked for.
    page = specialist.page;
    rows = await searchQueue(page, code);
    assert.deepEqual(rows.map((x) => [x.code, x.state]), [[code, STATE_LABEL.processing]]);
    await openFromQueue(page, code);
    facts = await dossierFacts(page);
    assert.equal(facts['Trạng thái'], STATE_LABEL.processing);
    assert.deepEqual((await workflowSteps(page)).map((s) => s.current), [true, false], 'at the step that asked');
    lines = await events(page);
    assert.match(lines.at(-1), new RegExp(`^Bổ sung hồ sơ → ${STATE_LABEL.processing}`));
    assert.deepEqual(lines.map((x) => x.split(' → ')[0]), [
      'Nộp hồ sơ', 'Tiếp nhận hồ sơ', 'Chuyển hồ sơ đến bộ phận giải quyết', LABEL, 'Bổ sung hồ sơ',
    ]);
    const files = (await page.locator('h2:text-is("Giấy tờ đính kèm") + ul > li').allInnerTexts()).map((x) => x.replace(/\s+/g, ' ').trim());
    assert.deepEqual(files, [
      `${ASKED[0].document}: giay-chung-sinh.png (1 KB)`,
      `${ASKED[1].document}: to-khai-khai-sinh.pdf (1 KB)`,
    ]);
    // The clock resumed: the due date moved by the working time spent waiting, never back.
    const dueAfter = parseShown(facts['Hẹn trả kết quả']);
    assert.ok(`${dueAfter.day} ${dueAfter.time}` >= `${dueBefore.day} ${dueBefore.time}`, `${JSON.stringify(dueBefore)} → ${JSON.stringify(dueAfter)}`);
    const actions2 = await dossierActions(page);
    assert.ok(actions2.includes('Chuyển bước xử lý'), `processing goes on: ${actions2}`);
    await specialist.shot('specialist-supplied');
    const stored = await staffView(code);
    assert.equal(stored.state, 'processing');
    assert.equal(stored.current_step, 0);

    // Mẫu số 02: the request with each paper and its reason.
    const forms = (await page.locator('h2:text-is("Phiếu, văn bản in") + ul > li').allInnerTexts()).map((x) => x.trim());
    assert.ok(forms.includes('Mẫu số 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (PDF)'), JSON.stringify(forms));
    const text = await staffFormPdf(page, code, '02', '10-mau-02.pdf');
    if (text === null) {
      note('pdftotext not installed (Debian poppler-utils): the PDF text is not checked');
    } else {
      assert.ok(text.includes(code), `Mẫu 02 carries ${code}: ${text}`);
      assert.ok(text.includes(person.name.normalize('NFC')), `Mẫu 02 names the applicant: ${text}`);
      for (const x of ASKED) {
        assert.ok(text.includes(x.document), `Mẫu 02 asks for ${x.document}: ${text}`);
        // The reason sits in a narrow column: its words, in order, whatever the line breaks.
        const words = x.reason.split(' ');
        let at = text.indexOf(words[0]);
        for (const w of words) {
          at = text.indexOf(w, at);
          assert.ok(at >= 0, `Mẫu 02 gives the reason “${x.reason}” (missing “${w}”): ${text}`);
        }
      }
      assert.ok(text.includes('Trần Văn Minh'), `Mẫu 02 is signed by the specialist who asked: ${text}`);
    }
    // Anyone else's session: the forms are for staff who see the dossier.
    const other = await staffSignIn(browser, 10, 'motcua.camlam');
    try {
      const x = await other.page.request.get(`${BASE}/can-bo/ho-so/${code}/mau/02`);
      assert.equal(x.status(), 404, 'another commune’s officer does not see the dossier');
    } finally {
      await other.context.close();
    }
  } finally {
    await reception.context.close();
    await specialist.context.close();
    await citizen.context.close();
  }
});

test('a colleague’s supplement request in between is not overwritten by a stale form', async () => {
  // Each action form carries the version of the dossier it was shown with.
  const person = applicant('Tạ Minh Khôi');
  const { code } = await createAtCounter(person);
  await act(code, 'transfer', 'motcua.nhatrang');
  const specialist = await staffSignIn(browser, 10, 'chuyenvien.nhatrang');
  const leader = await staffSignIn(browser, 10, 'lanhdao.nhatrang');
  try {
    // The specialist opens the dossier and starts forwarding it.
    await searchQueue(specialist.page, code);
    await openFromQueue(specialist.page, code);
    const forward = await actionForm(specialist.page, 'Chuyển bước xử lý');
    const typed = 'Hồ sơ hợp lệ, trình lãnh đạo ký';
    await forward.getByLabel('Ghi chú (không bắt buộc)').fill(typed);
    await specialist.shot('stale-form-typed');

    // Meanwhile the leader asks for a paper from the same dossier.
    await searchQueue(leader.page, code);
    await openFromQueue(leader.page, code);
    let r = await doAction(leader.page, LABEL, async (f) => {
      await f.getByLabel('Giấy tờ cần bổ sung, mỗi dòng một giấy tờ: “tên giấy tờ: lý do”').fill(`${ASKED[0].document}: ${ASKED[0].reason}`);
    });
    await assertDone(leader.page, r, code, 'request_supplement', LABEL);
    await leader.shot('colleague-asked');

    // The specialist's stale form: nothing done, the dossier as it is now, what was typed kept.
    r = await submitAndWait(specialist.page, () => forward.getByRole('button', { name: 'Chuyển bước xử lý', exact: true }).click());
    assert.equal(r.status(), 409);
    assert.equal(await specialist.page.locator('main p.error[role="alert"]').first().innerText(),
      'Hồ sơ vừa được người khác cập nhật nên thao tác “Chuyển bước xử lý” chưa được thực hiện. '
      + `Hãy xem lại hồ sơ dưới đây rồi thao tác lại. Nội dung bạn đã nhập: ${typed}`);
    assert.equal((await dossierFacts(specialist.page))['Trạng thái'], STATE_LABEL.supplement_requested);
    assert.ok(!(await dossierActions(specialist.page)).includes('Chuyển bước xử lý'), 'no forwarding while waiting for the paper');
    const lines = (await timelineLines(specialist.page)).map((x) => x.replace(/^\d{2}:\d{2} \d{2}\/\d{2}\/\d{4} /, ''));
    assert.ok(!lines.some((x) => x.startsWith('Chuyển bước xử lý')), JSON.stringify(lines));
    await specialist.shot('stale-form-refused');
    const stored = await staffView(code);
    assert.equal(stored.state, 'supplement_requested');
    assert.equal(stored.current_step, 0);
  } finally {
    await specialist.context.close();
    await leader.context.close();
  }
});
