// Loads Marginalia's IIIF export in Mirador (npm `mirador`, its UMD bundle) in headless
// Chromium (Debian's, driven by playwright-core) and asserts that our annotations appear on
// the right canvas: for each canvas given, Mirador's store holds the annotation page the
// canvas references, with our annotations, and the annotations panel lists the expected
// text; a text expected on one canvas is absent from the other.
//
// Usage: node check.mjs PORT EXPORT_DIR MANIFEST_PATH SCREENSHOT_DIR EXPECT_JSON
//   Serves EXPORT_DIR (exported with --base-url http://127.0.0.1:PORT/) and the page hosting
//   Mirador (/mirador/) from 127.0.0.1:PORT, one origin.
//   EXPECT_JSON: [{"canvas": 0, "text": "…", "absent": "…"}, …]
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const [port, exportDir, manifestPath, shots, expectJson] = process.argv.slice(2);
const base = `http://127.0.0.1:${port}/`;
const expectations = JSON.parse(expectJson);
const here = path.dirname(fileURLToPath(import.meta.url));
const bundle = readFileSync(path.join(here, 'node_modules/mirador/dist/mirador.min.js'));
const manifestUrl = base + manifestPath;

// The page that hosts Mirador, on its own port of 127.0.0.1.
const page = `<!doctype html><html><head><meta charset="utf-8"></head>
<body style="margin:0"><div id="mirador" style="position:absolute;inset:0"></div>
<script src="/mirador/mirador.min.js"></script></body></html>`;
const types = { '.json': 'application/json', '.png': 'image/png', '.jpg': 'image/jpeg', '.tif': 'image/tiff' };
const root = path.resolve(exportDir);
const host = createServer((req, res) => {
  const url = decodeURIComponent(req.url.split('?')[0]);
  if (url === '/mirador/mirador.min.js') {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(bundle);
    return;
  }
  if (url === '/mirador/') {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(page);
    return;
  }
  const file = path.resolve(root, '.' + url);
  if (file.startsWith(root + path.sep) && existsSync(file) && statSync(file).isFile()) {
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
    res.end(readFileSync(file));
  } else {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((ok) => host.listen(Number(port), '127.0.0.1', ok));
const hostUrl = `${base}mirador/`;
const manifest = JSON.parse(readFileSync(path.join(root, manifestPath), 'utf8'));

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failures = 0;
try {
  for (const ex of expectations) {
    const canvas = manifest.items[ex.canvas];
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const tab = await ctx.newPage();
    const errors = [];
    tab.on('pageerror', (e) => errors.push(e && e.message ? e.message : JSON.stringify(e)));
    await tab.goto(hostUrl);
    await tab.evaluate(({ manifestUrl, canvasId }) => {
      window.mirador = Mirador.viewer({
        id: 'mirador',
        windows: [{ manifestId: manifestUrl, canvasId, sideBarOpen: true,
          defaultSideBarPanel: 'annotations', highlightAllAnnotations: true }],
        window: { allowClose: false, defaultSideBarPanel: 'annotations', sideBarOpenByDefault: true },
        workspaceControlPanel: { enabled: false },
      });
    }, { manifestUrl, canvasId: canvas.id });
    // Mirador fetches the annotation pages the shown canvas references.
    const pageId = canvas.annotations[0].id;
    await tab.waitForFunction(({ canvasId, pageId }) => {
      const s = window.mirador.store.getState();
      const a = s.annotations && s.annotations[canvasId] && s.annotations[canvasId][pageId];
      return a && a.json && !a.isFetching;
    }, { canvasId: canvas.id, pageId }, { timeout: 60000 });
    const held = await tab.evaluate(({ canvasId }) => {
      const s = window.mirador.store.getState();
      const pages = Object.values(s.annotations[canvasId] || {});
      return pages.flatMap((p) => (p.json && p.json.items) || []).map((a) => ({
        id: a.id,
        source: a.target && a.target.source && a.target.source.id,
        values: (a.body || []).map((b) => b.value),
      }));
    }, { canvasId: canvas.id });
    const wrongCanvas = held.filter((a) => a.source !== canvas.id);
    const withText = held.filter((a) => a.values.some((v) => v.includes(ex.text)));
    // The annotations panel lists them (the side bar's annotations panel, rendered text).
    await tab.waitForFunction((text) => document.body.innerText.includes(text),
      ex.text, { timeout: 30000 }).catch(() => {});
    // Give the viewer a moment to draw the page image before the screenshot.
    await tab.waitForTimeout(2500);
    const shown = await tab.evaluate(() => document.body.innerText);
    await tab.screenshot({ path: path.join(shots, `mirador-canvas-${ex.canvas + 1}.png`) });
    const ok = held.length > 0 && wrongCanvas.length === 0 && withText.length > 0
      && shown.includes(ex.text) && (!ex.absent || !shown.includes(ex.absent))
      && !held.some((a) => ex.absent && a.values.some((v) => v.includes(ex.absent)));
    console.log(`canvas ${ex.canvas + 1} (${canvas.id}): ${held.length} annotations in Mirador's store, `
      + `"${ex.text}" ${withText.length ? 'held' : 'MISSING'} and ${shown.includes(ex.text) ? 'shown' : 'NOT SHOWN'}`
      + (ex.absent ? `, "${ex.absent}" ${shown.includes(ex.absent) ? 'WRONGLY SHOWN' : 'absent'}` : '')
      + (errors.length ? `; page errors: ${errors.join(' | ')}` : ''));
    if (!ok) failures += 1;
    await ctx.close();
  }
} finally {
  await browser.close();
  host.close();
}
if (failures) {
  console.error(`mirador: ${failures} canvas check(s) failed`);
  process.exit(1);
}
console.log('mirador: our annotations appear on the right canvases');
