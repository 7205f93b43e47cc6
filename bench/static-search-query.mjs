// Bytes fetched and time taken by a first query, vetted's static search against Pagefind, in headless Chromium.
//   node bench/static-search-query.mjs OUT "query one" "query two" ...
// OUT is a folder `vetted build` wrote and Pagefind indexed (its index in OUT/pagefind/). It is served by
// `python3 -m http.server` on a free loopback port (no compression: bytes are the files' sizes). For each query,
// in a fresh browser context (nothing cached): vetted's /search/?q= and a page that runs Pagefind's JS API
// (pagefind.js: init, search, the first 10 results' data). Counted: the files of the search itself (vetted:
// assets/search.*.js and search/*.json; Pagefind: everything under /pagefind/), not the page around it. Then the
// query time once loaded: vetted's ranking (performance marks of search.js, after the shards arrived) and
// Pagefind's second search for the same words (its chunks and fragments already loaded). Uses e2e/node_modules.
import { spawn } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(join(fileURLToPath(import.meta.url), '../../e2e/package.json'));
const { chromium } = require('playwright-core');
const [out, ...queries] = process.argv.slice(2);
if (!out || !queries.length) {
  console.error('usage: node bench/static-search-query.mjs OUT QUERY...');
  process.exit(2);
}

const PAGEFIND_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Pagefind</title>
<script type="module">
const q = new URLSearchParams(location.search).get("q");
const pf = await import("/pagefind/pagefind.js");
const t0 = performance.now();
await pf.init();
const first = await pf.search(q);
await Promise.all(first.results.slice(0, 10).map((r) => r.data()));
const t1 = performance.now();
const again = await pf.search(q);
await Promise.all(again.results.slice(0, 10).map((r) => r.data()));
const t2 = performance.now();
document.body.dataset.done = JSON.stringify({ first: t1 - t0, warm: t2 - t1, count: first.results.length });
</script><body></body></html>`;

function serve(dir) {
  return new Promise((resolve, reject) => {
    const proc = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', dir],
      { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    proc.stdout.on('data', (d) => {
      text += d;
      const m = /port (\d+)/.exec(text);
      if (m) resolve({ proc, url: `http://127.0.0.1:${m[1]}` });
    });
    proc.on('exit', () => reject(new Error('http.server exited')));
  });
}

// Loads `url` in a fresh context; returns [files, bytes, gzip bytes] of the responses whose path `counts`.
async function fetched(browser, url, counts, done) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const files = [];
  page.on('response', async (r) => {
    const path = new URL(r.url()).pathname;
    if (!counts(path)) return;
    try {
      const body = await r.body();
      files.push([path, body.length, gzipSync(body).length]);
    } catch { /* a redirect has no body */ }
  });
  await page.goto(url);
  const result = await done(page);
  await new Promise((r) => setTimeout(r, 200));
  await context.close();
  return { result, files: files.length, bytes: files.reduce((n, f) => n + f[1], 0),
    gzip: files.reduce((n, f) => n + f[2], 0), list: files };
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await serve(out);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  writeFileSync(join(out, 'pagefind-bench.html'), PAGEFIND_PAGE);
  for (const q of queries) {
    const v = await fetched(browser, `${server.url}/search/?q=${encodeURIComponent(q)}`,
      (p) => p.startsWith('/search/') && p.endsWith('.json') || p.startsWith('/assets/search.'),
      async (page) => {
        await page.waitForSelector('.result-count', { timeout: 60000 });
        return page.evaluate(() => document.querySelector('.result-count').textContent);
      });
    // Ranking once loaded: reloads in one context (shards from the HTTP cache), 7 samples.
    const context = await browser.newContext();
    const page = await context.newPage();
    const rank = [], all = [];
    for (let i = 0; i < 8; i++) {
      await page.goto(`${server.url}/search/?q=${encodeURIComponent(q)}`);
      await page.waitForSelector('.result-count');
      const m = await page.evaluate(() => {
        const t = (n) => performance.getEntriesByName(`vetted-search-${n}`)[0].startTime;
        return [t('ranked') - t('loaded'), t('done') - t('start')];
      });
      if (i > 0) { rank.push(m[0]); all.push(m[1]); }
    }
    await context.close();
    const p = await fetched(browser, `${server.url}/pagefind-bench.html?q=${encodeURIComponent(q)}`,
      (path) => path.startsWith('/pagefind/'),
      async (page) => {
        await page.waitForFunction(() => document.body.dataset.done, null, { timeout: 120000 });
        return JSON.parse(await page.evaluate(() => document.body.dataset.done));
      });
    console.log(`query "${q}"`);
    console.log(`  vetted:   ${v.result.trim()}; first query fetched ${v.files} files, ${v.bytes} bytes ` +
      `(${v.gzip} gzipped); ranking once loaded median ${median(rank).toFixed(2)} ms, ` +
      `whole query from the HTTP cache median ${median(all).toFixed(1)} ms`);
    for (const [path, n] of v.list) console.log(`            ${path} ${n}`);
    console.log(`  pagefind: ${p.result.count} results; first query fetched ${p.files} files, ${p.bytes} bytes ` +
      `(${p.gzip} gzipped again); first query ${p.result.first.toFixed(1)} ms, ` +
      `same query again ${p.result.warm.toFixed(1)} ms`);
  }
} finally {
  await browser.close();
  server.proc.kill();
}
