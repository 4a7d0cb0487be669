// Flow 1: a citizen searches without diacritics, opens the procedure, submits online with
// two uploads, gets a receipt, and follows the dossier in the lookup. Plus the negative
// cases of the submission form and of the lookup.
'use strict';

const { test, before, after } = require('node:test');
const fs = require('node:fs');
const path = require('node:path');
const {
  assert, BASE, ARTIFACTS, BIRTH, BIRTH_NAME, NHA_TRANG, STATE_LABEL, NOT_FOUND,
  launch, openPage, submitAndWait, visit, mainText, fixtures, act, api, staffView, applicant, token, expect,
} = require('../lib');

let browser;
let fx;
before(async () => { browser = await launch(); fx = fixtures(); });
after(async () => { await browser?.close(); fx?.cleanup(); });

const CODE_RE = /\b(HS-[A-Z0-9]{6,}|H[0-9.]+-\d{6}-\d{4})\b/;

/**
 * The receiving agency. Today one `agency` select; being turned into province → commune (a
 * `province` select with a "Chọn" button that reloads the page), so both are handled. Done
 * first because a reload would drop what was typed.
 */
async function chooseAgency(page, shot, note = () => {}) {
  const province = page.locator('select[name="province"]');
  if (await province.count()) {
    const labels = await province.locator('option').allTextContents();
    const label = labels.find((l) => l.includes('Khánh Hòa'));
    assert.ok(label, `no Khánh Hòa in the province picker: ${labels.join(' | ')}`);
    await province.selectOption({ label });
    const choose = page.getByRole('button', { name: 'Chọn', exact: true });
    if (await choose.count()) {
      const r = await submitAndWait(page, () => choose.click());
      assert.ok(r.status() < 500, `choosing the province answered HTTP ${r.status()}`);
      note(`province "Chọn" answered HTTP ${r.status()}`);
    }
    note(`province picker: chose ${label}`);
    await shot('province-chosen');
  }
  // The select (agency or commune) that offers Phường Nha Trang's people's committee.
  const selects = page.locator('select:not([name="province"])');
  const n = await selects.count();
  for (let i = 0; i < n; i++) {
    const s = selects.nth(i);
    const labels = (await s.locator('option').allTextContents()).map((l) => l.trim());
    const label = labels.find((l) => l.includes('Nha Trang') && !l.includes('Công an') && !l.includes('giải thể'))
      || labels.find((l) => l.includes('Nha Trang'));
    if (label) {
      await s.selectOption({ label });
      const chosen = await s.evaluate((el) => el.options[el.selectedIndex].textContent);
      assert.ok(chosen.includes('Nha Trang'), chosen);
      return chosen.trim();
    }
  }
  assert.fail('no agency or commune select offers Nha Trang');
}

/** Fills the submission form for `person` with the given files for the two uploads. */
async function fillSubmission(page, shot, person, files, note) {
  const agency = await chooseAgency(page, shot, note);
  await page.getByLabel('Họ và tên / tên tổ chức').fill(person.name);
  await page.getByLabel('Số định danh cá nhân (12 số) hoặc mã số thuế').fill(person.id_number);
  await page.getByLabel('Số điện thoại', { exact: true }).fill(person.phone);
  await page.getByLabel('Thư điện tử (không bắt buộc)').fill(person.email);
  await page.getByLabel(/^Địa chỉ/).fill(person.address);
  const inputs = page.locator('input[type="file"]');
  assert.equal(await inputs.count(), 2, 'Đăng ký khai sinh asks for two uploads (the ID card is only shown)');
  await inputs.nth(0).setInputFiles(files[0]);
  await inputs.nth(1).setInputFiles(files[1]);
  return agency;
}

/** Submits the form, passing the review page ("Kiểm tra lại thông tin") when there is one. */
async function sendSubmission(page, shot, person, note = () => {}) {
  let r = await submitAndWait(page, () => page.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).click());
  const review = page.getByRole('heading', { name: 'Kiểm tra lại thông tin' });
  if (r.status() < 400 && await review.count()) {
    const text = await mainText(page);
    assert.ok(text.includes(person.name), `the review shows the applicant: ${text}`);
    assert.ok(text.includes(person.phone), `the review shows the phone: ${text}`);
    note('passed the review page "Kiểm tra lại thông tin"');
    await shot('review');
    r = await submitAndWait(page, () => page.getByRole('button', { name: 'Xác nhận nộp hồ sơ' }).click());
  }
  return r;
}

test('search without diacritics → procedure → online submission with two uploads → receipt → lookup', async (t) => {
  const { context, page, shot } = await openPage(browser, 1);
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

    // The online form.
    r = await submitAndWait(page, () => page.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).click());
    assert.equal(r.status(), 200);
    assert.equal(new URL(page.url()).pathname, `/nop-ho-so/${BIRTH}`);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Nộp hồ sơ trực tuyến');
    await shot('form-empty');
    const agency = await fillSubmission(page, shot, person, [fx.pdf, fx.png], (m) => t.diagnostic(m));
    await shot('form-filled');

    // Sent (through the review page when there is one): the receipt.
    r = await sendSubmission(page, shot, person, (m) => t.diagnostic(m));
    assert.ok([200, 201].includes(r.status()), `submission answered HTTP ${r.status()}: ${await mainText(page)}`);
    const receipt = await mainText(page);
    assert.ok(receipt.includes('Đã nộp hồ sơ'), receipt);
    const ref = (receipt.match(CODE_RE) || [])[1];
    assert.ok(ref, `a dossier code on the receipt: ${receipt}`);
    await shot('receipt');

    const pdfLink = page.getByRole('link', { name: 'Tải biên nhận (PDF)' });
    if (await pdfLink.count()) {
      const href = await pdfLink.getAttribute('href');
      const pdf = await page.request.get(new URL(href, page.url()).toString());
      assert.equal(pdf.status(), 200, `GET ${href}`);
      assert.match(pdf.headers()['content-type'] || '', /^application\/pdf/);
      const body = await pdf.body();
      assert.equal(body.subarray(0, 4).toString('latin1'), '%PDF', 'the receipt is a PDF');
      fs.writeFileSync(path.join(ARTIFACTS, '1-receipt.pdf'), body);
    } else {
      t.diagnostic('the receipt has no "Tải biên nhận (PDF)" link yet: not checked');
    }

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

test('submission: a text file named .pdf is refused next to its field and nothing is created', async () => {
  const { context, page, shot } = await openPage(browser, 1);
  const person = applicant('Trần Văn Bình');
  try {
    const before = await newestSubmitted();
    await visit(page, `/nop-ho-so/${BIRTH}`);
    await fillSubmission(page, shot, person, [fx.textAsPdf, fx.png]);
    const r = await sendSubmission(page, shot, person);
    assert.equal(r.status(), 422);
    assert.match(await page.getByRole('alert').innerText(), /Vui lòng kiểm tra các trường được đánh dấu/);
    // The message sits right after the file input it is about, in Vietnamese.
    const msg = page.locator('input[type="file"] + p.error');
    assert.equal(await msg.count(), 1, 'one file error');
    assert.equal(await msg.evaluate((e) => e.previousElementSibling.id), await page.locator('input[type="file"]').nth(0).getAttribute('id'));
    assert.equal(await msg.innerText(), 'Tệp “ghi-chu.pdf” không phải PDF, JPEG hoặc PNG');
    // What was typed is kept.
    assert.equal(await page.getByLabel('Họ và tên / tên tổ chức').inputValue(), person.name);
    assert.equal(await page.getByLabel('Số điện thoại', { exact: true }).inputValue(), person.phone);
    assert.ok(!(await mainText(page)).includes('Đã nộp hồ sơ'));
    await shot('form-bad-file');
    assert.equal(await newestSubmitted(), before, 'nothing was created');
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
    const r = await sendSubmission(page, shot, applicant());
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
