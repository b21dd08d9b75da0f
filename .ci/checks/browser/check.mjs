// Loads Marginalia's w3c-recogito export into the receiving tools themselves, in headless
// Chromium: every text annotation into RecogitoJS's text annotator over its .txt, every
// region into Annotorious over its page image; asserts that each highlight covers exactly
// its quote and each region is drawn where its selector says. Serves from 127.0.0.1 only.
// Usage: node check.mjs EXPORT_DIR[=PROJECT_DIR] ... (page images are read from PROJECT_DIR,
// the exported project's folder, by the path each region's `source` names).
// RecogitoJS is started with `mode: 'pre'`: without it, it collapses the text's white space
// and every offset after a line break is off.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2).map((a) => a.split('='));
const roots = args.map(([d]) => path.resolve(d));
const images = args.map(([d, p]) => path.resolve(p || d));
const lib = {
  '/recogito/': path.join(here, 'node_modules/@recogito/recogito-js/dist/'),
  '/annotorious/': path.join(here, 'node_modules/@recogito/annotorious/dist/'),
};
const types = { '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8', '.html': 'text/html; charset=utf-8',
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png' };

const page = `<!doctype html><meta charset="utf-8">
<link rel="stylesheet" href="/recogito/recogito.min.css">
<link rel="stylesheet" href="/annotorious/annotorious.min.css">
<script src="/recogito/recogito.min.js"></script>
<script src="/annotorious/annotorious.min.js"></script>
<body><pre id="content" style="white-space: pre-wrap"></pre><img id="img"></body>`;

// Files under /export/N/ are the N-th export folder; nothing outside them is served.
const server = http.createServer((req, res) => {
  const url = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
  let file = null;
  if (url === '/') {
    res.writeHead(200, { 'content-type': types['.html'] });
    return res.end(page);
  }
  for (const [prefix, dir] of Object.entries(lib)) {
    if (url.startsWith(prefix)) file = path.join(dir, url.slice(prefix.length));
  }
  const m = url.match(/^\/export\/(\d+)\/(.*)$/);
  if (m && roots[Number(m[1])]) file = path.join(roots[Number(m[1])], m[2]);
  const im = url.match(/^\/images\/(\d+)\/(.*)$/);
  if (im && images[Number(im[1])]) file = path.join(images[Number(im[1])], im[2]);
  file = file && path.resolve(file);
  const allowed = [...Object.values(lib), ...roots, ...images]
    .some((d) => file && file.startsWith(d + (d.endsWith(path.sep) ? '' : path.sep)));
  if (!file || !allowed || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404);
    return res.end();
  }
  res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failures = 0;
let passed = 0;
const fail = (msg) => { failures += 1; console.log(`FAIL ${msg}`); };
try {
  const ctx = await browser.newContext();
  for (const [n, root] of roots.entries()) {
    const files = fs.readdirSync(root, { recursive: true }).map(String);
    for (const rel of files.filter((f) => f.endsWith('.json') && !f.endsWith('.regions.json'))) {
      const txt = rel.replace(/\.json$/, '.txt');
      if (!files.includes(txt)) continue;
      const page = await ctx.newPage();
      page.on('pageerror', (e) => fail(`${rel}: page error ${e.message}`));
      await page.goto(base + '/');
      const result = await page.evaluate(async ([txtUrl, jsonUrl]) => {
        const text = await (await fetch(txtUrl)).text();
        const annotations = await (await fetch(jsonUrl)).json();
        const content = document.getElementById('content');
        content.textContent = text;
        const r = Recogito.init({ content, readOnly: true, mode: 'pre' });
        r.setAnnotations(annotations);
        await new Promise((ok) => setTimeout(ok, 50));
        const loaded = r.getAnnotations();
        const out = [];
        for (const a of annotations) {
          const target = Array.isArray(a.target) ? null : a.target;
          const sels = target && target.selector ? [].concat(target.selector) : [];
          const quote = sels.find((s) => s.type === 'TextQuoteSelector');
          if (!quote) continue;
          // The words RecogitoJS highlighted for this annotation, in document order.
          const spans = [...content.querySelectorAll('.r6o-annotation')]
            .filter((s) => (s.dataset.id || '').split(' ').includes(a.id));
          const outer = spans.filter((s) => !spans.some((o) => o !== s && o.contains(s)));
          out.push({ id: a.id, exact: quote.exact, got: outer.map((s) => s.textContent).join('') });
        }
        // Relations (linking annotations between two highlighted annotations) are drawn as
        // connections in RecogitoJS's relations layer: one path per relation.
        const relations = annotations.filter((a) => a.motivation === 'linking' && Array.isArray(a.target));
        const connections = content.querySelectorAll('svg.r6o-relations-layer path.connection').length;
        return { loaded: loaded.length, given: annotations.length, highlights: out, relations: relations.length, connections };
      }, [`/export/${n}/${txt}`, `/export/${n}/${rel}`]);
      for (const h of result.highlights) {
        if (h.got === h.exact) passed += 1;
        else fail(`${rel}: ${h.id}: RecogitoJS highlights ${JSON.stringify(h.got)}, the quote is ${JSON.stringify(h.exact)}`);
      }
      if (result.highlights.length === 0) fail(`${rel}: no text annotation to check`);
      if (result.connections === result.relations) passed += 1;
      else fail(`${rel}: RecogitoJS drew ${result.connections} connections for ${result.relations} relations`);
      if (result.loaded !== result.given) fail(`${rel}: RecogitoJS loaded ${result.loaded} of ${result.given} annotations`);
      console.log(`${rel}: RecogitoJS loaded ${result.loaded} of ${result.given} annotations; ${result.highlights.length} highlights checked; ${result.connections} of ${result.relations} relations drawn`);
      await page.close();
    }
    for (const rel of files.filter((f) => f.endsWith('.regions.json'))) {
      const regions = JSON.parse(fs.readFileSync(path.join(root, rel), 'utf8'));
      const bySource = new Map();
      for (const a of regions) {
        const list = bySource.get(a.target.source) || [];
        list.push(a);
        bySource.set(a.target.source, list);
      }
      for (const [source, annotations] of bySource) {
        if (!fs.existsSync(path.join(images[n], source))) {
          fail(`${rel}: page image ${source} is not in ${images[n]}`);
          continue;
        }
        const page = await ctx.newPage();
        page.on('pageerror', (e) => fail(`${rel}: page error ${e.message}`));
        await page.goto(base + '/');
        const drawn = await page.evaluate(async ([imgUrl, annotations]) => {
          const img = document.getElementById('img');
          await new Promise((ok, no) => { img.onload = ok; img.onerror = no; img.src = imgUrl; });
          const anno = Annotorious.init({ image: img, readOnly: true });
          anno.setAnnotations(annotations);
          await new Promise((ok) => setTimeout(ok, 50));
          return annotations.map((a) => {
            const g = document.querySelector(`.a9s-annotation[data-id="${CSS.escape(a.id)}"]`);
            if (!g) return { id: a.id, drawn: null };
            const rect = g.querySelector('rect.a9s-inner');
            const poly = g.querySelector('polygon.a9s-inner');
            return {
              id: a.id,
              selector: a.target.selector,
              drawn: rect ? { x: +rect.getAttribute('x'), y: +rect.getAttribute('y'),
                w: +rect.getAttribute('width'), h: +rect.getAttribute('height') }
                : poly ? { points: poly.getAttribute('points') } : 'other',
            };
          });
        }, [`/images/${n}/${source}`, annotations]);
        for (const d of drawn) {
          if (!d.drawn) { fail(`${rel}: ${d.id}: Annotorious drew nothing`); continue; }
          let ok = false;
          if (d.selector.type === 'FragmentSelector') {
            const [x, y, w, h] = d.selector.value.replace('xywh=pixel:', '').split(',').map(Number);
            ok = d.drawn.x === x && d.drawn.y === y && d.drawn.w === w && d.drawn.h === h;
          } else {
            const want = d.selector.value.match(/points="([^"]*)"/)[1].trim().split(/\s+/).join(' ');
            ok = d.drawn.points && d.drawn.points.trim().split(/\s+/).join(' ') === want;
          }
          if (ok) passed += 1;
          else fail(`${rel}: ${d.id}: Annotorious drew ${JSON.stringify(d.drawn)}, the selector is ${JSON.stringify(d.selector)}`);
        }
        console.log(`${rel}: Annotorious drew ${drawn.filter((d) => d.drawn).length} of ${annotations.length} regions on ${source}`);
        await page.close();
      }
    }
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`${passed} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
