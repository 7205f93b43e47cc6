#!/usr/bin/env node
// Browser checks of `vetted serve` with a database: search and reader feedback in headless Chromium.
//
//   node serve.mjs BASE_URL --db DB --vetted VETTED_BINARY [--flagship PATH]
//
// Usually driven by run-serve.sh, which imports the demo into a fresh database and starts the server.
//   1. search, with JavaScript on and off: the header search box (typed, submitted with Enter), results
//      with <mark> highlights, the section filter, the no-results help; axe-core on the results and
//      no-results pages at a phone and a desktop size;
//   2. feedback with JavaScript: posted as JSON, a role=status thank-you without a page navigation, the row
//      in `vetted feedback export` (category, helpful, article, revision, email masked);
//   3. feedback without JavaScript: 303 to the thank-you page, which links back to the article; the row;
//      axe-core on the thank-you page;
//   4. an invalid post without JavaScript ("helpful" not chosen): 400, a clear message, a link back to the
//      article, nothing stored;
//   5. the honeypot field: not visible, not reached by Tab; a filled honeypot stores nothing.
// Every page is also watched for console errors, uncaught exceptions, CSP reports and requests to other
// hosts (aborted, so nothing leaves the machine).
// Prints one PASS/FAIL line per check. Exit status: 0 all good, 1 a check failed, 2 could not run.

import { VIEWPORTS, launchChromium, loadDeps } from './browser.mjs';
import { execFileSync } from 'node:child_process';


const DEFAULT_FLAGSHIP = '/relationships/sex-and-relationships/why-you-might-cry-during-sex/';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const DESKTOP = VIEWPORTS[1];
const NAV_TIMEOUT_MS = 30000;
const UI_TIMEOUT_MS = 10000;
const NONSENSE = 'zzqxjvbwk';
const JS_COMMENT = 'The second link is broken, write to me at a@b.example';
const NOJS_COMMENT = 'Checked without JavaScript: clear and useful';
const INVALID_COMMENT = 'Invalid post: helpful was not chosen';
const HONEYPOT_COMMENT = 'Sent by a bot that filled the honeypot';

function usage(msg) {
  if (msg) console.error(`serve: ${msg}`);
  console.error('usage: node serve.mjs BASE_URL --db DB --vetted VETTED_BINARY [--flagship PATH]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { flagship: DEFAULT_FLAGSHIP, db: null, vetted: null };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
    if (a === '--flagship') opts.flagship = value();
    else if (a === '--db') opts.db = value();
    else if (a === '--vetted') opts.vetted = value();
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else rest.push(a);
  }
  if (rest.length !== 1) usage('one BASE_URL is required');
  if (!opts.db || !opts.vetted) usage('--db and --vetted are required');
  try {
    opts.base = new URL(rest[0]);
  } catch {
    usage(`not a URL: ${rest[0]}`);
  }
  return opts;
}


// ---- Reporting ---------------------------------------------------------------------------------------

const failures = [];
let passes = 0;

// One line per check. `detail` says what was seen when the check fails.
function check(name, ok, detail = '') {
  if (ok) {
    passes++;
    console.log(`PASS ${name}`);
  } else {
    failures.push(name);
    console.log(`FAIL ${name}${detail ? `: ${detail}` : ''}`);
  }
  return ok;
}

// Runs one scenario; an exception (a timeout, a missing element) fails it instead of stopping the run.
async function scenario(name, fn) {
  console.log(`\n== ${name}`);
  try {
    await fn();
  } catch (e) {
    check(`${name}: ran to the end`, false, e.message.split('\n')[0]);
  }
}

// ---- Browser helpers ---------------------------------------------------------------------------------

// A context whose pages are watched for console errors, CSP reports and requests to other hosts.
async function openContext(browser, origin, { js = true, vp = DESKTOP } = {}) {
  const context = await browser.newContext({
    javaScriptEnabled: js, viewport: vp.viewport, isMobile: vp.isMobile, hasTouch: vp.hasTouch,
    deviceScaleFactor: vp.deviceScaleFactor,
  });
  const problems = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || url.origin === origin) return route.continue();
    problems.push(`request to another host: ${url.href}`);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  page.setDefaultNavigationTimeout(NAV_TIMEOUT_MS);
  page.on('console', (m) => {
    const text = m.text();
    // A document answered with an error status is logged as a failed load; its status is checked apart.
    const documentStatus = /^Failed to load resource: the server responded with a status of/.test(text) &&
      m.location().url === page.url();
    if (/Refused to|Content[- ]Security[- ]Policy/i.test(text)) problems.push(`CSP: ${text}`);
    else if (m.type() === 'error' && !documentStatus) problems.push(`console error: ${text} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  return { context, page, problems };
}

// Closes a context after one check that its pages logged no errors.
async function closeContext(label, ctx) {
  check(`${label}: no console errors, CSP reports or requests to other hosts`, ctx.problems.length === 0,
    ctx.problems.join('; '));
  await ctx.context.close();
}

// Runs `action` and returns the response of the main-frame navigation it causes.
async function navigating(page, action) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()]);
  return response;
}

async function runAxe(page, axeSource) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  return page.evaluate(async (tags) => {
    const options = { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] };
    const r = await window.axe.run(document, options);
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target).join(', ')}`);
  }, AXE_TAGS);
}

// axe-core needs scripts and timers, so it runs only in contexts with JavaScript on.
async function axeCheck(label, page, axeSource) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`axe-core did not finish in ${NAV_TIMEOUT_MS} ms`)), NAV_TIMEOUT_MS);
  });
  const violations = await Promise.race([runAxe(page, axeSource), timeout]).finally(() => clearTimeout(timer));
  check(`${label}: axe-core WCAG 2.2 A/AA finds no violations`, violations.length === 0,
    `${violations.length} violation(s):\n      ${violations.join('\n      ')}`);
}

// axe-core at each viewport, with JavaScript on, on `url`; or, when `html` is given (a page that only a POST
// returns), on that document served at `url` with `status`, so its CSS and scripts load from the server.
async function axeAtViewports(browser, axeSource, opts, label, url, html = null, status = 200) {
  for (const vp of VIEWPORTS) {
    const ctx = await openContext(browser, opts.base.origin, { vp });
    if (html !== null) {
      await ctx.page.route(url, (route) => route.fulfill({ status, contentType: 'text/html; charset=utf-8',
        body: html }));
    }
    const resp = await ctx.page.goto(url, { waitUntil: 'networkidle' });
    check(`${label} [${vp.name}]: HTTP ${status}`, resp?.status() === status, `HTTP ${resp?.status()}`);
    await axeCheck(`${label} [${vp.name}]`, ctx.page, axeSource);
    await closeContext(`${label} [${vp.name}]`, ctx);
  }
}

// The results list of a search page: each hit's path and the text of its <mark> highlights.
function readResults(page) {
  return page.evaluate(() => ({
    h1: document.querySelector('main h1')?.textContent.trim() || '',
    count: document.querySelector('.result-count')?.textContent.trim() || '',
    query: document.getElementById('search_q')?.value ?? null,
    section: document.getElementById('search_section')?.value ?? null,
    options: [...document.querySelectorAll('#search_section option')].map((o) => o.value).filter(Boolean),
    hits: [...document.querySelectorAll('main ol.search-results > li')].map((li) => ({
      path: new URL(li.querySelector('a[href]')?.getAttribute('href') || '', location.href).pathname,
      marks: [...li.querySelectorAll('mark')].map((m) => m.textContent.trim()),
    })),
  }));
}

const paths = (hits) => hits.map((h) => h.path).join(', ') || '(none)';

// ---- 1. Search ---------------------------------------------------------------------------------------

// Types a query into the header search box of the flagship and presses Enter; returns the results state.
async function headerSearch(label, page, opts, query) {
  await page.goto(new URL(opts.flagship, opts.base).href, { waitUntil: 'load' });
  const box = page.locator('header form[role=search] input[name=q]');
  check(`${label}: the page header has a search form (role=search) with a q box`, (await box.count()) === 1,
    `${await box.count()} boxes`);
  await box.click();
  await page.keyboard.type(query);
  const resp = await navigating(page, () => page.keyboard.press('Enter'));
  const url = new URL(page.url());
  check(`${label}: Enter in the header box opens /search/?q=${query} (HTTP 200)`,
    url.pathname === '/search/' && url.searchParams.get('q') === query && resp?.status() === 200,
    `landed on ${page.url()} with HTTP ${resp?.status()}`);
  return readResults(page);
}

// Chooses a section in the results page's filter and submits with the form's button.
async function filterBySection(page, section) {
  await page.locator('main form[role=search] select[name=section]').selectOption(section);
  const resp = await navigating(page, () => page.locator('main form[role=search] button[type=submit]').click());
  return { resp, results: await readResults(page) };
}

async function searchFlow(browser, axeSource, opts, js) {
  const label = `search (JavaScript ${js ? 'on' : 'off'})`;
  const ctx = await openContext(browser, opts.base.origin, { js });
  const { page } = ctx;
  const all = await headerSearch(label, page, opts, 'crying');
  const flagship = all.hits.find((h) => h.path === opts.flagship);
  check(`${label}: the results page is titled "Search results" and keeps the query`,
    all.h1 === 'Search results' && all.query === 'crying', `h1 "${all.h1}", box "${all.query}"`);
  check(`${label}: the results list the flagship`, Boolean(flagship), `hits: ${paths(all.hits)}`);
  check(`${label}: the flagship's snippet highlights the match with <mark>`,
    Boolean(flagship) && flagship.marks.some((m) => /^cr(y|ies|ying)$/i.test(m)),
    `marks: ${JSON.stringify(flagship?.marks)}`);

  // The section filter: every section it offers must narrow the list to that section's articles.
  check(`${label}: the section filter offers at least two sections`, all.options.length >= 2,
    `options: ${JSON.stringify(all.options)}`);
  for (const section of all.options) {
    const { resp, results } = await filterBySection(page, section);
    const url = new URL(page.url());
    const inside = results.hits.every((h) => h.path.startsWith(section));
    const expectFlagship = opts.flagship.startsWith(section);
    const hasFlagship = results.hits.some((h) => h.path === opts.flagship);
    check(`${label}: filter ${section} narrows the results to that section`,
      resp?.status() === 200 && url.searchParams.get('section') === section && results.section === section &&
        results.hits.length > 0 && results.hits.length < all.hits.length && inside &&
        hasFlagship === expectFlagship && results.count.includes(' in '),
      `HTTP ${resp?.status()}, ${page.url()}, select "${results.section}", "${results.count}", ` +
        `hits: ${paths(results.hits)} (of ${all.hits.length})`);
  }

  // A query that matches nothing: the help, links to every section, and no result list.
  await page.locator('main form[role=search] select[name=section]').selectOption('');
  await page.locator('#search_q').fill('');
  await page.locator('#search_q').click();
  await page.keyboard.type(NONSENSE);
  const resp = await navigating(page, () => page.keyboard.press('Enter'));
  const none = await page.evaluate(() => ({
    hits: document.querySelectorAll('main ol.search-results > li').length,
    help: document.querySelector('.search-help')?.innerText || '',
    links: [...document.querySelectorAll('main a[href]')].map((a) => new URL(a.href).pathname),
  }));
  const helpVisible = await page.locator('.search-help').isVisible();
  check(`${label}: "${NONSENSE}" shows the no-results help and no result list`,
    resp?.status() === 200 && none.hits === 0 && helpVisible && /No articles matched/i.test(none.help),
    `HTTP ${resp?.status()}, ${none.hits} hits, help visible ${helpVisible}: "${none.help.slice(0, 120)}"`);
  const missing = all.options.filter((s) => !none.links.includes(s));
  check(`${label}: the no-results page links to every section`, all.options.length > 0 && missing.length === 0,
    `missing links to ${missing.join(', ')}`);
  for (const section of all.options) {
    const r = await page.request.get(new URL(section, opts.base).href);
    check(`${label}: section link ${section} answers 200`, r.status() === 200, `HTTP ${r.status()}`);
  }
  await closeContext(label, ctx);
  return { resultsPath: `/search?q=crying`, noResultsPath: `/search?q=${NONSENSE}` };
}

// axe-core on the results and no-results pages at each viewport, with JavaScript on.
async function searchAxe(browser, axeSource, opts, pages) {
  for (const [name, p] of [['results', pages.resultsPath], ['no-results', pages.noResultsPath]]) {
    await axeAtViewports(browser, axeSource, opts, `search ${name} page ${p}`, new URL(p, opts.base).href);
  }
}

// ---- 2-4. Feedback -----------------------------------------------------------------------------------

function exportRows(opts) {
  const out = execFileSync(opts.vetted, ['feedback', 'export', '--db', opts.db, '--format', 'json'],
    { encoding: 'utf8', timeout: 30000 });
  const rows = JSON.parse(out);
  if (!Array.isArray(rows)) throw new Error(`feedback export printed ${typeof rows}, not an array`);
  return rows;
}

// Fills the flagship's feedback form like a reader: by the labels of its controls.
async function fillFeedback(page, { helpful, category, comment }) {
  const form = page.locator('#feedback form');
  if (helpful) await form.getByRole('group', { name: 'Was this page helpful?' }).getByLabel(helpful, { exact: true }).check();
  if (category) await form.getByLabel(category, { exact: true }).check();
  await form.getByLabel('Tell us more (optional)').fill(comment);
  return form.locator('input[name=revision]').inputValue();
}

// Checks the stored row for `comment`: exactly one, with the expected fields.
function checkRow(label, opts, rows, comment, want) {
  const mine = rows.filter((r) => typeof r.comment === 'string' && r.comment.startsWith(comment.slice(0, 25)));
  check(`${label}: vetted feedback export has exactly one row for the post`, mine.length === 1,
    `${mine.length} rows: ${JSON.stringify(mine)}`);
  const r = mine[0] || {};
  const fields = ['id', 'created_at', 'article', 'article_path', 'revision', 'helpful', 'category', 'comment'];
  const absent = fields.filter((f) => !(f in r));
  check(`${label}: the row has every export field`, mine.length === 1 && absent.length === 0,
    `missing ${absent.join(', ')}`);
  check(`${label}: category "${want.category}", helpful ${want.helpful}`,
    r.category === want.category && r.helpful === want.helpful,
    `category ${JSON.stringify(r.category)}, helpful ${JSON.stringify(r.helpful)}`);
  check(`${label}: article is the flagship URL`, r.article === opts.flagship, `article ${JSON.stringify(r.article)}`);
  check(`${label}: revision is the sha256: revision the page showed`,
    typeof r.revision === 'string' && r.revision.startsWith('sha256:') && r.revision === want.revision,
    `stored ${JSON.stringify(r.revision)}, page had ${JSON.stringify(want.revision)}`);
  return r;
}

async function feedbackWithJs(browser, axeSource, opts) {
  const label = 'feedback (JavaScript on)';
  const ctx = await openContext(browser, opts.base.origin);
  const { page } = ctx;
  const url = new URL(opts.flagship, opts.base).href;
  await page.goto(url, { waitUntil: 'networkidle' });
  const categories = await page.locator('#feedback form input[name=category]').evaluateAll(
    (inputs) => inputs.map((i) => i.value));
  check(`${label}: the form asks "helpful?" once; the follow-up offers "Report an error" and "Other"`,
    JSON.stringify(categories) === '["error","other"]', `category choices ${JSON.stringify(categories)}`);
  const revision = await fillFeedback(page, { helpful: 'No', category: 'Report an error', comment: JS_COMMENT });
  const navigations = [];
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations.push(f.url()); });
  await page.evaluate(() => { window.__vettedNoReload = true; });
  const [apiResp] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/api/feedback').catch(() => null),
    page.locator('#feedback form button[type=submit]').click(),
  ]);
  const apiReq = apiResp?.request();
  check(`${label}: the form posts JSON to /api/feedback and gets 201`,
    apiResp?.status() === 201 && apiReq.method() === 'POST' &&
      /^application\/json/.test(apiReq.headers()['content-type'] || ''),
    apiResp ? `${apiReq.method()} ${apiResp.status()} ${apiReq.headers()['content-type']}`
      : `no response from /api/feedback within ${UI_TIMEOUT_MS} ms; the page is at ${page.url()}`);
  const status = page.locator('#feedback [role=status]');
  await status.waitFor({ state: 'visible' }).catch(() => {});
  const text = (await status.count()) ? await status.innerText() : '';
  check(`${label}: a role=status thank-you message appears`, /thank you/i.test(text), `status text "${text}"`);
  const state = await page.evaluate(() => ({
    kept: window.__vettedNoReload === true,
    form: document.querySelectorAll('#feedback form').length,
    focus: document.activeElement?.getAttribute('role') || document.activeElement?.tagName,
  }));
  check(`${label}: no page navigation (same document, same URL)`,
    state.kept && navigations.length === 0 && page.url() === url,
    `document kept ${state.kept}, navigations ${JSON.stringify(navigations)}, URL ${page.url()}`);
  check(`${label}: the form is replaced by the message, which takes focus`, state.form === 0 && state.focus === 'status',
    `${state.form} forms left, focus on ${state.focus}`);
  await axeCheck(`${label}: flagship after thanks`, page, axeSource);

  const row = checkRow(label, opts, exportRows(opts), JS_COMMENT,
    { category: 'error', helpful: false, revision });
  const c = String(row.comment);
  check(`${label}: the email address is masked in the stored comment`,
    !c.includes('a@b.example') && !c.includes('@') && c.startsWith('The second link is broken, write to me at'),
    `stored comment ${JSON.stringify(row.comment)}`);
  await closeContext(label, ctx);
}

async function feedbackWithoutJs(browser, axeSource, opts) {
  const label = 'feedback (JavaScript off)';
  const ctx = await openContext(browser, opts.base.origin, { js: false });
  const { page } = ctx;
  await page.goto(new URL(opts.flagship, opts.base).href, { waitUntil: 'load' });
  // A Yes without a follow-up answer is stored as "helpful".
  const revision = await fillFeedback(page, { helpful: 'Yes', comment: NOJS_COMMENT });
  const resp = await navigating(page, () => page.locator('#feedback form button[type=submit]').click());
  const post = resp?.request().redirectedFrom();
  const postResp = post ? await post.response() : null;
  check(`${label}: POST /feedback answers 303`,
    post?.method() === 'POST' && new URL(post.url()).pathname === '/feedback' && postResp?.status() === 303,
    `first request ${post?.method()} ${post?.url()} -> ${postResp?.status()}`);
  const url = new URL(page.url());
  check(`${label}: the browser lands on /feedback/thanks/?article=<flagship> (HTTP 200)`,
    url.pathname === '/feedback/thanks/' && url.searchParams.get('article') === opts.flagship &&
      resp?.status() === 200,
    `landed on ${page.url()} with HTTP ${resp?.status()}`);
  const page_ = await page.evaluate((flagship) => ({
    h1: document.querySelector('main h1')?.textContent.trim() || '',
    back: [...document.querySelectorAll('main a[href]')].filter((a) => new URL(a.href).pathname === flagship)
      .map((a) => a.textContent.trim()),
  }), opts.flagship);
  check(`${label}: the thank-you page thanks the reader and links back to the article`,
    /thank/i.test(page_.h1) && page_.back.length > 0, `h1 "${page_.h1}", links back: ${JSON.stringify(page_.back)}`);
  checkRow(label, opts, exportRows(opts), NOJS_COMMENT, { category: 'helpful', helpful: true, revision });
  await closeContext(label, ctx);
  await axeAtViewports(browser, axeSource, opts, `${label}: thank-you page`, url.href);
}

async function invalidWithoutJs(browser, axeSource, opts) {
  const label = 'invalid feedback (JavaScript off, "helpful" not chosen)';
  const before = exportRows(opts).length;
  const ctx = await openContext(browser, opts.base.origin, { js: false });
  const { page } = ctx;
  await page.goto(new URL(opts.flagship, opts.base).href, { waitUntil: 'load' });
  await fillFeedback(page, { category: 'Other', comment: INVALID_COMMENT });
  const resp = await navigating(page, () => page.locator('#feedback form button[type=submit]').click());
  check(`${label}: answers 400`, resp?.status() === 400, `HTTP ${resp?.status()} at ${page.url()}`);
  const shown = await page.evaluate((flagship) => ({
    h1: document.querySelector('main h1')?.textContent.trim() || '',
    message: document.querySelector('main .error-summary')?.innerText.trim() || '',
    links: [...document.querySelectorAll('main a[href]')].map((a) => `${new URL(a.href).pathname} "${a.textContent.trim()}"`),
    back: [...document.querySelectorAll('main a[href]')].some((a) => new URL(a.href).pathname === flagship),
  }), opts.flagship);
  check(`${label}: the error page says it was not sent and that "helpful" needs an answer`,
    /not sent/i.test(shown.h1) && /helpful/i.test(shown.message), `h1 "${shown.h1}", message "${shown.message}"`);
  check(`${label}: the error page links back to the article`, shown.back,
    `links in main: ${shown.links.join(', ') || '(none)'}`);
  const html = resp ? await resp.text() : '';
  const errorUrl = page.url();
  const rows = exportRows(opts);
  check(`${label}: nothing stored`,
    rows.length === before && !rows.some((r) => String(r.comment).startsWith(INVALID_COMMENT.slice(0, 20))),
    `${before} rows before, ${rows.length} after`);
  await closeContext(label, ctx);
  await axeAtViewports(browser, axeSource, opts, `${label}: error page`, errorUrl, html, 400);
}

// ---- 5. Honeypot -------------------------------------------------------------------------------------

// How much of an element can be seen: its box clipped by every ancestor that clips, 0 when not rendered.
function visibleArea(el) {
  const cs = getComputedStyle(el);
  if (cs.display === 'none' || cs.visibility !== 'visible' || Number(cs.opacity) === 0) return 0;
  let r = el.getBoundingClientRect();
  let box = { l: r.left, t: r.top, r: r.right, b: r.bottom };
  for (let a = el; a && a !== document.documentElement; a = a.parentElement) {
    const s = getComputedStyle(a);
    if (s.display === 'none' || Number(s.opacity) === 0) return 0;
    const clipsAll = /^rect\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\)$/.test(s.clip) || s.clipPath === 'inset(50%)';
    if (clipsAll) return 0;
    if (a !== el && (s.overflowX !== 'visible' || s.overflowY !== 'visible')) {
      r = a.getBoundingClientRect();
      box = { l: Math.max(box.l, r.left), t: Math.max(box.t, r.top), r: Math.min(box.r, r.right),
        b: Math.min(box.b, r.bottom) };
    }
  }
  return Math.max(0, box.r - box.l) * Math.max(0, box.b - box.t);
}

async function honeypot(browser, opts) {
  const label = 'honeypot';
  const ctx = await openContext(browser, opts.base.origin);
  const { page } = ctx;
  await page.goto(new URL(opts.flagship, opts.base).href, { waitUntil: 'networkidle' });
  const hp = page.locator('#feedback form input[name=website]');
  check(`${label}: the form has the honeypot field`, (await hp.count()) === 1, `${await hp.count()} fields`);
  const seen = await page.evaluate(`(() => {
    const visibleArea = ${visibleArea.toString()};
    const input = document.querySelector('#feedback form input[name=website]');
    const label = input && input.labels && input.labels[0];
    return { input: visibleArea(input), label: label ? visibleArea(label) : 0,
      hidden: Boolean(input.closest('[aria-hidden=true]')), tabIndex: input.tabIndex };
  })()`);
  check(`${label}: neither the field nor its label can be seen (visible area <= 1px²)`,
    seen.input <= 1 && seen.label <= 1, `field ${seen.input}px², label ${seen.label}px²`);
  check(`${label}: hidden from assistive technology (aria-hidden)`, seen.hidden, 'no aria-hidden=true ancestor');

  // Tab through the whole page: the comment box and the submit button are reached, the honeypot never is.
  await page.evaluate(() => document.activeElement?.blur());
  const order = [];
  for (let i = 0; i < 600; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return 'body';
      return e.id || e.getAttribute('name') || `${e.tagName.toLowerCase()}:${e.textContent.trim().slice(0, 30)}`;
    });
    if (order.length && id === order[0]) break; // wrapped around
    order.push(id);
    if (id === 'body' && order.length > 1) break;
  }
  const msg = order.indexOf('fb_message');
  const submit = order.findIndex((x, i) => i > msg && /^button:Send feedback/.test(x));
  check(`${label}: Tab reaches the comment box and then the submit button`, msg >= 0 && submit > msg,
    `tab order near the form: ${order.slice(Math.max(0, msg - 2), msg + 4).join(' > ') || order.slice(-5).join(' > ')}`);
  check(`${label}: Tab never focuses the honeypot (${order.length} stops)`,
    !order.includes('fb_website') && !order.includes('website'),
    `honeypot is stop ${order.indexOf('fb_website')} of ${order.length}`);
  check(`${label}: the next Tab stop after the comment box is the submit button`,
    msg >= 0 && submit === msg + 1, `after fb_message: ${order[msg + 1]}`);

  // A bot that fills it is told "thanks" and nothing is stored.
  const before = exportRows(opts).length;
  const revision = await page.locator('#feedback form input[name=revision]').inputValue().catch(() => '');
  const resp = await page.request.post(new URL('/feedback', opts.base).href, {
    form: { article: opts.flagship, revision, helpful: 'yes', category: 'other', comment: HONEYPOT_COMMENT,
      website: 'http://spam.example/' },
    maxRedirects: 0,
  });
  const rows = exportRows(opts);
  check(`${label}: a filled honeypot is answered 303 to the thank-you page and nothing is stored`,
    resp.status() === 303 && (resp.headers().location || '').startsWith('/feedback/thanks/') &&
      rows.length === before,
    `HTTP ${resp.status()} Location ${resp.headers().location}, rows ${before} -> ${rows.length}`);
  await closeContext(label, ctx);
}

// ---- Main --------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const { chromium, axeSource } = loadDeps('serve');
  try {
    exportRows(opts);
  } catch (e) {
    console.error(`serve: cannot run '${opts.vetted} feedback export --db ${opts.db}': ${e.message}`);
    process.exit(2);
  }
  const browser = await launchChromium(chromium);
  console.log(`serve: ${opts.base.origin}, flagship ${opts.flagship}, axe-core tags ${AXE_TAGS.join(',')}`);
  try {
    let pages = { resultsPath: '/search?q=crying', noResultsPath: `/search?q=${NONSENSE}` };
    await scenario('1. search, JavaScript on', async () => { pages = await searchFlow(browser, axeSource, opts, true); });
    await scenario('1. search, JavaScript off', () => searchFlow(browser, axeSource, opts, false));
    await scenario('1. search pages, axe-core', () => searchAxe(browser, axeSource, opts, pages));
    await scenario('2. feedback with JavaScript', () => feedbackWithJs(browser, axeSource, opts));
    await scenario('3. feedback without JavaScript', () => feedbackWithoutJs(browser, axeSource, opts));
    await scenario('4. invalid feedback without JavaScript', () => invalidWithoutJs(browser, axeSource, opts));
    await scenario('5. honeypot', () => honeypot(browser, opts));
  } finally {
    await browser.close();
  }
  if (failures.length) {
    console.error(`\nserve: FAILED, ${failures.length} of ${failures.length + passes} check(s):`);
    for (const f of failures) console.error(`  - ${f}`);
    process.exit(1);
  }
  console.log(`\nserve: all ${passes} checks passed`);
}

main().catch((e) => {
  console.error(`serve: ${e.stack || e}`);
  process.exit(2);
});
