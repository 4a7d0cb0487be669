// Flow 6: a citizen account. Sign-up with a phone number and a password, the one-time code
// read from the demo mailbox (/hop-thu-demo, served with --demo-mailbox), a wrong code, then
// "Hồ sơ của tôi"; a submission prefilled from the account, saved as a draft, continued and
// sent through the review; the document store; a second submission that reuses stored
// papers instead of uploading; sign-out and sign-in again.
'use strict';

const { test, before, after } = require('node:test');
const {
  assert, BIRTH, BIRTH_NAME, NHA_TRANG, STATE_LABEL,
  launch, openPage, submitAndWait, visit, mainText, fixtures, applicant, staffView, api, assertNoOverflow, assertAccessible,
  fillSubmission, sendSubmission, assertReceipt,
} = require('../lib');

let browser;
let fx;
before(async () => { browser = await launch(); fx = fixtures(); });
after(async () => { await browser?.close(); fx?.cleanup(); });

const PASSWORD = 'Nha-Trang-2026!';
const TO_KHAI = 'Tờ khai đăng ký khai sinh';
const CHUNG_SINH = 'Giấy chứng sinh hoặc giấy tờ thay thế giấy chứng sinh';
const BOTH_FILES = [`${TO_KHAI}: to-khai-khai-sinh.pdf (1 KB)`, `${CHUNG_SINH}: giay-chung-sinh.png (1 KB)`];

/**
 * The newest one-time code sent to `login`, read from the demo mailbox in a page of its own
 * (the verify page, a POST answer, stays as it is). Screenshots the mailbox.
 */
async function codeFromMailbox(context, login, shot, phoneShot, note) {
  const mail = await context.newPage();
  try {
    await visit(mail, '/hop-thu-demo');
    assert.equal(await mail.getByRole('heading', { level: 1 }).innerText(), 'Hộp thư mẫu');
    const rows = mail.locator('table tbody tr').filter({ has: mail.locator('td', { hasText: new RegExp(`^${login}$`) }) });
    assert.ok(await rows.count() >= 1, `a message to ${login} in the demo mailbox`);
    const cells = (await rows.first().locator('td').allInnerTexts()).map((c) => c.trim());
    assert.equal(cells[1], 'SMS', `a phone number gets an SMS: ${cells.join(' | ')}`);
    const m = cells[3].match(/^Ma xac minh tai khoan motcua: (\d{6})\./);
    assert.ok(m, `the message carries a six-digit code: ${cells[3]}`);
    await shot('mailbox', mail);
    assertNoOverflow(await phoneShot('mailbox', mail), 'the demo mailbox', note);
    return m[1];
  } finally {
    await mail.close();
  }
}

/** The rows of the "Hồ sơ đã nộp" table: [code, procedure, state, date]. */
async function myDossiers(page) {
  const rows = page.locator('h2:text-is("Hồ sơ đã nộp") + table tbody tr');
  const out = [];
  for (let i = 0; i < await rows.count(); i++) out.push((await rows.nth(i).locator('td').allInnerTexts()).map((c) => c.trim()));
  return out;
}

test('account: sign-up with the mailbox code, a draft, submissions with stored papers, sign-out and sign-in', async (t) => {
  const { context, page, shot, phoneShot } = await openPage(browser, 6);
  const note = (m) => t.diagnostic(m);
  const person = applicant('Võ Thị Thu Hà');
  try {
    // Sign-up: name, phone, the password twice.
    await visit(page, '/tai-khoan/dang-ky');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Đăng ký tài khoản');
    await page.getByLabel('Họ và tên').fill(person.name);
    await page.getByLabel('Số điện thoại hoặc thư điện tử').fill(person.phone);
    await page.getByLabel('Mật khẩu (ít nhất 10 ký tự)').fill(PASSWORD);
    await page.getByLabel('Nhập lại mật khẩu').fill(PASSWORD);
    await shot('signup-filled');
    assertNoOverflow(await phoneShot('signup-filled'), 'the sign-up page', note);
    let r = await submitAndWait(page, () => page.getByRole('button', { name: 'Đăng ký', exact: true }).click());
    assert.equal(r.status(), 200);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Nhập mã xác minh');
    let text = await mainText(page);
    assert.ok(text.includes(`một mã gồm 6 chữ số đã được gửi đến số điện thoại ******${person.phone.slice(6)}`), text);
    assert.ok(!text.includes(person.phone), 'the verify page masks the phone');
    await shot('verify');
    await assertAccessible(page, 'the verify page', note);
    assertNoOverflow(await phoneShot('verify'), 'the verify page', note);

    // The code, from the demo mailbox.
    const code = await codeFromMailbox(context, person.phone, shot, phoneShot, note);

    // A wrong code costs one of the five tries.
    const wrong = String((Number(code) + 1) % 1000000).padStart(6, '0');
    await page.getByLabel('Mã xác minh').fill(wrong);
    r = await submitAndWait(page, () => page.getByRole('button', { name: 'Xác minh' }).click());
    assert.equal(r.status(), 422);
    assert.equal(await page.getByRole('alert').innerText(), 'Mã không đúng. Còn 4 lần thử.');
    await shot('verify-wrong-code');
    await assertAccessible(page, 'the verify page with an error', note);

    // The right one: signed in, on "Hồ sơ của tôi".
    await page.getByLabel('Mã xác minh').fill(code);
    r = await submitAndWait(page, () => page.getByRole('button', { name: 'Xác minh' }).click());
    assert.equal(r.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/ho-so-cua-toi');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Hồ sơ của tôi');
    assert.equal(await page.getByRole('status').innerText(), 'Tài khoản đã được kích hoạt.');
    text = await mainText(page);
    assert.ok(text.includes(`${person.name} · số điện thoại ******${person.phone.slice(6)}`), text);
    assert.ok(text.includes('Chưa có hồ sơ nào.'), text);
    assert.equal(await page.getByRole('heading', { name: 'Hồ sơ đang soạn' }).count(), 0);
    await shot('my-dossiers-new');
    assertNoOverflow(await phoneShot('my-dossiers-new'), 'Hồ sơ của tôi', note);

    // The form, prefilled from the account; nothing stored to reuse yet.
    await visit(page, `/nop-ho-so/${BIRTH}`);
    assert.equal(await page.getByLabel('Họ và tên / tên tổ chức').inputValue(), person.name);
    assert.equal(await page.getByLabel('Số điện thoại', { exact: true }).inputValue(), person.phone);
    assert.equal(await page.getByRole('link', { name: 'Đăng nhập' }).count(), 0, 'no sign-in hint when signed in');
    assert.equal(await page.locator('select[name^="r"]').count(), 0, 'an empty document store offers nothing');
    assert.equal(await page.getByRole('button', { name: 'Lưu nháp' }).count(), 1);
    await shot('form-prefilled');

    // Saved as a draft: listed under "Hồ sơ đang soạn".
    await fillSubmission(page, person, [fx.pdf, fx.png]);
    r = await submitAndWait(page, () => page.getByRole('button', { name: 'Lưu nháp' }).click());
    assert.equal(r.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/ho-so-cua-toi');
    assert.equal(await page.getByRole('status').innerText(), 'Đã lưu nháp. Bạn có thể tiếp tục bất cứ lúc nào.');
    const drafts = page.locator('h2:text-is("Hồ sơ đang soạn") + ul.cards > li');
    assert.equal(await drafts.count(), 1, 'one draft');
    assert.match(await drafts.first().innerText(), new RegExp(`^${BIRTH_NAME} · sửa lần cuối \\d\\d:\\d\\d \\d\\d/\\d\\d/\\d{4}`));
    assert.deepEqual(await myDossiers(page), [], 'nothing submitted yet');
    await shot('draft-saved');
    await assertAccessible(page, 'Hồ sơ của tôi with a draft', note);
    assertNoOverflow(await phoneShot('draft-saved'), 'Hồ sơ của tôi with a draft', note);

    // Continued: what was typed and both files are kept.
    r = await submitAndWait(page, () => drafts.first().getByRole('link', { name: 'Tiếp tục soạn' }).click());
    assert.equal(r.status(), 200);
    assert.equal(new URL(page.url()).pathname, `/nop-ho-so/${BIRTH}`);
    assert.ok(new URL(page.url()).searchParams.get('nhap'), page.url());
    assert.equal(await page.getByLabel('Số định danh cá nhân (12 số) hoặc mã số thuế').inputValue(), person.id_number);
    assert.equal(await page.getByLabel(/^Địa chỉ/).inputValue(), person.address);
    assert.equal(await page.getByLabel('Nơi nộp hồ sơ (UBND xã, phường hoặc cơ quan cấp tỉnh)').inputValue(), NHA_TRANG);
    assert.deepEqual(await page.locator('p.muted', { hasText: 'Đã tải lên:' }).allInnerTexts(), [
      'Đã tải lên: to-khai-khai-sinh.pdf (1 KB). Chọn tệp khác nếu muốn thay.',
      'Đã tải lên: giay-chung-sinh.png (1 KB). Chọn tệp khác nếu muốn thay.',
    ]);
    await shot('draft-continued');

    // Through the review to the receipt, which links back to the account.
    r = await sendSubmission(page, shot, person, {
      note,
      review: async ({ documents }) => {
        assert.deepEqual(documents, BOTH_FILES);
        await assertAccessible(page, 'the review page', note);
      },
    });
    assert.equal(r.status(), 200, await mainText(page));
    const first = await assertReceipt(page, person, '6-receipt-draft.pdf', note);
    await shot('receipt');
    await assertAccessible(page, 'the receipt', note);

    // Listed in "Hồ sơ của tôi"; the draft is gone.
    r = await submitAndWait(page, () => page.getByRole('link', { name: 'Hồ sơ của tôi' }).click());
    assert.equal(r.status(), 200);
    assert.equal(await page.getByRole('heading', { name: 'Hồ sơ đang soạn' }).count(), 0, 'a submitted draft is no longer listed');
    let mine = await myDossiers(page);
    assert.equal(mine.length, 1, JSON.stringify(mine));
    assert.deepEqual(mine[0].slice(0, 3), [first.ref, BIRTH_NAME, STATE_LABEL.submitted]);
    await shot('my-dossiers-one');
    await assertAccessible(page, 'Hồ sơ của tôi', note);
    assertNoOverflow(await phoneShot('my-dossiers-one'), 'Hồ sơ của tôi with a dossier', note);

    // Its page, without typing a phone.
    r = await submitAndWait(page, () => page.getByRole('link', { name: first.ref }).click());
    assert.equal(r.status(), 200);
    assert.equal(new URL(page.url()).pathname, `/ho-so-cua-toi/${first.ref}`);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), `Hồ sơ ${first.ref}`);
    assert.equal(await page.locator('p.status').innerText(), STATE_LABEL.submitted);
    await shot('my-dossier');
    await assertAccessible(page, 'a dossier of the account', note);

    // The document store: both files, from that dossier, downloadable.
    await visit(page, '/giay-to-cua-toi');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Kho giấy tờ của tôi');
    const rows = page.locator('table tbody tr');
    const stored = [];
    for (let i = 0; i < await rows.count(); i++) stored.push((await rows.nth(i).locator('td').allInnerTexts()).map((c) => c.trim()));
    assert.deepEqual(stored.map((c) => [c[0], c[1], c[2], c[3]]).sort(), [
      [CHUNG_SINH, 'giay-chung-sinh.png (1 KB)', 'Đã nộp', first.ref],
      [TO_KHAI, 'to-khai-khai-sinh.pdf (1 KB)', 'Đã nộp', first.ref],
    ]);
    const download = new URL(await page.getByRole('link', { name: 'giay-chung-sinh.png' }).getAttribute('href'), page.url()).toString();
    assert.match(download, /\/giay-to-cua-toi\/[0-9a-f]{64}$/);
    const file = await page.request.get(download);
    assert.equal(file.status(), 200);
    assert.equal(file.headers()['content-type'], 'image/png');
    assert.match(file.headers()['content-disposition'] || '', /^attachment; filename="giay-chung-sinh\.png"/);
    await shot('documents');
    await assertAccessible(page, 'Kho giấy tờ của tôi', note);
    assertNoOverflow(await phoneShot('documents'), 'Kho giấy tờ của tôi', note);

    // A second submission with both papers taken from the store, nothing uploaded.
    await visit(page, `/nop-ho-so/${BIRTH}`);
    const reuse = page.getByLabel('Hoặc dùng giấy tờ đã có trong kho của bạn');
    assert.equal(await reuse.count(), 2, 'one store picker per upload');
    await fillSubmission(page, person, [null, null]);
    for (const [i, fileName] of [[0, 'to-khai-khai-sinh.pdf'], [1, 'giay-chung-sinh.png']]) {
      const select = page.locator(`select#r${i}`);
      const labels = (await select.locator('option').allTextContents()).map((l) => l.trim());
      assert.equal(labels[0], '— Không dùng —');
      const label = labels.find((l) => l.includes(fileName));
      assert.ok(label, `the store offers ${fileName}: ${labels.join(' | ')}`);
      assert.ok(label.includes(`hồ sơ ${first.ref}`), label);
      await select.selectOption({ label });
    }
    await shot('form-reuse');
    await assertAccessible(page, 'the form with stored papers', note);
    assertNoOverflow(await phoneShot('form-reuse'), 'the submission form with stored papers', note);
    r = await sendSubmission(page, shot, person, { note, review: ({ documents }) => assert.deepEqual(documents, BOTH_FILES) });
    assert.equal(r.status(), 200, await mainText(page));
    const second = await assertReceipt(page, person, '6-receipt-reuse.pdf', note);
    assert.notEqual(second.ref, first.ref);
    await shot('receipt-reuse');
    // The same stored files, not copies of something else.
    const [a, b] = [await staffView(first.ref), await staffView(second.ref)];
    assert.deepEqual(b.documents.map((d) => [d.name, d.original_name, d.sha256]), a.documents.map((d) => [d.name, d.original_name, d.sha256]));

    // Both listed; sign out.
    await visit(page, '/ho-so-cua-toi');
    mine = await myDossiers(page);
    assert.deepEqual(mine.map((m) => m[0]).sort(), [first.ref, second.ref].sort());
    await shot('my-dossiers-two');
    r = await submitAndWait(page, () => page.getByRole('button', { name: 'Đăng xuất' }).click());
    assert.equal(r.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/');
    r = await visit(page, '/ho-so-cua-toi');
    assert.equal(new URL(page.url()).pathname, '/tai-khoan/dang-nhap', 'signed out: the account asks to sign in');
    assert.equal(new URL(page.url()).searchParams.get('tiep'), '/ho-so-cua-toi');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Đăng nhập');
    assert.equal((await page.request.get(download)).status(), 401, 'a stored file is not served after sign-out');
    await shot('signed-out');
    assertNoOverflow(await phoneShot('sign-in'), 'the sign-in page', note);

    // A wrong password, then the right one: back on "Hồ sơ của tôi".
    await page.getByLabel('Số điện thoại hoặc thư điện tử').fill(person.phone);
    await page.getByLabel('Mật khẩu').fill('khong-dung-mat-khau');
    r = await submitAndWait(page, () => page.getByRole('button', { name: 'Đăng nhập' }).click());
    assert.equal(r.status(), 401);
    assert.equal(await page.getByRole('alert').innerText(), 'Số điện thoại/thư điện tử hoặc mật khẩu không đúng');
    assert.equal(await page.getByLabel('Số điện thoại hoặc thư điện tử').inputValue(), person.phone, 'the login is kept');
    await shot('sign-in-wrong-password');
    await page.getByLabel('Mật khẩu').fill(PASSWORD);
    r = await submitAndWait(page, () => page.getByRole('button', { name: 'Đăng nhập' }).click());
    assert.equal(r.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/ho-so-cua-toi');
    mine = await myDossiers(page);
    assert.deepEqual(mine.map((m) => m[0]).sort(), [first.ref, second.ref].sort());
    await shot('signed-in-again');
  } finally {
    await context.close();
  }
});

test('account: sign-up mistakes are explained beside their fields and no code is sent', async () => {
  const { context, page, shot } = await openPage(browser, 6);
  try {
    const newestMessage = async () => (await api('GET', '/hop-thu-demo')).text.match(/<tbody>\s*<tr>(.*?)<\/tr>/s)?.[1];
    const before = await newestMessage();
    assert.ok(before, 'the demo mailbox has messages');
    await visit(page, '/tai-khoan/dang-ky');
    await page.getByLabel('Họ và tên').fill('Lê Văn Tâm');
    await page.getByLabel('Số điện thoại hoặc thư điện tử').fill('0912 34');
    await page.getByLabel('Mật khẩu (ít nhất 10 ký tự)').fill('mot-mat-khau');
    await page.getByLabel('Nhập lại mật khẩu').fill('mat-khau-khac');
    const r = await submitAndWait(page, () => page.getByRole('button', { name: 'Đăng ký', exact: true }).click());
    assert.equal(r.status(), 422);
    assert.equal(await page.getByRole('alert').innerText(), 'Vui lòng kiểm tra các trường được đánh dấu.');
    const after = (id) => page.locator(`#${id}`).evaluate((e) => (e.nextElementSibling && e.nextElementSibling.matches('p.error') ? e.nextElementSibling.textContent : null));
    assert.equal(await after('login'), 'Số điện thoại phải có 10 chữ số, bắt đầu bằng 0 (hoặc +84)');
    assert.equal(await after('password2'), 'Hai lần nhập mật khẩu không khớp');
    assert.equal(await after('name'), null);
    assert.equal(await page.getByLabel('Họ và tên').inputValue(), 'Lê Văn Tâm', 'what was typed is kept');
    assert.equal(await page.getByLabel('Mật khẩu (ít nhất 10 ký tự)').inputValue(), '', 'a password is never sent back');
    await shot('signup-mistakes');
    assert.equal(await newestMessage(), before, 'no message was queued');
  } finally {
    await context.close();
  }
});
