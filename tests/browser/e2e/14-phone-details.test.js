// Flow 14: small things seen on a 360 px phone (issue 14), each checked on the rendered
// page: a link that broke after its arrow, a QR caption that broke the address inside a
// number, step tabs on two lines, an agency name cut under the select's arrow, a dossier
// reference broken in two in the lookup's heading, and a destructive button that looked
// like the primary one.
'use strict';

const { test, before, after } = require('node:test');
const { assert, BIRTH, launch, openPage, submitAndWait, visit, createAtCounter, applicant } = require('../lib');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PHONE = { width: 360, height: 740 };

/** The rendered lines of an element's text, by where each character sits. */
async function lines(locator) {
  return locator.evaluate((el) => {
    const out = [];
    let top = null;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      for (let i = 0; i < n.textContent.length; i++) {
        const r = document.createRange();
        r.setStart(n, i);
        r.setEnd(n, i + 1);
        const rect = r.getClientRects()[0];
        if (!rect) continue;
        if (top === null || Math.abs(rect.top - top) > 2) { out.push(''); top = rect.top; }
        out[out.length - 1] += n.textContent[i];
      }
    }
    return out;
  });
}

test('the citizen pages keep their words whole on a 360 px phone', async () => {
  const { context, page, shot } = await openPage(browser, 14);
  try {
    await page.setViewportSize(PHONE);

    // The procedure page: the way back stays one link on one line; the address under the
    // QR code breaks only after a slash.
    await visit(page, `/thu-tuc/${BIRTH}`);
    const back = page.getByRole('link', { name: '← Danh mục thủ tục' });
    assert.equal(await back.evaluate((a) => a.getClientRects().length), 1, 'the back link is on one line');
    const caption = await lines(page.locator('.qr figcaption .url'));
    for (const l of caption.slice(0, -1)) assert.ok(l.endsWith('/'), `the address breaks after a slash, not in "${l}"`);
    await shot('procedure-360');

    // The submission form: the three steps on one line; the agency's whole name shows in
    // its select, not under the arrow.
    await visit(page, `/nop-ho-so/${BIRTH}`);
    const tops = await page.locator('ol.progress > li').evaluateAll((lis) => lis.map((li) => li.getBoundingClientRect().top));
    assert.equal(new Set(tops).size, 1, `the steps are on one line: ${tops}`);
    const select = page.getByLabel(/Nơi nộp hồ sơ/);
    const longest = await select.evaluate((s) => [...s.options].filter((o) => o.value).sort((a, b) => b.text.length - a.text.length)[0].value);
    await select.selectOption(longest);
    const room = await select.evaluate((s) => {
      const css = getComputedStyle(s);
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = `${css.fontWeight} ${css.fontSize} ${css.fontFamily}`;
      const free = s.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight);
      return { text: s.options[s.selectedIndex].text, width: ctx.measureText(s.options[s.selectedIndex].text).width, free };
    });
    assert.ok(room.width <= room.free, `"${room.text}" (${Math.round(room.width)} px) fits the select's ${Math.round(room.free)} px`);
    await shot('submission-360');

    // The lookup: the dossier's code on one line within the screen; withdrawing does not
    // look like looking up.
    const person = applicant('Phan Thị Mai');
    const d = await createAtCounter(person);
    await visit(page, '/tra-cuu');
    const lookUp = page.getByRole('button', { name: 'Tra cứu' });
    const primary = await lookUp.evaluate((b) => getComputedStyle(b).backgroundColor);
    await page.getByLabel('Mã hồ sơ').fill(d.code);
    await page.getByLabel('Số điện thoại hoặc số định danh của người nộp').fill(person.phone);
    const r = await submitAndWait(page, () => lookUp.click());
    assert.equal(r.status(), 200);
    const ref = page.getByRole('heading', { level: 1 }).locator('.ref');
    assert.equal(await ref.innerText(), d.code);
    const box = await ref.evaluate((e) => ({ lines: e.getClientRects().length, right: e.getBoundingClientRect().right }));
    assert.equal(box.lines, 1, 'the code is on one line');
    assert.ok(box.right <= PHONE.width, `the code ends within the screen (${box.right} px)`);
    const withdraw = page.getByRole('button', { name: 'Gửi mã xác nhận để rút hồ sơ' });
    const danger = await withdraw.evaluate((b) => getComputedStyle(b).backgroundColor);
    assert.notEqual(danger, primary, 'the withdrawal button is not styled as the primary action');
    await shot('lookup-360');
  } finally {
    await context.close();
  }
});
