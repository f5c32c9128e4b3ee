// check_html.mjs: the HTML report in headless Chromium (playwright-core
// driving the system's chromium): it loads with no console error and no
// request leaving the file (any other request is blocked and fails the
// test), the maps are decoded and visible, the counts and the findings
// equal the JSON report's, a 390 px wide phone has no page-wide horizontal
// overflow, and it prints (print media, a PDF).
// Usage: node check_html.mjs <node dir> <report.html> <report.json> [<out dir>]
// (<out dir>: where a 390 px screenshot and the printed PDF are kept)
// Exit 0 passed, 1 failed, 77 skipped (no chromium).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [nodeDir, htmlPath, jsonPath, outDir] = process.argv.slice(2);
if (!jsonPath) {
  console.error('usage: check_html.mjs <node dir> <report.html> <report.json> [<out dir>]');
  process.exit(2);
}
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.log(`SKIP: no chromium at ${chromiumPath} (scripts/install-deps.sh installs Debian's chromium)`);
  process.exit(77);
}
const require = createRequire(join(nodeDir, 'package.json'));
const { chromium } = require('playwright-core');

const report = JSON.parse(readFileSync(jsonPath, 'utf8'));
if (outDir) mkdirSync(outDir, { recursive: true });
let pass = 0, fail = 0;
const check = (cond, msg) => { if (cond) pass++; else { fail++; console.log(`FAIL: ${msg}`); } };
// the box of the first element matching sel, null when there is none
const box = async (page, sel) =>
  (await page.locator(sel).count()) ? page.locator(sel).first().boundingBox() : null;

const profile = mkdtempSync(join(tmpdir(), 'plancheck-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update',
         '--disable-sync'],
  viewport: { width: 1280, height: 900 },
});
try {
  const external = [], failed = [], consoleErrors = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    external.push(url);
    return route.abort();
  });
  const page = context.pages()[0] || await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  const url = pathToFileURL(resolve(htmlPath)).href;
  const response = await page.goto(url, { waitUntil: 'load' });
  check(response && response.ok(), `loading ${url}`);

  // the maps: every image decoded, the overview in the page with a size
  const images = await page.$$eval('img', (imgs) => imgs.map((i) => ({
    src: i.currentSrc.slice(0, 30), ok: i.complete && i.naturalWidth > 0,
  })));
  check(images.length > 0, 'the page has no map');
  for (const i of images) check(i.ok, `an image did not decode (${i.src}...)`);
  check(images.every((i) => i.src.startsWith('data:image/')), 'an image is not a data: URI');
  const overview = await box(page, '#overview img');
  check(overview && overview.width > 100 && overview.height > 100,
        `overview map not visible: ${JSON.stringify(overview)}`);
  check(overview && await page.locator('#overview img').isVisible(), 'overview map hidden');

  // the counts against the JSON
  const count = (name) => page.$eval(`#summary [data-count="${name}"]`,
                                     (e) => Number(e.textContent));
  const s = report.findings_summary;
  check(await count('total') === s.total, `total ${await count('total')} vs JSON ${s.total}`);
  for (const sev of ['error', 'warning', 'info']) {
    const shown = await count(sev);
    check(shown === s.by_severity[sev], `${sev}: page ${shown} vs JSON ${s.by_severity[sev]}`);
    const sections = await page.locator(`article.finding[data-severity="${sev}"]`).count();
    check(sections === s.by_severity[sev], `${sev} finding sections: ${sections} vs JSON ${s.by_severity[sev]}`);
  }
  for (const k of ['accepted', 'stale', 'failing'])
    check(await count(k) === s[k], `${k}: page ${await count(k)} vs JSON ${s[k]}`);
  const result = await page.$eval('#summary [data-result]', (e) => e.dataset.result);
  check(result === report.result, `result ${result} vs JSON ${report.result}`);

  const ids = await page.$$eval('article.finding', (a) => a.map((e) => e.dataset.id));
  check(JSON.stringify(ids) === JSON.stringify(report.findings.map((f) => f.id)),
        'finding sections differ from the JSON findings (ids or order)');
  const withMap = await page.$$eval('article.finding', (a) => a.map((e) => {
    const img = e.querySelector('img');
    const r = img && img.getBoundingClientRect();
    return { id: e.dataset.id, map: !!(r && r.width > 0 && r.height > 0) };
  }));
  const bboxOf = new Map(report.findings.map((f) => [f.id, f.bbox]));
  for (const f of withMap)
    check(f.map === (bboxOf.get(f.id) !== null),
          `${f.id}: ${f.map ? 'a map but no geometry' : 'no map though it has a geometry'}`);
  const accepted = await page.locator('article.finding[data-accepted="1"]').count();
  check(accepted === report.findings.filter((f) => f.accepted).length, 'accepted findings');

  const rows = await page.$$eval('#rules tbody tr', (trs) => trs.map((tr) => ({
    index: Number(tr.dataset.ruleIndex),
    error: Number(tr.querySelector('[data-count="error"]').textContent),
    warning: Number(tr.querySelector('[data-count="warning"]').textContent),
    info: Number(tr.querySelector('[data-count="info"]').textContent),
  })));
  check(rows.length === report.rules.length, `rules table: ${rows.length} rows vs JSON ${report.rules.length}`);
  rows.forEach((row, i) => {
    const r = report.rules[i] || { findings: {} };
    check(row.index === r.index && row.error === r.findings.error &&
          row.warning === r.findings.warning && row.info === r.findings.info,
          `rules row ${i}: ${JSON.stringify(row)} vs JSON ${JSON.stringify(r.findings)}`);
  });
  const balanceRows = await page.locator('#balance table.balance tbody tr').count();
  const jsonBalance = report.landuse_balance.filter((b) => b.parcels > 0 || b.total).length;
  check(balanceRows === jsonBalance, `balance rows: ${balanceRows} vs JSON ${jsonBalance}`);

  // a phone: no page-wide horizontal overflow; tables scroll in their box
  await page.setViewportSize({ width: 390, height: 844 });
  const phone = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
  }));
  check(phone.scroll <= phone.client, `390 px: page ${phone.scroll} px wide, viewport ${phone.client}`);
  const phoneMap = await box(page, '#overview img');
  check(phoneMap && phoneMap.width > 100 && phoneMap.width <= 390, `390 px: overview ${JSON.stringify(phoneMap)}`);
  if (outDir) await page.screenshot({ path: join(outDir, 'report-390.png') });

  // print: the print rules apply, the map stays, a PDF comes out
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ media: 'print' });
  check(await page.evaluate(() => matchMedia('print').matches), 'print media not applied');
  check(await page.evaluate(() => getComputedStyle(document.querySelector('nav')).display === 'none'),
        'print rules not applied (nav shown)');
  const printMap = await box(page, '#overview img');
  check(printMap && printMap.width > 100, 'print: overview map not visible');
  const pdf = await page.pdf({ format: 'A4', printBackground: false });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  check(pdf.subarray(0, 5).toString() === '%PDF-' && pages >= 2,
        `print: PDF of ${pdf.length} bytes, ${pages} pages`);
  if (outDir) writeFileSync(join(outDir, 'report.pdf'), pdf);

  check(external.length === 0, `requests outside the file: ${external.join(', ')}`);
  check(failed.length === 0, `failed requests: ${failed.join(', ')}`);
  check(consoleErrors.length === 0, `console errors: ${consoleErrors.join(' | ')}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);
