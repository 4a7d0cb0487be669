const { chromium } = require('playwright-core');
const fs = require('fs');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
(async () => {
  const base = process.argv[2];
  const paths = process.argv.slice(3);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const page = await browser.newPage();
  let bad = 0;
  for (const p of paths) {
    await page.goto(base + p);
    await page.addScriptTag({ content: axeSource });
    const r = await page.evaluate(async () => await axe.run(document, { resultTypes: ['violations'] }));
    for (const v of r.violations) {
      const serious = v.impact === 'serious' || v.impact === 'critical';
      if (serious) bad++;
      console.log(`${p}\t${v.impact}\t${v.id}\t${v.nodes.length}\t${v.help}\t${v.nodes.slice(0,2).map(n => n.target.join(' ')).join(' | ')}`);
    }
  }
  await browser.close();
  console.log(`serious or critical: ${bad}`);
  process.exit(bad ? 1 : 0);
})().catch(e => { console.error(e); process.exit(2); });
