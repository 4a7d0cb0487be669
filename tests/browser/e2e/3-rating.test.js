// Flow 3: a dossier driven through its workflow to a returned result, rated once by the
// applicant at /danh-gia; a second rating is refused.
'use strict';

const { test, before, after } = require('node:test');
const {
  assert, STATE_LABEL, NOT_FOUND, launch, openPage, submitAndWait, visit, mainText,
  act, stepUser, applicant, createAtCounter,
} = require('../lib');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Receive (counter) → transfer → every step forward, the last approves → return the result. */
async function toReturned(person) {
  const d0 = await createAtCounter(person);
  const code = d0.code;
  let d = await act(code, 'transfer', 'motcua.nhatrang');
  assert.equal(d.state, 'processing');
  assert.ok(d.steps.length >= 1);
  for (let i = 0; i < d.steps.length; i++) {
    const last = i + 1 === d.steps.length;
    d = await act(code, last ? 'approve' : 'forward', stepUser(d, i), { note: `Bước ${i + 1} xong` });
  }
  assert.equal(d.state, 'result_ready');
  d = await act(code, 'return-result', 'motcua.nhatrang', { method: 'counter', receiver_name: person.name, receiver_id: person.id_number });
  assert.equal(d.state, 'returned');
  return code;
}

/** Fills every criterion with `points` (0–2) and the satisfaction level. */
async function fillRating(page, secret, points, satisfaction) {
  await page.getByLabel('Số điện thoại hoặc số định danh của người nộp').fill(secret);
  const criteria = page.locator('select[id^="c"]');
  assert.equal(await criteria.count(), 9, 'nine criteria');
  for (let i = 0; i < 9; i++) await criteria.nth(i).selectOption(String(points));
  await page.getByRole('radio', { name: satisfaction, exact: true }).check();
}

test('a returned dossier is rated once at /danh-gia; a second rating is refused', async () => {
  const { context, page, shot } = await openPage(browser, 3);
  const person = applicant('Phạm Minh Đức');
  try {
    const code = await toReturned(person);

    // The lookup says the result was returned and offers the rating.
    await visit(page, '/tra-cuu');
    await page.getByLabel('Mã hồ sơ').fill(code);
    await page.getByLabel('Số điện thoại hoặc số định danh của người nộp').fill(person.phone);
    let r = await submitAndWait(page, () => page.getByRole('button', { name: 'Tra cứu' }).click());
    assert.equal(r.status(), 200);
    assert.equal(await page.locator('p.status').innerText(), STATE_LABEL.returned);
    assert.match(await page.locator('ol.timeline > li').last().innerText(), /Trả kết quả → Đã trả kết quả/);
    await shot('lookup-returned');
    r = await submitAndWait(page, () => page.getByRole('link', { name: 'Đánh giá việc giải quyết hồ sơ' }).click());
    assert.equal(r.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/danh-gia');
    assert.equal(await page.getByLabel('Mã hồ sơ').inputValue(), code, 'the code is filled in from the lookup');

    // Missing criteria: every one is pointed out and nothing is recorded.
    await page.getByLabel('Số điện thoại hoặc số định danh của người nộp').fill(person.phone);
    r = await submitAndWait(page, () => page.getByRole('button', { name: 'Gửi đánh giá' }).click());
    assert.equal(r.status(), 422);
    assert.equal(await page.getByRole('alert').innerText(), 'Vui lòng chọn mức đánh giá cho mọi tiêu chí');
    assert.ok(await page.locator('select + p.error').count() >= 9, 'an error under each criterion');
    assert.equal(await page.getByLabel('Mã hồ sơ').inputValue(), code, 'the code is kept');
    await shot('rating-incomplete');

    // Rated: the thank-you with the score.
    await fillRating(page, person.phone, 2, 'Rất hài lòng');
    await page.getByLabel('Góp ý (không bắt buộc)').fill('Cán bộ hướng dẫn tận tình.');
    await shot('rating-filled');
    r = await submitAndWait(page, () => page.getByRole('button', { name: 'Gửi đánh giá' }).click());
    assert.equal(r.status(), 200);
    assert.equal(await page.getByRole('status').innerText(), `Cảm ơn bạn. Đánh giá hồ sơ ${code}: 18 điểm/18 (Xuất sắc), rất hài lòng.`);
    assert.equal(await page.locator('form[action="/danh-gia"]').count(), 0, 'no form after the thank-you');
    await shot('rating-thanks');
    // Not a dead end: back to the dossier's lookup, its code filled in.
    r = await submitAndWait(page, () => page.getByRole('link', { name: `Xem lại hồ sơ ${code}` }).click());
    assert.equal(r.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/tra-cuu');
    assert.equal(await page.getByLabel('Mã hồ sơ').inputValue(), code);

    // Once only.
    await visit(page, `/danh-gia?ma=${encodeURIComponent(code)}`);
    await fillRating(page, person.id_number, 0, 'Không hài lòng');
    r = await submitAndWait(page, () => page.getByRole('button', { name: 'Gửi đánh giá' }).click());
    assert.equal(r.status(), 409);
    assert.equal(await page.getByRole('alert').innerText(), 'Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần');
    assert.ok(!(await mainText(page)).includes('Cảm ơn bạn'));
    await shot('rating-twice');
  } finally {
    await context.close();
  }
});

test('rating: refused before the result, and for a wrong phone', async () => {
  const { context, page, shot } = await openPage(browser, 3);
  const person = applicant('Hoàng Thị Lan');
  try {
    const d = await createAtCounter(person);
    await visit(page, `/danh-gia?ma=${encodeURIComponent(d.code)}`);
    await fillRating(page, person.phone, 1, 'Hài lòng');
    let r = await submitAndWait(page, () => page.getByRole('button', { name: 'Gửi đánh giá' }).click());
    assert.equal(r.status(), 409);
    assert.equal(await page.getByRole('alert').innerText(), 'Hồ sơ chỉ được đánh giá sau khi có kết quả');
    await shot('rating-too-early');

    await fillRating(page, '0912000000', 1, 'Hài lòng');
    r = await submitAndWait(page, () => page.getByRole('button', { name: 'Gửi đánh giá' }).click());
    assert.equal(r.status(), 404);
    assert.equal(await page.getByRole('alert').innerText(), NOT_FOUND);
    await shot('rating-wrong-phone');
  } finally {
    await context.close();
  }
});
