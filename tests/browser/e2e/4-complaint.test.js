// Flow 4: a complaint at /phan-anh gets a tracking code, which finds it again.
'use strict';

const { test, before, after } = require('node:test');
const { assert, BIRTH, launch, openPage, submitAndWait, visit, mainText, applicant } = require('../lib');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a complaint gets a tracking code that finds it again', async () => {
  const { context, page, shot } = await openPage(browser, 4);
  const person = applicant('Vũ Thị Mai');
  try {
    await visit(page, '/phan-anh');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Phản ánh, kiến nghị');
    await page.getByLabel('Nội dung phản ánh về').selectOption({ label: 'Thái độ, hành vi của cán bộ' });
    await page.getByLabel('Mã thủ tục liên quan (nếu có)').fill(BIRTH);
    await page.getByLabel('Tiêu đề').fill('Hẹn trả kết quả nhiều lần');
    await page.getByLabel('Nội dung', { exact: true }).fill('Tôi đến nhận kết quả đúng hẹn nhưng được hẹn lại hai lần mà không có giấy xin lỗi.');
    await page.getByLabel('Họ và tên').fill(person.name);
    await page.getByLabel('Số điện thoại', { exact: true }).fill(person.phone);
    await shot('complaint-filled');
    let r = await submitAndWait(page, () => page.getByRole('button', { name: 'Gửi phản ánh' }).click());
    assert.equal(r.status(), 201);
    const notice = await page.getByRole('status').first().innerText();
    const m = notice.match(/Mã theo dõi: (PA-[A-Z0-9]{12})\./);
    assert.ok(m, `a tracking code: ${notice}`);
    const tracking = m[1];
    assert.ok(notice.startsWith('Đã nhận phản ánh của bạn.'), notice);
    await shot('complaint-sent');

    // Looked up with the code (already filled in) and the phone.
    const look = page.locator('form[action="/phan-anh/tra-cuu"]');
    assert.equal(await look.getByLabel('Mã theo dõi').inputValue(), tracking);
    await look.getByLabel('Số điện thoại đã dùng khi gửi').fill(person.phone);
    r = await submitAndWait(page, () => look.getByRole('button', { name: 'Xem' }).click());
    assert.equal(r.status(), 200);
    assert.equal(await look.getByRole('status').innerText(), 'Phản ánh của bạn đã được tiếp nhận và đang được xem xét.');
    await shot('complaint-lookup');

    // From a fresh page, by typing both; a wrong phone is answered like a wrong code.
    for (const [code, phone, status] of [[tracking, person.phone, 200], [tracking, '0912000000', 404], ['PA-ZZZZZZZZZZZZ', person.phone, 404]]) {
      await visit(page, '/phan-anh');
      await look.getByLabel('Mã theo dõi').fill(code);
      await look.getByLabel('Số điện thoại đã dùng khi gửi').fill(phone);
      r = await submitAndWait(page, () => look.getByRole('button', { name: 'Xem' }).click());
      assert.equal(r.status(), status, `${code} with ${phone}`);
      const msg = await look.getByRole('status').innerText();
      assert.equal(msg, status === 200
        ? 'Phản ánh của bạn đã được tiếp nhận và đang được xem xét.'
        : 'Không tìm thấy phản ánh khớp với mã và số điện thoại đã nhập');
    }
    await shot('complaint-lookup-wrong-code');
  } finally {
    await context.close();
  }
});

test('complaint: an empty form and an unknown procedure code are explained field by field', async () => {
  const { context, page, shot } = await openPage(browser, 4);
  try {
    await visit(page, '/phan-anh');
    let r = await submitAndWait(page, () => page.getByRole('button', { name: 'Gửi phản ánh' }).click());
    assert.equal(r.status(), 422);
    assert.equal(await page.getByRole('alert').innerText(), 'Vui lòng kiểm tra các trường được đánh dấu.');
    for (const id of ['topic', 'subject', 'content', 'name', 'phone']) {
      const next = await page.locator(`#${id}`).evaluate((e) => e.nextElementSibling && e.nextElementSibling.className);
      assert.equal(next, 'error', `an error right after #${id}`);
    }
    assert.ok(!(await mainText(page)).includes('Mã theo dõi:'), 'no tracking code');
    await shot('complaint-empty');

    await page.getByLabel('Nội dung phản ánh về').selectOption({ label: 'Quy định thủ tục hành chính' });
    await page.getByLabel('Mã thủ tục liên quan (nếu có)').fill('9.999999');
    await page.getByLabel('Tiêu đề').fill('Thủ tục không rõ');
    await page.getByLabel('Nội dung', { exact: true }).fill('Nội dung đủ dài để được chấp nhận.');
    await page.getByLabel('Họ và tên').fill('Nguyễn Văn An');
    await page.getByLabel('Số điện thoại', { exact: true }).fill('0912345678');
    r = await submitAndWait(page, () => page.getByRole('button', { name: 'Gửi phản ánh' }).click());
    assert.equal(r.status(), 422);
    assert.equal(await page.locator('#procedure + p.error').innerText(), 'Không có thủ tục với mã này');
    assert.equal(await page.getByLabel('Tiêu đề').inputValue(), 'Thủ tục không rõ', 'what was typed is kept');
    await shot('complaint-unknown-procedure');
  } finally {
    await context.close();
  }
});
