#!/usr/bin/env node
// Browser checks of a running vetted site in headless Chromium.
//
//   node a11y.mjs BASE_URL [--flagship PATH] [--section PATH] [--person PATH]
//                          [--shots DIR] [--max-bytes N]
//
// For the home, a section, a person, the review board and the flagship article, at a phone and a desktop
// viewport: runs axe-core (WCAG 2.0/2.1/2.2 A and AA) and fails on any violation; fails on any console
// error, any request to another host, and any Content-Security-Policy violation. A strict policy is added
// to every page's response (combined with the server's own, if it sends one), so inline script or event
// handlers are caught even when the server sets no policy.
// On the flagship it also requires #toc, #sources and #feedback, a feedback form that posts to /feedback
// and is usable with JavaScript off, and a page weight (document + CSS, JS, fonts, images; uncompressed
// bodies) under --max-bytes. Screenshots of the flagship go to --shots.
// Exit status: 0 all good, 1 a check failed, 2 could not run.

import { VIEWPORTS, launchChromium, loadDeps } from './browser.mjs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';


const DEFAULT_FLAGSHIP = '/relationships/sex-and-relationships/why-you-might-cry-during-sex/';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const STRICT_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
  "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
const NAV_TIMEOUT_MS = 30000;

function usage(msg) {
  if (msg) console.error(`a11y: ${msg}`);
  console.error('usage: node a11y.mjs BASE_URL [--flagship PATH] [--section PATH] [--person PATH] ' +
    '[--shots DIR] [--max-bytes N]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { flagship: DEFAULT_FLAGSHIP, section: null, person: null, shots: null, maxBytes: 100000 };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
    if (a === '--flagship') opts.flagship = value();
    else if (a === '--section') opts.section = value();
    else if (a === '--person') opts.person = value();
    else if (a === '--shots') opts.shots = value();
    else if (a === '--max-bytes') opts.maxBytes = Number(value());
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else rest.push(a);
  }
  if (rest.length !== 1) usage('one BASE_URL is required');
  try {
    opts.base = new URL(rest[0]);
  } catch {
    usage(`not a URL: ${rest[0]}`);
  }
  if (!Number.isFinite(opts.maxBytes) || opts.maxBytes <= 0) usage('--max-bytes must be a positive number');
  return opts;
}


// The parent folder of a URL path: the section page of an article.
function parentPath(p) {
  const parts = p.split('/').filter(Boolean);
  return '/' + parts.slice(0, -1).join('/') + (parts.length > 1 ? '/' : '');
}

// Watches one page for its whole life: console errors, CSP reports, failed same-origin requests and
// responses go to state.log, which the caller replaces before each navigation.
function watch(page, origin, state) {
  page.on('console', (m) => {
    const text = m.text();
    if (/Refused to|Content[- ]Security[- ]Policy/i.test(text)) state.log.csp.push(text);
    else if (m.type() === 'error') state.log.consoleErrors.push(text);
  });
  page.on('pageerror', (e) => state.log.consoleErrors.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => {
    if (new URL(r.url()).origin === origin) state.log.failed.push(`${r.url()} (${r.failure()?.errorText})`);
  });
  page.on('response', (r) => state.log.responses.push(r));
}

const freshLog = () => ({ consoleErrors: [], csp: [], foreign: [], responses: [], failed: [] });

// Every request: other origins are recorded and aborted (nothing leaves the machine); documents from the
// server get the strict policy added to whatever policy the server sent.
async function routeAll(context, origin, state) {
  await context.route('**/*', async (route) => {
    const req = route.request();
    const url = new URL(req.url());
    if (url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    if (url.origin !== origin) {
      state.log.foreign.push(req.url());
      return route.abort('blockedbyclient');
    }
    if (req.resourceType() !== 'document') return route.continue();
    const resp = await route.fetch();
    const headers = resp.headers();
    const own = headers['content-security-policy'];
    headers['content-security-policy'] = own ? `${own}, ${STRICT_CSP}` : STRICT_CSP;
    return route.fulfill({ response: resp, headers });
  });
}

async function runAxe(page, axeSource) {
  await page.evaluate(axeSource);
  return page.evaluate(async (tags) => {
    const options = { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] };
    const r = await window.axe.run(document, options);
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  }, AXE_TAGS);
}

// Sum of uncompressed body bytes of every same-origin response the page loaded.
async function pageWeight(responses) {
  let total = 0;
  const parts = [];
  for (const r of responses) {
    let n = 0;
    try {
      n = (await r.body()).length;
    } catch {
      continue; // redirects and aborted requests have no body
    }
    total += n;
    parts.push(`${n}\t${r.request().resourceType()}\t${new URL(r.url()).pathname}`);
  }
  return { total, parts };
}

// Structural checks of the flagship that the spec's stable anchors promise.
async function flagshipStructure(page) {
  return page.evaluate(() => {
    const problems = [];
    for (const id of ['toc', 'sources', 'feedback']) {
      if (!document.getElementById(id)) problems.push(`#${id} is missing`);
    }
    const fb = document.getElementById('feedback');
    const form = fb && (fb.matches('form') ? fb : fb.querySelector('form') || fb.closest('form'));
    if (fb && !form) problems.push('#feedback holds no <form>');
    if (form) {
      if ((form.getAttribute('method') || '').toLowerCase() !== 'post') {
        problems.push(`feedback form method is "${form.getAttribute('method')}", not post`);
      }
      const action = form.getAttribute('action');
      if (!action || new URL(action, location.href).pathname !== '/feedback') {
        problems.push(`feedback form action is "${action}", not /feedback`);
      }
      if (!form.querySelector('button[type=submit], button:not([type]), input[type=submit]')) {
        problems.push('feedback form has no submit button');
      }
    }
    return problems;
  });
}

// With JavaScript off, the flagship's anchors and the feedback form's submit button must still be visible.
async function noScriptChecks(browser, origin, url) {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: VIEWPORTS[0].viewport });
  await routeAll(context, origin, { log: freshLog() });
  const page = await context.newPage();
  const problems = [];
  try {
    await page.goto(url, { waitUntil: 'load', timeout: NAV_TIMEOUT_MS });
    for (const sel of ['#toc', '#sources', '#feedback']) {
      if (!(await page.locator(sel).first().isVisible())) {
        problems.push(`${sel} is not visible without JavaScript`);
      }
    }
    const submit = page.locator('#feedback button, #feedback input[type=submit]').first();
    if (!(await submit.count()) || !(await submit.isVisible())) {
      problems.push('no visible feedback submit button without JavaScript');
    }
  } finally {
    await context.close();
  }
  return problems;
}

// Finds a person page from the flagship's byline when none was given.
async function discoverPerson(browser, origin, url) {
  const context = await browser.newContext();
  await routeAll(context, origin, { log: freshLog() });
  const page = await context.newPage();
  try {
    await page.goto(url, { waitUntil: 'load', timeout: NAV_TIMEOUT_MS });
    return await page.evaluate(() => {
      const a = [...document.querySelectorAll('a[href]')]
        .map((x) => new URL(x.getAttribute('href'), location.href))
        .find((u) => u.origin === location.origin && /^\/people\/[^/]+\/$/.test(u.pathname));
      return a ? a.pathname : null;
    });
  } finally {
    await context.close();
  }
}

async function checkPage(page, state, axeSource, opts, target, vp, failures) {
  const url = new URL(target.path, opts.base).href;
  const label = `${target.name} ${target.path} [${vp.name}]`;
  state.log = freshLog();
  const log = state.log;
  const fail = (msg) => failures.push(`${label}: ${msg}`);
  try {
    const resp = await page.goto(url, { waitUntil: 'networkidle', timeout: NAV_TIMEOUT_MS });
    if (!resp || resp.status() !== 200) {
      fail(`HTTP ${resp ? resp.status() : 'no response'}`);
      return;
    }
    const violations = await runAxe(page, axeSource);
    for (const v of violations) {
      fail(`axe ${v.id} (${v.impact}): ${v.help}\n      at ${v.targets.join('\n      at ')}`);
    }
    if (target.flagship) {
      for (const p of await flagshipStructure(page)) fail(p);
      const { total, parts } = await pageWeight(log.responses);
      console.log(`  ${label}: page weight ${total} bytes (limit ${opts.maxBytes})`);
      if (total > opts.maxBytes) {
        fail(`page weight ${total} bytes > ${opts.maxBytes}:\n      ${parts.join('\n      ')}`);
      }
      if (opts.shots) {
        const file = path.join(opts.shots, `flagship-${vp.name}.png`);
        await page.screenshot({ path: file, fullPage: true });
        await page.screenshot({ path: path.join(opts.shots, `flagship-${vp.name}-top.png`) });
        console.log(`  screenshots ${file} (whole page) and flagship-${vp.name}-top.png (first screen)`);
      }
    }
    for (const e of log.consoleErrors) fail(`console error: ${e}`);
    for (const e of log.csp) fail(`CSP violation: ${e}`);
    for (const u of log.foreign) fail(`request to another host: ${u}`);
    for (const u of log.failed) fail(`failed request: ${u}`);
    console.log(`  ${label}: ${violations.length} axe violation(s)`);
  } catch (e) {
    fail(`could not check: ${e.message.split('\n')[0]}`);
  }
}

// One browser context and page per viewport, navigated from target to target.
async function checkViewport(browser, axeSource, opts, targets, vp, failures) {
  const context = await browser.newContext({
    viewport: vp.viewport, isMobile: vp.isMobile, hasTouch: vp.hasTouch,
    deviceScaleFactor: vp.deviceScaleFactor,
  });
  const state = { log: freshLog() };
  try {
    await routeAll(context, opts.base.origin, state);
    const page = await context.newPage();
    watch(page, opts.base.origin, state);
    for (const t of targets) await checkPage(page, state, axeSource, opts, t, vp, failures);
  } finally {
    await context.close();
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const { chromium, axeSource } = loadDeps('a11y');
  if (opts.shots) mkdirSync(opts.shots, { recursive: true });
  const browser = await launchChromium(chromium);
  const failures = [];
  try {
    const flagshipUrl = new URL(opts.flagship, opts.base).href;
    const person = opts.person || (await discoverPerson(browser, opts.base.origin, flagshipUrl));
    if (!person) failures.push(`no /people/<id>/ link found on ${opts.flagship}; pass --person`);
    const targets = [
      { name: 'home', path: '/' },
      { name: 'section', path: opts.section || parentPath(opts.flagship) },
      ...(person ? [{ name: 'person', path: person }] : []),
      { name: 'review-board', path: '/review-board/' },
      { name: 'flagship', path: opts.flagship, flagship: true },
    ];
    console.log(`a11y: ${opts.base.origin}, axe-core tags ${AXE_TAGS.join(',')}`);
    for (const vp of VIEWPORTS) await checkViewport(browser, axeSource, opts, targets, vp, failures);
    for (const p of await noScriptChecks(browser, opts.base.origin, flagshipUrl)) {
      failures.push(`flagship (no JavaScript): ${p}`);
    }
  } finally {
    await browser.close();
  }
  if (failures.length) {
    console.error(`\na11y: FAILED, ${failures.length} problem(s):`);
    for (const f of failures) console.error(`  - ${f}`);
    process.exit(1);
  }
  console.log('a11y: all pages passed');
}

main().catch((e) => {
  console.error(`a11y: ${e.stack || e}`);
  process.exit(2);
});
