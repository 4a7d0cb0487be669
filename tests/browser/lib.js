// Shared helpers of the browser tests: the browser, numbered full-page screenshots, the
// staff JSON API, and the small files the forms upload. The server is started by run.sh
// and named by BASE_URL.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const BASE = (process.env.BASE_URL || 'http://127.0.0.1:18181').replace(/\/$/, '');
const ARTIFACTS = process.env.ARTIFACTS_DIR || path.join(__dirname, 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PASSWORD = 'motcua-demo-2026';

// The procedure and agency the flows use: Đăng ký khai sinh at Phường Nha Trang.
const BIRTH = '1.001193';
const BIRTH_NAME = 'Đăng ký khai sinh';
const NHA_TRANG = 'H56.22366';

// Labels the pages show for dossier states (core::dossier::State::label_vi).
const STATE_LABEL = {
  submitted: 'Chờ tiếp nhận',
  received: 'Đã tiếp nhận',
  processing: 'Đang xử lý',
  supplement_requested: 'Chờ bổ sung',
  result_ready: 'Có kết quả, chờ trả',
  returned: 'Đã trả kết quả',
};

const NOT_FOUND = 'Không tìm thấy hồ sơ khớp với mã và số điện thoại hoặc số định danh đã nhập';

// ---------------------------------------------------------------------------------------
// Browser and screenshots

async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

// Screenshots are numbered per flow (file) across its tests: 101-…, 102-…, 201-…
const shots = new Map();

/** A fresh browser context and page, with a screenshot taker numbered for this flow. */
async function openPage(browser, flow) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, locale: 'vi-VN' });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  // Any uncaught error in the page fails the flow loudly (the pages need no JavaScript).
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e));
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const shot = async (name) => {
    const n = (shots.get(flow) || 0) + 1;
    shots.set(flow, n);
    const file = path.join(ARTIFACTS, `${flow}${String(n).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    assert.deepEqual(pageErrors.map(String), [], `script errors on ${page.url()}`);
    return file;
  };
  return { context, page, shot };
}

/**
 * Clicks (or presses Enter on) something that submits a form or follows a link, waits until
 * the new page is committed and loaded, and returns its HTTP response (the last one after
 * any redirects).
 */
async function submitAndWait(page, action) {
  const main = page.mainFrame();
  const response = page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().frame() === main
    && !(r.status() >= 300 && r.status() < 400));
  const committed = page.waitForEvent('framenavigated', { predicate: (f) => f === main });
  await action();
  const [r] = await Promise.all([response, committed]);
  // After the commit the load state is the new document's.
  await page.waitForLoadState('load');
  return r;
}

/** Opens a path and asserts the HTTP status. */
async function visit(page, p, status = 200) {
  const r = await page.goto(BASE + p);
  assert.ok(r, `no response for ${p}`);
  assert.equal(r.status(), status, `GET ${p}`);
  return r;
}

/** The text of the main content, whitespace folded. */
async function mainText(page) {
  return (await page.locator('main').innerText()).replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------
// Files: types are checked by content, so these carry the real magic numbers.

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n'
  + '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
// A 1×1 PNG.
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d8e4d40000000049454e44ae426082', 'hex');

function fixtures() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-files-'));
  const write = (name, bytes) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, bytes);
    return f;
  };
  return {
    dir,
    pdf: write('to-khai-khai-sinh.pdf', PDF),
    png: write('giay-chung-sinh.png', PNG),
    textAsPdf: write('ghi-chu.pdf', 'Đây là tệp văn bản, không phải PDF.\n'),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

// ---------------------------------------------------------------------------------------
// The JSON API, as staff act on dossiers.

async function api(method, p, { token, secret, json, form, idempotencyKey } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (secret) headers['x-applicant-secret'] = secret;
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  let body;
  if (json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  const r = await fetch(BASE + p, { method, headers, body });
  const text = await r.text();
  let data = null;
  try { data = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, headers: r.headers, text, json: data };
}

/** Asserts the status and returns the JSON body. */
function expect(r, status, what) {
  assert.equal(r.status, status, `${what}: HTTP ${r.status} ${r.text.slice(0, 500)}`);
  return r.json;
}

const tokens = new Map();
async function token(username) {
  if (!tokens.has(username)) {
    const r = await api('POST', '/api/v1/auth/token', { json: { username, password: PASSWORD } });
    const body = expect(r, 200, `token for ${username}`);
    assert.ok(body.token, `no token for ${username}`);
    tokens.set(username, body.token);
  }
  return tokens.get(username);
}

/** The demo user holding `role` in `agency` (crates/cli/src/demo.rs). */
function userFor(role, agency) {
  const users = {
    [`reception ${NHA_TRANG}`]: 'motcua.nhatrang',
    [`specialist ${NHA_TRANG}`]: 'chuyenvien.nhatrang',
    [`head_of_unit ${NHA_TRANG}`]: 'truongphong.nhatrang',
    [`signing_leader ${NHA_TRANG}`]: 'lanhdao.nhatrang',
  };
  const u = users[`${role} ${agency}`];
  assert.ok(u, `no demo user holds ${role} in ${agency}`);
  return u;
}

function stepUser(dossier, i) {
  const s = dossier.steps[i];
  return userFor(s.role, s.agency.code);
}

let keys = 0;
/** A staff action on a dossier; asserts 200 and returns the dossier. */
async function act(code, action, username, body = {}) {
  const r = await api('POST', `/api/v1/dossiers/${encodeURIComponent(code)}/${action}`, {
    token: await token(username),
    json: body,
    idempotencyKey: `e2e-${process.pid}-${Date.now()}-${++keys}`,
  });
  return expect(r, 200, `${action} by ${username} on ${code}`);
}

async function staffView(code, username = 'motcua.nhatrang') {
  const r = await api('GET', `/api/v1/dossiers/${encodeURIComponent(code)}`, { token: await token(username) });
  return expect(r, 200, `staff view of ${code}`);
}

/** A fresh, valid applicant: a CCCD (Khánh Hòa, born 1990) and a mobile number. */
function applicant(name = 'Nguyễn Thị Hạnh') {
  const tail = String(Date.now() % 1000000).padStart(6, '0');
  const rnd = String(Math.floor(Math.random() * 1000)).padStart(3, '0');
  return { kind: 'person', name, id_number: `056190${tail}`, phone: `0905${rnd}${tail.slice(3)}`, email: 'hanh.nguyen@example.vn', address: '12 Trần Phú, phường Nha Trang, Khánh Hòa' };
}

/** A birth registration entered at the Nha Trang counter: received at once. */
async function createAtCounter(person) {
  const r = await api('POST', '/api/v1/dossiers', {
    token: await token('motcua.nhatrang'),
    json: { procedure_code: BIRTH, agency_code: NHA_TRANG, channel: 'counter', delivery: 'counter', applicant: person, documents: [] },
    idempotencyKey: `e2e-create-${process.pid}-${Date.now()}-${++keys}`,
  });
  const d = expect(r, 201, 'counter submission');
  assert.equal(d.state, 'received', JSON.stringify(d));
  assert.ok(d.code, 'a counter dossier gets its code at once');
  return d;
}

/** An anonymous online submission with a PDF for every required upload (multipart API). */
async function submitOnline(person) {
  const p = expect(await api('GET', `/api/v1/procedures/${BIRTH}`), 200, 'procedure');
  const names = p.documents.filter((d) => d.mandatory && d.kind !== 'shown').map((d) => d.name);
  const form = new FormData();
  form.append('dossier', JSON.stringify({
    procedure_code: BIRTH, agency_code: NHA_TRANG, channel: 'online', delivery: 'online', applicant: person,
    documents: names.map((name, i) => ({ name, part: `f${i}` })),
  }));
  names.forEach((_, i) => form.append(`f${i}`, new Blob([PDF], { type: 'application/pdf' }), `giay-to-${i}.pdf`));
  const d = expect(await api('POST', '/api/v1/dossiers', { form }), 201, 'online submission');
  assert.equal(d.state, 'submitted');
  return d;
}

module.exports = {
  assert, BASE, ARTIFACTS, BIRTH, BIRTH_NAME, NHA_TRANG, STATE_LABEL, NOT_FOUND, PDF, PNG,
  launch, openPage, submitAndWait, visit, mainText, fixtures,
  api, expect, token, act, staffView, stepUser, applicant, createAtCounter, submitOnline,
};
