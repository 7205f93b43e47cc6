// Feedback from static files, in headless Chromium (run by run-static-feedback.sh, which builds and serves):
//   node static-feedback.mjs STATIC_BASE VETTED_BASE --db DB --vetted VETTED_BINARY [--flagship PATH]
// STATIC_BASE (a plain static server) holds two builds of the demo: /health/ with feedback_endpoint pointing at
// VETTED_BASE/health/, and /report/ with only feedback_report (a mailto: address). VETTED_BASE is `vetted serve`
// of the /health/ site, which is served under /health/. Checks:
//   1. endpoint, JavaScript on: the form on the static page posts JSON across origins (CORS preflight) to
//      VETTED_BASE/health/api/feedback, gets 201, shows the thank-you in place; the row is stored;
//   2. endpoint, JavaScript off: the form posts to VETTED_BASE/health/feedback, lands on its thank-you page,
//      whose link leads back to the article on the static site; the row is stored;
//   3. report only: no form, a "Report an error on this page" mailto: link naming the page, the privacy note;
//   4. `vetted serve` under /health/: "/" redirects there, the flagship and its stylesheet load, search finds
//      the flagship (links under /health/), same-origin feedback works, and a page outside /health/ is a 404.
// Exit status: 0 every check passed, 1 a check failed, 2 could not run.
import { execFileSync } from 'node:child_process';
import { loadDeps, launchChromium } from './browser.mjs';

const DEFAULT_FLAGSHIP = '/relationships/sex-and-relationships/why-you-might-cry-during-sex/';
const NAV_TIMEOUT_MS = 30000;
const UI_TIMEOUT_MS = 10000;

function usage(msg) {
  if (msg) console.error(`static-feedback: ${msg}`);
  console.error('usage: node static-feedback.mjs STATIC_BASE VETTED_BASE --db DB --vetted VETTED [--flagship PATH]');
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
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else rest.push(a);
  }
  if (rest.length !== 2) usage('STATIC_BASE and VETTED_BASE are required');
  if (!opts.db || !opts.vetted) usage('--db and --vetted are required');
  try {
    opts.staticBase = new URL(rest[0]);
    opts.vettedBase = new URL(rest[1]);
  } catch {
    usage(`not URLs: ${rest.join(' ')}`);
  }
  const rel = opts.flagship.replace(/^\//, '');
  opts.staticArticle = new URL(`health/${rel}`, opts.staticBase).href;
  opts.reportArticle = new URL(`report/${rel}`, opts.staticBase).href;
  opts.servedArticle = new URL(`health/${rel}`, opts.vettedBase).href;
  opts.endpoint = new URL('health/', opts.vettedBase).href;
  return opts;
}

const failures = [];
let passes = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passes++;
    console.log(`PASS ${name}`);
  } else {
    failures.push(name);
    console.log(`FAIL ${name}${detail ? `\n     ${detail}` : ''}`);
  }
}

async function newPage(browser, javaScriptEnabled) {
  const context = await browser.newContext({ javaScriptEnabled });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(NAV_TIMEOUT_MS);
  const page = await context.newPage();
  const errors = [];
  // The browser asks every host for /favicon.ico on its own; the demo has none, which is no fault of the page.
  await context.route('**/favicon.ico', (route) => route.fulfill({ status: 204, body: '' }));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}

async function fill(page, comment) {
  const form = page.locator('#feedback form');
  await form.getByRole('group', { name: 'Was this page helpful?' }).getByLabel('No', { exact: true }).check();
  await form.getByLabel('Report an error', { exact: true }).check();
  await form.getByLabel('Tell us more (optional)').fill(comment);
}

function storedRows(opts, comment) {
  const out = execFileSync(opts.vetted, ['feedback', 'export', '--db', opts.db, '--format', 'json'],
    { encoding: 'utf8', timeout: 30000 });
  return JSON.parse(out).filter((r) => r.comment === comment);
}

// The stored row shows up once its post was answered; the server answers only once it is durable.
function checkStored(label, opts, comment) {
  const rows = storedRows(opts, comment);
  check(`${label}: exactly one stored row, for the flagship`, rows.length === 1 && rows[0].article === opts.flagship,
    JSON.stringify(rows));
}

async function endpointWithJs(browser, opts) {
  const label = 'endpoint, JavaScript on';
  const { context, page, errors } = await newPage(browser, true);
  await page.goto(opts.staticArticle, { waitUntil: 'load' });
  const action = await page.locator('#feedback form').getAttribute('action');
  check(`${label}: the static page's form posts to the endpoint`, action === `${opts.endpoint}feedback`,
    `action ${JSON.stringify(action)}`);
  const comment = 'Static page, sent with JavaScript across origins';
  await fill(page, comment);
  const apiUrl = `${opts.endpoint}api/feedback`;
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.url() === apiUrl && r.request().method() === 'POST').catch(() => null),
    page.locator('#feedback form button[type=submit]').click(),
  ]);
  check(`${label}: POST ${apiUrl} answers 201 to the static page's script (CORS)`, resp?.status() === 201,
    resp ? `status ${resp.status()}` : 'no response');
  const allow = resp ? await resp.headerValue('access-control-allow-origin') : null;
  check(`${label}: the answer allows the static site's origin`, allow === opts.staticBase.origin, `${allow}`);
  const status = page.locator('#feedback [role=status]');
  const shown = await status.waitFor({ state: 'visible' }).then(() => true, () => false);
  check(`${label}: the thank-you replaces the form on the static page`,
    shown && page.url() === opts.staticArticle, `url ${page.url()}`);
  check(`${label}: no console errors`, errors.length === 0, errors.join('; '));
  checkStored(label, opts, comment);
  await context.close();
}

async function endpointWithoutJs(browser, opts) {
  const label = 'endpoint, JavaScript off';
  const { context, page } = await newPage(browser, false);
  await page.goto(opts.staticArticle, { waitUntil: 'load' });
  const comment = 'Static page, sent without JavaScript';
  await fill(page, comment);
  const [nav] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('#feedback form button[type=submit]').click()]);
  const url = new URL(page.url());
  check(`${label}: the browser lands on the endpoint's thank-you page (200)`,
    nav?.status() === 200 && url.origin === opts.vettedBase.origin && url.pathname === '/health/feedback/thanks/',
    `at ${page.url()} (${nav?.status()})`);
  const back = await page.locator('main a', { hasText: 'Back to' }).first().getAttribute('href').catch(() => null);
  check(`${label}: the thank-you page links back to the article on the static site`, back === opts.staticArticle,
    `href ${JSON.stringify(back)}`);
  if (back) {
    const [again] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
      page.locator('main a', { hasText: 'Back to' }).first().click()]);
    check(`${label}: following it reaches the static article`, again?.status() === 200 && page.url() === back,
      `at ${page.url()}`);
  }
  checkStored(label, opts, comment);
  await context.close();
}

async function reportOnly(browser, opts) {
  const label = 'report link only';
  const { context, page, errors } = await newPage(browser, true);
  const resp = await page.goto(opts.reportArticle, { waitUntil: 'load' });
  check(`${label}: the static article loads`, resp?.status() === 200, `status ${resp?.status()}`);
  const state = await page.evaluate(() => {
    const fb = document.getElementById('feedback');
    const link = fb && [...fb.querySelectorAll('a')].find((a) => a.textContent.includes('Report an error on this page'));
    return { section: Boolean(fb), forms: fb ? fb.querySelectorAll('form').length : -1,
      href: link ? link.getAttribute('href') : null, note: fb ? fb.textContent.includes('personal details') : false };
  });
  check(`${label}: #feedback is there, with no form`, state.section && state.forms === 0, JSON.stringify(state));
  const href = state.href || '';
  const body = decodeURIComponent((href.split('body=')[1] || '').split('&')[0]);
  check(`${label}: a mailto: link to the configured address naming the page`,
    href.startsWith('mailto:editors@clearwell.example?subject=') && body.includes(opts.reportArticle), href);
  check(`${label}: the note not to include personal details`, state.note);
  check(`${label}: no console errors`, errors.length === 0, errors.join('; '));
  await context.close();
}

async function servedUnderPath(browser, opts) {
  const label = 'vetted serve under /health/';
  const { context, page, errors } = await newPage(browser, true);
  const root = await page.goto(opts.vettedBase.href, { waitUntil: 'load' });
  check(`${label}: / redirects to /health/`, root?.status() === 200 && new URL(page.url()).pathname === '/health/',
    `at ${page.url()} (${root?.status()})`);
  const css = [];
  page.on('response', (r) => { if (r.url().endsWith('.css')) css.push(r.status()); });
  const art = await page.goto(opts.servedArticle, { waitUntil: 'load' });
  check(`${label}: the flagship and its stylesheet load`, art?.status() === 200 && css.length > 0 &&
    css.every((s) => s === 200 || s === 304), `page ${art?.status()}, css ${css.join(',')}`);
  const search = await page.goto(new URL('health/search?q=cry', opts.vettedBase).href, { waitUntil: 'load' });
  const hits = await page.locator('main a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  check(`${label}: search finds the flagship, linked under /health/`,
    search?.status() === 200 && hits.includes(`/health${opts.flagship}`), hits.slice(0, 12).join(' '));
  await page.goto(opts.servedArticle, { waitUntil: 'load' });
  const comment = 'Served under a path, sent with JavaScript';
  await fill(page, comment);
  const apiUrl = `${opts.endpoint}api/feedback`;
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.url() === apiUrl && r.request().method() === 'POST').catch(() => null),
    page.locator('#feedback form button[type=submit]').click(),
  ]);
  check(`${label}: feedback posts to /health/api/feedback and gets 201`, resp?.status() === 201,
    resp ? `status ${resp.status()}` : 'no response');
  checkStored(label, opts, comment);
  const outside = await page.goto(new URL(opts.flagship, opts.vettedBase).href, { waitUntil: 'load' });
  check(`${label}: a page outside /health/ is a 404`, outside?.status() === 404, `status ${outside?.status()}`);
  check(`${label}: no console errors`, errors.filter((e) => !e.includes('404')).length === 0, errors.join('; '));
  await context.close();
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const { chromium } = loadDeps('static-feedback');
  let browser;
  try {
    browser = await launchChromium(chromium);
  } catch (e) {
    console.error(`static-feedback: cannot launch Chromium: ${e.message}`);
    process.exit(2);
  }
  try {
    for (const step of [endpointWithJs, endpointWithoutJs, reportOnly, servedUnderPath]) {
      try {
        await step(browser, opts);
      } catch (e) {
        check(`${step.name}: ran to the end`, false, e.stack || String(e));
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`static-feedback: ${passes} passed, ${failures.length} failed`);
  process.exit(failures.length ? 1 : 0);
}

main();
