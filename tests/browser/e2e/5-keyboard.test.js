// Flow 5: the lookup (and the home search) used with the keyboard alone: Tab to move,
// typing, Enter to send; the focused control is visibly outlined.
'use strict';

const { test, before, after } = require('node:test');
const { assert, STATE_LABEL, launch, openPage, visit, submitAndWait, applicant, createAtCounter } = require('../lib');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** What has the focus: tag, id and accessible text, and whether it is outlined. */
function focused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    const s = getComputedStyle(e);
    return {
      tag: e.tagName.toLowerCase(),
      id: e.id,
      text: (e.innerText || e.value || '').trim(),
      outlined: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
    };
  });
}

/** Presses Tab until the element with `id` has the focus; returns how many presses. */
async function tabTo(page, id, max = 15) {
  const seen = [];
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    seen.push(f.id || `${f.tag}:${f.text}`);
    assert.ok(f.outlined, `the focused ${f.tag}#${f.id} "${f.text}" shows a focus outline`);
    if (f.id === id) return i;
  }
  assert.fail(`#${id} not reached with Tab; focus went through: ${seen.join(' → ')}`);
}

test('the lookup form works with Tab, typing and Enter alone', async () => {
  const { context, page, shot } = await openPage(browser, 5);
  const person = applicant('Đỗ Quốc Bảo');
  try {
    const d = await createAtCounter(person);
    await visit(page, '/tra-cuu');
    const presses = await tabTo(page, 'code');
    assert.ok(presses <= 8, `the code field is reached after the header links (${presses} presses)`);
    await page.keyboard.type(d.code);
    await shot('keyboard-code');
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).id, 'secret', 'Tab goes from the code to the phone');
    await page.keyboard.type(person.phone);
    await page.keyboard.press('Tab');
    const button = await focused(page);
    assert.equal(button.tag, 'button');
    assert.equal(button.text, 'Tra cứu');
    await shot('keyboard-button-focused');
    const r = await submitAndWait(page, () => page.keyboard.press('Enter'));
    assert.equal(r.status(), 200);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), `Hồ sơ ${d.code}`);
    assert.equal(await page.locator('p.status').innerText(), STATE_LABEL.received);
    await shot('keyboard-result');
  } finally {
    await context.close();
  }
});

test('the home search works with Tab, typing and Enter alone', async () => {
  const { context, page, shot } = await openPage(browser, 5);
  try {
    await visit(page, '/');
    await tabTo(page, 'q');
    await page.keyboard.type('khai sinh');
    const r = await submitAndWait(page, () => page.keyboard.press('Enter'));
    assert.equal(r.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/thu-tuc');
    // The first result is reachable by Tab and opens with Enter.
    const first = page.locator('ol.results a').first();
    assert.ok(await first.count(), 'results listed');
    const name = (await first.innerText()).trim();
    assert.match(name, /khai sinh/i);
    for (let i = 0; i < 30 && !(await first.evaluate((e) => e === document.activeElement)); i++) await page.keyboard.press('Tab');
    assert.ok(await first.evaluate((e) => e === document.activeElement), 'the first result takes the focus');
    await shot('keyboard-search-result-focused');
    const r2 = await submitAndWait(page, () => page.keyboard.press('Enter'));
    assert.equal(r2.status(), 200);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), name);
    await shot('keyboard-procedure');
  } finally {
    await context.close();
  }
});
