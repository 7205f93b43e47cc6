// Search on a plain static host: builds the site with `vetted build`, serves the built folder with
// `python3 -m http.server` on a free loopback port, and in headless Chromium checks that search/index.html (with
// themes/default/search.js) finds the same articles in the same order, with the same count, as the server's
// /api/search for the same content (`vetted serve --db`, started by run-serve.sh); that the page without
// JavaScript says search needs it and links the sections; that the header's search box leads there; and runs
// axe-core (WCAG 2.2 AA) on the page with results and with none. Also prints what the first query fetched.
//   bash e2e/run-serve.sh VETTED SITE static-search.mjs --vetted VETTED --site SITE
// (run-serve.sh passes the server's base URL first). Exit status: 0 pass, 1 a check failed, 2 could not run.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDeps, launchChromium } from './browser.mjs';

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
// Queries on the demo: one word, several words (every word, else any word), stems, a section, nothing found,
// British spellings and glossary aliases.
const QUERIES = [
  { q: 'crying' }, { q: 'sex' }, { q: 'partner' }, { q: 'anxiety' }, { q: 'pain during sex' },
  { q: 'emotional health' }, { q: 'relationships' }, { q: 'talking to your partner' }, { q: 'aftercare' },
  { q: 'mental health' }, { q: 'Dyspareunia' }, { q: 'cried' }, { q: 'sex anxiety zzyzx' },
  { q: 'sex', section: '/relationships/' }, { q: 'pain', section: '/sexual-health/' },
  { q: 'zzyzx qqxq' },
  // British spellings of the demo's American words (util::SearchSpelling at build and in the script), and
  // glossary aliases found through the glossary field (demo/glossary.yaml).
  { q: 'oestrogen' }, { q: 'behavioural therapy' }, { q: 'low oestrogen behaviour' }, { q: 'anaemia apnoea' },
  { q: 'CBT' }, { q: 'lube' }, { q: 'PCD' }, { q: 'PMS' }, { q: 'painful intercourse' }, { q: 'post-sex blues' },
  { q: 'sexual aftercare' }, { q: 'couples therapist' }, { q: 'CBT', section: '/sexual-health/' },
];

function args() {
  const [base, ...rest] = process.argv.slice(2);
  const opts = { base: base && new URL(base) };
  for (let i = 0; i < rest.length; i += 2) opts[rest[i].replace(/^--/, '')] = rest[i + 1];
  if (!opts.base || !opts.vetted || !opts.site) {
    console.error('usage: node static-search.mjs SERVER_BASE --vetted VETTED --site SITE');
    process.exit(2);
  }
  return opts;
}

let failed = 0;
function check(what, ok, detail = '') {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}${ok || !detail ? '' : `: ${detail}`}`);
  if (!ok) failed++;
}

// python3 -m http.server on a free port; resolves to { url, proc } once it says where it listens.
function staticServer(dir) {
  return new Promise((resolve, reject) => {
    const proc = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', dir],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`http.server did not start: ${out}`)), 10000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /port (\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ url: new URL(`http://127.0.0.1:${m[1]}/`), proc }); }
    });
    proc.stderr.on('data', () => {});
    proc.on('exit', (code) => reject(new Error(`http.server exited (${code}): ${out}`)));
  });
}

function searchPath(q, section) {
  return `search/?q=${encodeURIComponent(q)}${section ? `&section=${encodeURIComponent(section)}` : ''}`;
}

async function serverResults(base, { q, section }) {
  const r = await fetch(new URL(`api/${searchPath(q, section).replace('search/', 'search')}`, base));
  const json = await r.json();
  return { total: json.total, urls: json.results.map((h) => h.url), titles: json.results.map((h) => h.title) };
}

// What the static page shows: the count line and the hits (same markup as the server's page).
async function staticResults(page, url) {
  await page.goto(url.href);
  await page.waitForSelector('.result-count, .search-error', { timeout: 10000 });
  return page.evaluate(() => ({
    error: document.querySelector('.search-error')?.textContent || '',
    count: document.querySelector('.result-count')?.textContent || '',
    urls: [...document.querySelectorAll('ol.search-results > li > a')].map((a) => a.getAttribute('href')),
    titles: [...document.querySelectorAll('ol.search-results > li > a')].map((a) => a.textContent),
    marks: document.querySelectorAll('ol.search-results mark').length,
    help: !!document.querySelector('main .search-help'),
    title: document.title,
  }));
}

async function runAxe(page, axeSource) {
  await page.evaluate(axeSource);
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, AXE_TAGS);
}

async function main() {
  const opts = args();
  const { chromium, axeSource } = loadDeps('static-search');
  const tmp = mkdtempSync(join(tmpdir(), 'vetted-static-search-'));
  let server = null, browser = null;
  try {
    const out = join(tmp, 'out');
    execFileSync(opts.vetted, ['build', opts.site, '-o', out, '-q'], { stdio: 'inherit' });
    server = await staticServer(out);
    console.log(`static-search: built ${opts.site} into ${out}, served at ${server.url}, server at ${opts.base}`);
    browser = await launchChromium(chromium);
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

    // What the first query fetches (a fresh context: nothing cached).
    const fresh = await browser.newContext();
    const first = await fresh.newPage();
    const fetched = [];
    first.on('response', async (r) => {
      const u = new URL(r.url());
      if (u.origin !== server.url.origin) return;
      try { fetched.push([u.pathname, (await r.body()).length]); } catch { /* redirect */ }
    });
    await staticResults(first, new URL(searchPath('pain during sex'), server.url));
    console.log(`  first query fetched ${fetched.length} files, ${fetched.reduce((n, f) => n + f[1], 0)} bytes:`);
    for (const [path, n] of fetched) console.log(`    ${path} ${n}`);
    await fresh.close();

    for (const query of QUERIES) {
      const label = `"${query.q}"${query.section ? ` in ${query.section}` : ''}`;
      const want = await serverResults(opts.base, query);
      const got = await staticResults(page, new URL(searchPath(query.q, query.section), server.url));
      check(`${label}: no error`, !got.error, got.error);
      const count = want.total === 1 ? '1 result' : `${want.total} results`;
      check(`${label}: ${count}, as the server`, got.count.startsWith(`${count} for `), got.count);
      check(`${label}: the server's top results in its order`,
        JSON.stringify(got.urls) === JSON.stringify(want.urls),
        `static ${JSON.stringify(got.urls)} vs server ${JSON.stringify(want.urls)}`);
      check(`${label}: the same titles`, JSON.stringify(got.titles) === JSON.stringify(want.titles));
      check(`${label}: the title says what was searched`, got.title.startsWith(`Search results for \u201c${query.q}\u201d`),
        got.title);
      if (want.total === 0) check(`${label}: help when nothing matched`, got.help);
    }
    check('no script errors on the search page', errors.length === 0, errors.join('; '));

    // Result pages: the second page starts at 11 when there is one; past the end says so.
    await page.goto(new URL('search/?q=sex&page=9', server.url).href);
    await page.waitForSelector('.result-count');
    check('past the last page: "no more results"',
      (await page.locator('main p', { hasText: 'There are no more results for this search.' }).count()) === 1);
    check('past the last page: a link to the previous page, and no error',
      (await page.locator('nav.pagination a', { hasText: 'Previous' }).count()) === 1 &&
      (await page.locator('.search-error').count()) === 0);

    // The header's search box on an article leads to the static page.
    await page.goto(new URL('relationships/sex-and-relationships/why-you-might-cry-during-sex/', server.url).href);
    await page.fill('#site_search_q', 'aftercare');
    await Promise.all([page.waitForURL(/\/search\/\?q=aftercare/), page.press('#site_search_q', 'Enter')]);
    await page.waitForSelector('.result-count');
    check('the header search box opens /search/?q= and shows results',
      (await page.locator('ol.search-results > li').count()) > 0, page.url());

    // axe on the page with results and with none.
    for (const q of ['crying', 'zzyzx']) {
      await page.goto(new URL(searchPath(q), server.url).href);
      await page.waitForSelector('.result-count');
      const violations = await runAxe(page, axeSource);
      check(`axe (WCAG 2.2 AA) on the static search page for "${q}"`, violations.length === 0, violations.join('\n  '));
    }

    // Query time once the shards are loaded (performance marks of search.js).
    await page.goto(new URL(searchPath('pain during sex'), server.url).href);
    await page.waitForSelector('.result-count');
    const ms = await page.evaluate(() => {
      const m = (n) => performance.getEntriesByName(n)[0]?.startTime;
      return { rank: m('vetted-search-ranked') - m('vetted-search-loaded'), all: m('vetted-search-done') - m('vetted-search-start') };
    });
    console.log(`  "pain during sex": ranked in ${ms.rank.toFixed(2)} ms once loaded; ${ms.all.toFixed(1)} ms in all`);
    check('ranking takes under 50 ms once the shards are loaded', ms.rank < 50, `${ms.rank} ms`);

    // Without JavaScript: a clear message and the sections to browse.
    const nojs = await browser.newContext({ javaScriptEnabled: false });
    const plain = await nojs.newPage();
    await plain.goto(new URL(searchPath('crying'), server.url).href);
    const message = await plain.locator('noscript').first().textContent();
    check('without JavaScript the page says search needs it', /Search needs JavaScript/.test(message || ''), message);
    check('without JavaScript the sections are linked',
      (await plain.locator('.search-browse a').count()) > 0);
    await nojs.close();
  } finally {
    if (browser) await browser.close();
    if (server) server.proc.kill();
    rmSync(tmp, { recursive: true, force: true });
  }
  if (failed) {
    console.log(`static-search: ${failed} check(s) failed`);
    process.exit(1);
  }
  console.log('static-search: all checks passed');
}

main().catch((e) => {
  console.error(`static-search: could not run: ${e.stack || e}`);
  process.exit(2);
});
