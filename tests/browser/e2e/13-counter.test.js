// Flow 13 (back office): reception at the counter. The one-stop officer of Phường Nha Trang
// opens "Tiếp nhận hồ sơ tại quầy", finds Đăng ký thành lập hộ kinh doanh by name, types the
// applicant's CCCD (an earlier dossier prefills the name and phone), first leaves the
// mandatory paper unticked (refused, nothing received, what was typed kept), then ticks the
// papers as original / certified copy with their counts, attaches a scan, records the fee
// and its receipt number, and receives the dossier: a code, a due date, and the printed
// receipt-and-appointment slip (Mẫu số 01) listing the papers, the sets and the fee.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { test, before, after } = require('node:test');
const {
  assert, NHA_TRANG_UBND, textPdf, launch, fixtures, visit, applicant, createAtCounter, submitAndWait,
  staffSignIn, dossierFacts, timelineLines, staffFormPdf, assertAccessible,
} = require('../lib');

let browser;
let fx;
before(async () => { browser = await launch(); fx = fixtures(); });
after(async () => { await browser?.close(); fx?.cleanup(); });

test('a dossier is received at the counter with its checklist, scan and fee, and the receipt is printed', async (t) => {
  const note = (m) => t.diagnostic(m);
  const person = applicant('Lương Thị Thúy Hằng');
  // An earlier dossier of the same person: the counter finds her by CCCD.
  await createAtCounter(person);
  const scan = path.join(fx.dir, 'giay-de-nghi.pdf');
  fs.writeFileSync(scan, textPdf(['GIAY DE NGHI DANG KY HO KINH DOANH', 'Da ky']));
  const { page, shot } = await staffSignIn(browser, 13, 'motcua.nhatrang');

  await page.getByRole('link', { name: 'Tiếp nhận hồ sơ tại quầy' }).click();
  await page.waitForURL(/\/can-bo\/tiep-nhan$/);
  await page.getByLabel('Số định danh cá nhân (CCCD) hoặc mã số thuế của người nộp').fill(person.id_number);
  await page.getByLabel('Thủ tục (mã hoặc tên)').fill('hộ kinh doanh');
  await submitAndWait(page, () => page.getByRole('button', { name: 'Tìm' }).click());
  await shot('search');
  await submitAndWait(page, () => page.getByRole('link', { name: 'Đăng ký thành lập hộ kinh doanh', exact: true }).click());
  await shot('form');
  await assertAccessible(page, 'the counter reception form', note);
  // Prefilled from her earlier dossier.
  assert.equal(await page.getByLabel('Họ và tên / tên tổ chức').inputValue(), person.name);
  assert.equal(await page.getByLabel('Số điện thoại').inputValue(), person.phone);
  assert.match(await page.getByRole('status').innerText(), /Đã điền thông tin người nộp từ hồ sơ gần nhất/);

  // The mandatory paper not handed in: refused with its name, nothing received.
  await page.locator('#giay_to_0').selectOption('');
  await page.getByLabel('Số tiền đã thu (đồng)').fill('100.000');
  await page.getByLabel('Số biên lai thu phí, lệ phí').fill('BL-2026-0042');
  let r = await submitAndWait(page, () => page.getByRole('button', { name: 'Tiếp nhận hồ sơ', exact: true }).click());
  assert.equal(r.status(), 422);
  await shot('refused');
  assert.match(await page.locator('main').innerText(), /Chưa nhận “Giấy đề nghị đăng ký hộ kinh doanh” \(bắt buộc\)/);
  assert.equal(await page.getByLabel('Số biên lai thu phí, lệ phí').inputValue(), 'BL-2026-0042', 'what was typed is kept');

  // Complete: original + certified copy, a scan, two sets.
  await page.locator('#giay_to_0').selectOption('original');
  await page.locator('#giay_to_1').selectOption('certified_copy');
  await page.locator('#so_ban_1').fill('1');
  await page.locator('#tep_0').setInputFiles(scan);
  await page.getByLabel('Số bộ hồ sơ').fill('2');
  r = await submitAndWait(page, () => page.getByRole('button', { name: 'Tiếp nhận hồ sơ', exact: true }).click());
  assert.equal(r.status(), 200, `received: ${await page.locator('main').innerText()}`);
  await shot('received');
  const m = new URL(page.url()).pathname.match(/^\/can-bo\/ho-so\/(H56\.22366-\d{6}-\d{4})$/);
  assert.ok(m, `the new dossier's page: ${page.url()}`);
  const code = m[1];
  assert.match(await page.getByRole('status').first().innerText(), new RegExp(`Đã tiếp nhận hồ sơ ${code.replace(/\./g, '\\.')}`));
  const facts = await dossierFacts(page);
  assert.equal(facts['Trạng thái'], 'Đã tiếp nhận');
  assert.equal(facts['Người nộp'], person.name);
  assert.match(facts['Hẹn trả kết quả'], /^\d{2}:\d{2} \d{2}\/\d{2}\/\d{4}/);
  assert.ok((await timelineLines(page)).some((l) => l.includes('Tiếp nhận hồ sơ')));
  assert.ok(await page.getByRole('link', { name: 'giay-de-nghi.pdf' }).count() === 1, 'the scan is attached');

  // The receipt, printed from the notice's link.
  assert.equal(await page.getByRole('link', { name: 'In Mẫu số 01 (PDF)' }).getAttribute('href'), `/can-bo/ho-so/${code}/mau/01`);
  const text = await staffFormPdf(page, code, '01', '13-counter-mau-01.pdf');
  if (text === null) {
    note('pdftotext not installed (Debian poppler-utils): the PDF text is not checked');
  } else {
    for (const expected of [code, person.name, NHA_TRANG_UBND.toUpperCase(), 'Giấy đề nghị đăng ký hộ kinh doanh', 'Bản chính',
      'Bản sao có chứng thực', '02 (bộ)', '100.000 đồng (biên lai số BL-2026-0042)']) {
      assert.ok(text.includes(expected), `Mẫu 01 lacks ${JSON.stringify(expected)}:\n${text}`);
    }
  }
  await visit(page, '/can-bo');
});
