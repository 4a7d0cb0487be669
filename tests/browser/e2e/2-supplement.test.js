// Flow 2: staff ask for a missing paper; the citizen sees what is missing and why in the
// lookup, uploads it online, and the dossier goes back to processing.
'use strict';

const { test, before, after } = require('node:test');
const {
  assert, STATE_LABEL, NOT_FOUND, launch, openPage, submitAndWait, visit, mainText, fixtures,
  act, stepUser, staffView, applicant, submitOnline, api,
} = require('../lib');

let browser;
let fx;
before(async () => { browser = await launch(); fx = fixtures(); });
after(async () => { await browser?.close(); fx?.cleanup(); });

const MISSING = { document: 'Giấy chứng sinh', reason: 'Bản chụp bị mờ, không đọc được ngày sinh' };

test('a supplement request is answered online from the lookup and processing resumes', async () => {
  const { context, page, shot } = await openPage(browser, 2);
  const person = applicant('Lê Văn Cường');
  try {
    // Submitted online, received, sent to the specialist, who asks for a paper.
    const submitted = await submitOnline(person);
    const received = await act(submitted.reference, 'receive', 'motcua.nhatrang');
    const code = received.code;
    const processing = await act(code, 'transfer', 'motcua.nhatrang');
    assert.equal(processing.state, 'processing');
    const asked = await act(code, 'request-supplement', stepUser(processing, 0), { items: [MISSING] });
    assert.equal(asked.state, 'supplement_requested');
    const docsBefore = (await staffView(code)).documents.length;

    // The citizen looks it up: what is missing and why.
    await visit(page, '/tra-cuu');
    await page.getByLabel('Mã hồ sơ').fill(code);
    await page.getByLabel('Số điện thoại hoặc số định danh của người nộp').fill(person.phone);
    let r = await submitAndWait(page, () => page.getByRole('button', { name: 'Tra cứu' }).click());
    assert.equal(r.status(), 200);
    assert.equal(await page.locator('p.status').innerText(), STATE_LABEL.supplement_requested);
    let text = await mainText(page);
    assert.ok(text.includes('Cơ quan cần bạn bổ sung giấy tờ dưới đây'), text);
    assert.equal(await page.getByRole('heading', { name: 'Giấy tờ cần bổ sung' }).count(), 1);
    const items = await page.locator('h2:text("Giấy tờ cần bổ sung") + ul > li').allInnerTexts();
    assert.deepEqual(items, [`${MISSING.document}: ${MISSING.reason}`]);
    assert.match(await page.locator('ol.timeline > li').last().innerText(), /Yêu cầu bổ sung, hoàn thiện hồ sơ → Chờ bổ sung/);
    await shot('lookup-supplement-requested');

    // A text file named .pdf is refused, with the message in the form, and nothing changes.
    const form = page.locator('form[action="/tra-cuu/bo-sung"]');
    await form.getByLabel('Số điện thoại hoặc số định danh của người nộp (để xác nhận nộp bổ sung)').fill(person.phone);
    await form.getByLabel(new RegExp(`^${MISSING.document} \\(PDF, JPEG hoặc PNG`)).setInputFiles(fx.textAsPdf);
    await shot('supply-bad-file-chosen');
    r = await submitAndWait(page, () => form.getByRole('button', { name: 'Nộp bổ sung' }).click());
    assert.equal(r.status(), 422);
    assert.equal(await page.getByRole('alert').innerText(), 'Tệp “ghi-chu.pdf” không phải PDF, JPEG hoặc PNG');
    assert.equal(await page.locator('p.status').innerText(), STATE_LABEL.supplement_requested);
    assert.equal((await staffView(code)).state, 'supplement_requested', 'a refused file changes nothing');
    await shot('supply-bad-file');

    // A wrong phone in the supply form gets the lookup's one "not found" answer.
    await form.getByLabel('Số điện thoại hoặc số định danh của người nộp (để xác nhận nộp bổ sung)').fill('0912000000');
    await form.getByLabel(new RegExp(`^${MISSING.document} \\(PDF`)).setInputFiles(fx.pdf);
    r = await submitAndWait(page, () => form.getByRole('button', { name: 'Nộp bổ sung' }).click());
    assert.equal(r.status(), 404);
    assert.equal(await page.getByRole('alert').innerText(), NOT_FOUND);
    assert.equal((await staffView(code)).state, 'supplement_requested');
    await shot('supply-wrong-phone');

    // The right phone and a real PDF: back to processing.
    await visit(page, '/tra-cuu');
    await page.getByLabel('Mã hồ sơ').fill(code);
    await page.getByLabel('Số điện thoại hoặc số định danh của người nộp').fill(person.id_number);
    await submitAndWait(page, () => page.getByRole('button', { name: 'Tra cứu' }).click());
    await form.getByLabel('Số điện thoại hoặc số định danh của người nộp (để xác nhận nộp bổ sung)').fill(person.id_number);
    await form.getByLabel(new RegExp(`^${MISSING.document} \\(PDF`)).setInputFiles(fx.pdf);
    await shot('supply-filled');
    r = await submitAndWait(page, () => form.getByRole('button', { name: 'Nộp bổ sung' }).click());
    assert.equal(r.status(), 200);
    assert.equal(await page.getByRole('status').first().innerText(),
      'Đã nộp bổ sung 1 tệp. Hồ sơ được chuyển lại cho cán bộ xử lý và thời hạn giải quyết tiếp tục.');
    assert.equal(await page.locator('p.status').innerText(), STATE_LABEL.processing);
    text = await mainText(page);
    assert.ok(text.includes('Hồ sơ đang được giải quyết'), text);
    assert.ok(!text.includes('Giấy tờ cần bổ sung'), 'nothing is missing any more');
    assert.match(await page.locator('ol.timeline > li').last().innerText(), /Bổ sung hồ sơ → Đang xử lý/);
    await shot('supply-done');

    // The staff API agrees: processing again at the step that asked, with the new paper.
    const after = await staffView(code);
    assert.equal(after.state, 'processing');
    assert.equal(after.current_step, 0);
    assert.equal(after.documents.length, docsBefore + 1);
    assert.ok(after.documents.some((d) => d.name === MISSING.document && d.content_type === 'application/pdf'),
      JSON.stringify(after.documents));
    // And so does the applicant's own API view.
    const mine = await api('GET', `/api/v1/dossiers/${code}`, { secret: person.phone });
    assert.equal(mine.status, 200);
    assert.equal(mine.json.state, 'processing');

    // A second supply is refused: there is nothing to supply any more.
    const again = await api('POST', `/api/v1/dossiers/${code}/supply`, { secret: person.phone, json: {} });
    assert.equal(again.status, 409, again.text);
  } finally {
    await context.close();
  }
});
