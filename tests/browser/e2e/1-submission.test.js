// Flow 1: a citizen searches without diacritics, opens the procedure, fills the online form
// with two uploads, checks everything on the review page, confirms, gets a receipt (page and
// PDF), and follows the dossier in the lookup. Plus the negative cases of the submission
// form (a bad file keeps the good one) and of the lookup.
'use strict';

const { test, before, after } = require('node:test');
const {
  assert, BIRTH, BIRTH_NAME, NHA_TRANG, STATE_LABEL, NOT_FOUND,
  launch, openPage, submitAndWait, visit, mainText, fixtures, act, api, staffView, applicant, token, expect,
  assertNoOverflow, fillSubmission, continueToReview, assertReview, sendSubmission, assertReceipt,
} = require('../lib');

let browser;
let fx;
before(async () => { browser = await launch(); fx = fixtures(); });
after(async () => { await browser?.close(); fx?.cleanup(); });

test('search without diacritics → procedure → online submission with two uploads → receipt → lookup', async (t) => {
  const { context, page, shot, phoneShot } = await openPage(browser, 1);
  const person = applicant('Nguyễn Thị Hạnh');
  try {
    // Home: the search box, typed without diacritics.
    await visit(page, '/');
    await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Hệ thống giải quyết thủ tục hành chính một cửa' }).waitFor());
    await page.getByLabel('Tìm thủ tục hành chính').fill('dang ky khai sinh');
    await shot('home-search-typed');
    let r = await submitAndWait(page, () => page.getByLabel('Tìm thủ tục hành chính').press('Enter'));
    assert.equal(r.status(), 200);
    assert.match(page.url(), /\/thu-tuc\?q=dang\+ky\+khai\+sinh/);
    const status = await page.getByRole('status').innerText();
    assert.match(status, /^\d+ thủ tục phù hợp với “dang ky khai sinh”/, status);
    const result = page.locator('ol.results').getByRole('link', { name: BIRTH_NAME, exact: true });
    assert.equal(await result.count(), 1, 'one result is exactly “Đăng ký khai sinh”');
    await shot('search-results');

    // The procedure page.
    r = await submitAndWait(page, () => result.click());
    assert.equal(r.status(), 200);
    assert.equal(new URL(page.url()).pathname, `/thu-tuc/${BIRTH}`);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), BIRTH_NAME);
    const facts = await mainText(page);
    assert.ok(facts.includes(`Mã thủ tục ${BIRTH}`), facts);
    assert.ok(facts.includes('Thành phần hồ sơ') && facts.includes('Tờ khai đăng ký khai sinh'), 'documents listed');
    await shot('procedure');

    // The online form: the first of three steps.
    r = await submitAndWait(page, () => page.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).click());
    assert.equal(r.status(), 200);
    assert.equal(new URL(page.url()).pathname, `/nop-ho-so/${BIRTH}`);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Nộp hồ sơ trực tuyến');
    assert.equal(await page.locator('ol.progress [aria-current="step"]').innerText(), 'Điền thông tin');
    await shot('form-empty');
    const agency = await fillSubmission(page, person, [fx.pdf, fx.png]);
    await shot('form-filled');
    assertNoOverflow(await phoneShot('form-filled'), 'the submission form', (m) => t.diagnostic(m));

    // "Tiếp tục" → the review ("Kiểm tra lại thông tin") → "Xác nhận nộp hồ sơ" → the receipt.
    r = await sendSubmission(page, shot, person, {
      phoneShot,
      note: (m) => t.diagnostic(m),
      review: ({ documents }) => assert.deepEqual(documents, [
        'Tờ khai đăng ký khai sinh: to-khai-khai-sinh.pdf (1 KB)',
        'Giấy chứng sinh hoặc giấy tờ thay thế giấy chứng sinh: giay-chung-sinh.png (1 KB)',
      ]),
    });
    assert.equal(r.status(), 200, `confirming answered HTTP ${r.status()}: ${await mainText(page)}`);
    const { ref } = await assertReceipt(page, person, '1-receipt.pdf', (m) => t.diagnostic(m));
    await shot('receipt');
    assertNoOverflow(await phoneShot('receipt'), 'the receipt page', (m) => t.diagnostic(m));

    // What was stored, as the reception officer sees it.
    const stored = await staffView(ref);
    assert.equal(stored.state, 'submitted');
    assert.equal(stored.channel, 'online');
    assert.equal(stored.procedure.code, BIRTH);
    assert.ok(stored.agency.name.includes('Nha Trang'), `${stored.agency.name} (chose ${agency})`);
    assert.deepEqual(stored.documents.map((d) => d.content_type).sort(), ['application/pdf', 'image/png']);

    // The lookup with the code and the phone: status, next step, timeline.
    await visit(page, '/tra-cuu');
    await page.getByLabel('Mã hồ sơ').fill(ref);
    await page.getByLabel('Số điện thoại hoặc số định danh của người nộp').fill(person.phone);
    await shot('lookup-filled');
    r = await submitAndWait(page, () => page.getByRole('button', { name: 'Tra cứu' }).click());
    assert.equal(r.status(), 200);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), `Hồ sơ ${ref}`);
    assert.equal(await page.locator('p.status').innerText(), STATE_LABEL.submitted);
    let text = await mainText(page);
    assert.ok(text.includes('Hồ sơ đang chờ cán bộ tiếp nhận kiểm tra'), text);
    assert.ok(text.includes(BIRTH_NAME), text);
    assert.equal(await page.getByRole('heading', { name: 'Quá trình xử lý' }).count(), 1);
    const timeline = page.locator('ol.timeline > li');
    assert.equal(await timeline.count(), 1);
    assert.match(await timeline.nth(0).innerText(), /Nộp hồ sơ → Chờ tiếp nhận/);
    await shot('lookup-submitted');

    // A wrong phone gets exactly the answer of a wrong code.
    const answers = [];
    for (const [code, secret] of [[ref, '0912000000'], ['HS-ZZZZZZZZZZZZ', person.phone]]) {
      await visit(page, '/tra-cuu');
      await page.getByLabel('Mã hồ sơ').fill(code);
      await page.getByLabel('Số điện thoại hoặc số định danh của người nộp').fill(secret);
      r = await submitAndWait(page, () => page.getByRole('button', { name: 'Tra cứu' }).click());
      assert.equal(r.status(), 404, `lookup of ${code} with ${secret}`);
      assert.equal(await page.getByRole('alert').innerText(), NOT_FOUND);
      answers.push(await mainText(page));
      await shot(answers.length === 1 ? 'lookup-wrong-phone' : 'lookup-wrong-code');
    }
    assert.equal(answers[0], answers[1], 'a wrong phone and a wrong code are answered alike');

    // Reception issues the code: the lookup (now by ID number) shows it, a due date and
    // two events.
    const received = await act(ref, 'receive', 'motcua.nhatrang');
    assert.equal(received.state, 'received');
    await visit(page, '/tra-cuu');
    await page.getByLabel('Mã hồ sơ').fill(received.code);
    await page.getByLabel('Số điện thoại hoặc số định danh của người nộp').fill(person.id_number);
    r = await submitAndWait(page, () => page.getByRole('button', { name: 'Tra cứu' }).click());
    assert.equal(r.status(), 200);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), `Hồ sơ ${received.code}`);
    assert.equal(await page.locator('p.status').innerText(), STATE_LABEL.received);
    text = await mainText(page);
    assert.ok(text.includes('Hẹn trả kết quả'), text);
    assert.equal(await timeline.count(), 2);
    assert.match(await timeline.nth(1).innerText(), /Tiếp nhận hồ sơ → Đã tiếp nhận/);
    await shot('lookup-received');
  } finally {
    await context.close();
  }
});

test('submission: a text file named .pdf is refused next to its field, the good file is kept, nothing is created', async () => {
  const { context, page, shot } = await openPage(browser, 1);
  const person = applicant('Trần Văn Bình');
  try {
    const before = await newestSubmitted();
    await visit(page, `/nop-ho-so/${BIRTH}`);
    await fillSubmission(page, person, [fx.textAsPdf, fx.png]);
    let r = await continueToReview(page);
    assert.equal(r.status(), 422);
    assert.equal(await page.getByRole('alert').innerText(),
      'Vui lòng kiểm tra các trường được đánh dấu. Các tệp hợp lệ đã được lưu, không cần chọn lại.');
    // The message sits right after the file input it is about, in Vietnamese.
    const msg = page.locator('input[type="file"] + p.error');
    assert.equal(await msg.count(), 1, 'one file error');
    assert.equal(await msg.evaluate((e) => e.previousElementSibling.id), await page.locator('input[type="file"]').nth(0).getAttribute('id'));
    assert.equal(await msg.innerText(), 'Tệp “ghi-chu.pdf” không phải PDF, JPEG hoặc PNG');
    // The good file is kept (not to be chosen again); the bad one is not.
    const given = await page.locator('p.muted', { hasText: 'Đã tải lên:' }).allInnerTexts();
    assert.deepEqual(given, ['Đã tải lên: giay-chung-sinh.png (1 KB). Chọn tệp khác nếu muốn thay.']);
    assert.equal(await page.locator('#g1 + input[type="file"]').getAttribute('id'), 'f1', 'the note is on the second upload');
    // What was typed is kept.
    assert.equal(await page.getByLabel('Họ và tên / tên tổ chức').inputValue(), person.name);
    assert.equal(await page.getByLabel('Số điện thoại', { exact: true }).inputValue(), person.phone);
    assert.equal(await page.getByLabel('Nơi nộp hồ sơ (UBND xã, phường hoặc cơ quan cấp tỉnh)').inputValue(), NHA_TRANG);
    assert.ok(!(await mainText(page)).includes('Đã nộp hồ sơ'));
    await shot('form-bad-file');
    assert.equal(await newestSubmitted(), before, 'nothing was created');

    // Only the bad file chosen again: the review lists both papers. Not confirmed.
    await page.locator('input[type="file"]').nth(0).setInputFiles(fx.pdf);
    r = await continueToReview(page);
    assert.equal(r.status(), 200, await mainText(page));
    const { documents } = await assertReview(page, person);
    assert.deepEqual(documents, [
      'Tờ khai đăng ký khai sinh: to-khai-khai-sinh.pdf (1 KB)',
      'Giấy chứng sinh hoặc giấy tờ thay thế giấy chứng sinh: giay-chung-sinh.png (1 KB)',
    ]);
    await shot('review-after-bad-file');
    assert.equal(await newestSubmitted(), before, 'the review creates nothing');
  } finally {
    await context.close();
  }
});

test('submission: missing fields are each explained and nothing is created', async () => {
  const { context, page, shot } = await openPage(browser, 1);
  try {
    const before = await newestSubmitted();
    await visit(page, `/nop-ho-so/${BIRTH}`);
    await page.getByLabel('Số định danh cá nhân (12 số) hoặc mã số thuế').fill('123');
    const r = await continueToReview(page);
    assert.equal(r.status(), 422);
    const errors = await page.locator('p.error').allInnerTexts();
    assert.ok(errors.length >= 4, `an error per missing field: ${errors.join(' | ')}`);
    // Each field error follows its own input (or fieldset).
    for (const id of ['name', 'id_number', 'phone']) {
      const next = await page.locator(`#${id}`).evaluate((e) => e.nextElementSibling && e.nextElementSibling.className);
      assert.equal(next, 'error', `an error right after #${id}`);
    }
    await shot('form-missing-fields');
    assert.equal(await newestSubmitted(), before, 'nothing was created');
  } finally {
    await context.close();
  }
});

/** The newest dossier waiting for reception at Nha Trang (newest first), to prove nothing was added. */
async function newestSubmitted() {
  const r = await api('GET', `/api/v1/dossiers?state=submitted&agency=${NHA_TRANG}&limit=1`, { token: await token('motcua.nhatrang') });
  const list = expect(r, 200, 'staff list');
  assert.ok(Array.isArray(list.items), r.text);
  return list.items.length ? list.items[0].reference : null;
}
