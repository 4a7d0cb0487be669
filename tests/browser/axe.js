// Accessibility check of the public pages with axe-core in headless Chromium: lists every
// finding and fails on any serious or critical one. A full-page screenshot of each page is
// saved as an artefact. Usage: node axe.js BASE_URL PATH...
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { launch, ARTIFACTS } = require('./lib');

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

(async () => {
  const base = process.argv[2].replace(/\/$/, '');
  const paths = process.argv.slice(3);
  if (!paths.length) throw new Error('usage: node axe.js BASE_URL PATH...');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await launch();
  // bypassCSP: the pages forbid injected script, and axe-core is injected.
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 }, bypassCSP: true });
  let bad = 0;
  let n = 0;
  for (const p of paths) {
    const r = await page.goto(base + p);
    if (!r || r.status() !== 200) {
      console.log(`${p}\tHTTP ${r ? r.status() : 'no response'}`);
      bad++;
      continue;
    }
    n += 1;
    const slug = p.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'home';
    await page.screenshot({ path: path.join(ARTIFACTS, `0${String(n).padStart(2, '0')}-axe-${slug}.png`), fullPage: true });
    await page.addScriptTag({ content: axeSource });
    const res = await page.evaluate(async () => await axe.run(document, { resultTypes: ['violations'] }));
    for (const v of res.violations) {
      const serious = v.impact === 'serious' || v.impact === 'critical';
      if (serious) bad++;
      console.log(`${p}\t${v.impact}\t${v.id}\t${v.nodes.length}\t${v.help}\t${v.nodes.slice(0, 2).map((x) => x.target.join(' ')).join(' | ')}`);
    }
  }
  await browser.close();
  console.log(`axe: ${paths.length} pages, serious or critical: ${bad}`);
  process.exit(bad ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
