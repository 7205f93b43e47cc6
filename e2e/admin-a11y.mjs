#!/usr/bin/env node
// Accessibility of the newsroom's admin pages, in headless Chromium:
//
//   node admin-a11y.mjs --vetted VETTED_BINARY --site SITE_DIR [--max-pages N]
//
// Starts a newsroom on a fresh database (newsroom-lib.mjs: the site imported, one account per role) and fills it
// through the JSON API with an article in each state (draft, changes requested, in review, approved,
// published) and a reader's error report. Then, signed in as each role in turn, it crawls the admin pages:
// from /admin/, /admin/login and the seeded articles' pages, every same-origin link under /admin/ (not the JSON
// API, not downloads), breadth first, at most --max-pages pages per role and 3 pages per kind of URL (ids
// folded). On each page it requires HTTP 200 (a link the account sees must be one it may follow), no console
// error and no axe-core violation (WCAG 2.0/2.1/2.2 A and AA). Then the keyboard: on the main forms (sign-in,
// new article, the editor, the review and publish steps, a ticket, the article filter, adding an account)
// every visible control is reached by Tab, in order, with a visible focus indicator; and the editor's citation
// picker inserts a reference's [@key] at the cursor.
// Prints one PASS/FAIL line per check. Exit status: 0 all good, 1 a check failed, 2 could not run.

import { launchChromium, loadDeps } from './browser.mjs';
import {
  ACCOUNTS, NAV_TIMEOUT_MS, apiSession, parseArgs, reporter, runAxe, signIn, startNewsroom,
} from './newsroom-lib.mjs';

const R = reporter('admin-a11y');
const { check } = R;
const PER_KIND = 3;

// ---- Seeding through the JSON API --------------------------------------------------------------------

function source(title, body) {
  return `---\ntitle: "${title}"\ndescription: "A short summary of ${title.toLowerCase()}."\n` +
    `authors: [${ACCOUNTS.writer.person}]\ntags: [sex]\n---\n\n${body}\n\n## More\n\nA second section.\n`;
}

async function must(r, what) {
  if (r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  return r.json;
}

// One article per state; returns { state: { id, revision, url } } and files a reader's error report on the
// published one.
async function seed(base) {
  const w = await apiSession(base, ACCOUNTS.writer);
  const rv = await apiSession(base, ACCOUNTS.reviewer);
  const ed = await apiSession(base, ACCOUNTS.editor);
  const out = {};
  const states = ['draft', 'changes', 'in_review', 'approved', 'published'];
  for (const st of states) {
    const slug = `a11y-${st.replace('_', '-')}`;
    const c = await must(await w.call('POST', '/admin/api/articles',
      { path: `content/sexual-health/${slug}.md`, source: source(`Article ${st.replace('_', ' ')}`, `Text of ${st}.`) }),
    `create ${st}`);
    out[st] = { id: c.id, revision: c.revision, url: `/sexual-health/${slug}/` };
    if (st === 'draft') continue;
    await must(await w.call('POST', `/admin/api/articles/${c.id}/submit`, { revision: c.revision }), `submit ${st}`);
    if (st === 'changes') {
      await must(await rv.call('POST', `/admin/api/articles/${c.id}/request-changes`,
        { revision: c.revision, comments: 'Please cite a source for the second section.' }), 'request changes');
      continue;
    }
    if (st === 'in_review') continue;
    await must(await rv.call('POST', `/admin/api/articles/${c.id}/approve`,
      { revision: c.revision, note: 'Fine.' }), `approve ${st}`);
    if (st === 'approved') continue;
    await must(await ed.call('POST', `/admin/api/articles/${c.id}/publish`, { revision: c.revision }), 'publish');
  }
  // A newer draft of the published article, so its pages show a live and a latest revision, and a diff.
  const pub = out.published;
  const saved = await must(await w.call('PUT', `/admin/api/articles/${pub.id}`,
    { source: source('Article published', 'Text of published, revised.'), base_revision: pub.revision }),
  'save a newer revision');
  pub.latest = saved.revision;
  // A reader's error report on the live page.
  for (let i = 0; i < 50; i++) {
    if ((await fetch(new URL(pub.url, base))).status === 200) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  const fb = await fetch(new URL('/feedback', base), {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ article: pub.url, revision: pub.revision, helpful: 'no', category: 'error',
      comment: 'The second section has a typo.', website: '' }).toString(),
  });
  if (fb.status !== 303) throw new Error(`reader feedback: HTTP ${fb.status}`);
  return out;
}

// ---- Crawling ----------------------------------------------------------------------------------------

// The crawl's key for a URL: ids and query values folded, so that one kind of page is visited PER_KIND times.
const kindOf = (u) => u.pathname.replace(/\/\d+(?=\/|$)/g, '/{n}').replace(/\/tickets\/[^/]+$/, '/tickets/{t}') +
  (u.search ? `?${[...u.searchParams.keys()].sort().join('&')}` : '');

function followable(u, origin) {
  if (u.origin !== origin) return false;
  const p = u.pathname;
  if (!p.startsWith('/admin/') && p !== '/admin') return false;
  if (p.startsWith('/admin/api/') || p === '/admin/logout') return false;
  return !/\.(json|css|js|svg|png|jpe?g|webp|gif|txt|csv|ris|bib)$/i.test(p);
}

async function crawl(browser, axeSource, n, role, seeds, maxPages) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  ctx.setDefaultTimeout(10000);
  ctx.setDefaultNavigationTimeout(NAV_TIMEOUT_MS);
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => {
    // A document that is not 200 is reported by its own check, not again as a console error.
    // (The site has no favicon: Chromium's request for one is not the page's doing.)
    const at = m.location()?.url || '';
    if (m.type() === 'error' && at !== page.url() && !at.endsWith('/favicon.ico')) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  await signIn(page, n.base, ACCOUNTS[role]);
  const queue = seeds.map((s) => new URL(s, n.base));
  const seen = new Set();
  const kinds = new Map();
  const visited = [];
  while (queue.length && visited.length < maxPages) {
    const u = queue.shift();
    u.hash = '';
    if (seen.has(u.href)) continue;
    seen.add(u.href);
    const k = kindOf(u);
    if ((kinds.get(k) || 0) >= PER_KIND) continue;
    kinds.set(k, (kinds.get(k) || 0) + 1);
    errors.length = 0;
    const resp = await page.goto(u.href);
    const where = `${role} ${u.pathname}${u.search}`;
    visited.push(u.pathname + u.search);
    const type = resp.headers()['content-type'] || '';
    if (!type.startsWith('text/html')) continue;  // a download linked from a page
    check(`${where}: HTTP 200`, resp.status() === 200, `HTTP ${resp.status()}`);
    const violations = await runAxe(page, axeSource);
    check(`${where}: axe-core, no violation`, violations.length === 0, violations.join('; '));
    check(`${where}: no console error`, errors.length === 0, errors.join('; '));
    if (new URL(page.url()).pathname === '/admin/login') throw new Error(`${role} was signed out at ${u.pathname}`);
    const links = await page.evaluate(() => [...document.querySelectorAll('a[href]')].map((a) => a.href));
    for (const l of links) {
      const lu = new URL(l);
      if (followable(lu, n.origin) && !seen.has(lu.href)) queue.push(lu);
    }
  }
  console.log(`   ${role}: ${visited.length} pages: ${visited.join(' ')}`);
  await ctx.close();
  return visited;
}

// ---- Keyboard ----------------------------------------------------------------------------------------

// Tabs from the top of the page through `formSel` (the first form matching); every visible, enabled control
// of that form must get focus, in document order, with a visible focus indicator.
async function tabThrough(page, label, formSel) {
  const loc = page.locator(formSel).first();
  const total = (await loc.count()) === 0 ? -1 : await loc.evaluate((form) => {
    const controls = [...form.querySelectorAll('input, select, textarea, button, a[href]')].filter((el) => {
      if (el.disabled || el.type === 'hidden') return false;  // tabindex=-1 on a visible control: unreachable
      const r = el.getBoundingClientRect();
      const st = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && !el.closest('[aria-hidden=true]');
    });
    // Radio groups: one stop per group.
    const groups = new Set();
    let i = 0;
    for (const el of controls) {
      if (el.type === 'radio') {
        if (groups.has(el.name)) continue;
        groups.add(el.name);
      }
      el.dataset.e2eTab = String(i++);
    }
    return i;
  });
  if (total < 0) {
    check(`${label}: the form (${formSel}) is on the page`, false, new URL(page.url()).pathname);
    return;
  }
  await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  const order = [];
  const noRing = [];
  for (let i = 0; i < total + 80 && new Set(order).size < total; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const st = getComputedStyle(el);
      // Date and time fields: Chromium highlights the focused part inside the field itself.
      const own = /^(date|datetime-local|time|month|week)$/.test(el.type || '');
      const ring = own || (st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) > 0) || st.boxShadow !== 'none' ||
        el.matches(':focus-visible') && st.outlineStyle === 'auto';
      return { idx: el.dataset.e2eTab ?? null, ring, name: `${el.tagName.toLowerCase()}[name=${el.name || ''}]` };
    });
    if (f && f.idx !== null) {
      const idx = Number(f.idx);
      if (!order.includes(idx)) order.push(idx);
      if (!f.ring) noRing.push(f.name);
    }
  }
  const missing = [...Array(total).keys()].filter((i) => !order.includes(i));
  check(`${label}: all ${total} controls reached by Tab`, total > 0 && missing.length === 0,
    `not reached: ${missing.join(',')} of ${total}`);
  check(`${label}: in document order`, order.every((v, i) => v === i), order.join(','));
  check(`${label}: a visible focus indicator on each`, noRing.length === 0, noRing.join(', '));
}

async function keyboard(browser, n, articles) {
  const forms = [
    [null, '/admin/login', 'form:has(button:text-is("Sign in"))', 'sign-in form'],
    ['writer', '/admin/articles', 'form:has(button:text-is("Filter"))', 'article filter'],
    ['writer', '/admin/articles/new', 'form:has(button:text-is("Create draft"))', 'new article'],
    ['writer', `/admin/articles/${articles.draft.id}/edit`, 'form:has(button:text-is("Save draft"))', 'the editor'],
    ['writer', `/admin/articles/${articles.draft.id}`, 'form:has(button:text-is("Submit for review"))', 'submit'],
    ['reviewer', `/admin/articles/${articles.in_review.id}`, 'form:has(button:text-is("Approve this revision"))',
      'approve'],
    ['reviewer', `/admin/articles/${articles.in_review.id}`, 'form:has(button:text-is("Request changes"))',
      'request changes'],
    ['editor', `/admin/articles/${articles.approved.id}`, 'form:has(button:text-is("Publish"))', 'publish'],
    ['admin', '/admin/accounts', 'form:has(button:text-is("Add account"))', 'add account'],
  ];
  const contexts = {};
  try {
    for (const [role, p, sel, label] of forms) {
      if (!(role in contexts)) {
        const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
        ctx.setDefaultTimeout(10000);
        contexts[role] = ctx;
        if (role) await signIn(await ctx.newPage(), n.base, ACCOUNTS[role]);
      }
      const page = await contexts[role].newPage();
      const resp = await page.goto(new URL(p, n.base).href);
      if (!check(`keyboard, ${label} (${role || 'signed out'} at ${p}): page answers 200`, resp.status() === 200,
        `HTTP ${resp.status()}`)) continue;
      await tabThrough(page, `keyboard, ${label}`, sel);
      await page.close();
    }
    // The editor's "Cite a source": filtered by keyboard, "Insert citation" puts [@key] at the cursor.
    const writer = await contexts.writer.newPage();
    await writer.goto(new URL(`/admin/articles/${articles.draft.id}/edit`, n.base).href);
    const body = writer.locator('#f-body');
    await body.evaluate((t) => { t.focus(); t.setSelectionRange(0, 0); });
    await writer.getByLabel('Filter sources').fill('dyspareunia');
    const insert = writer.locator('button.cite-insert:visible').first();
    if (check('keyboard, cite a source: the filter leaves an Insert citation button', await insert.count() === 1)) {
      const cite = (await insert.getAttribute('aria-label')).replace('Insert citation ', '');
      await insert.focus();
      await writer.keyboard.press('Enter');
      const value = await body.inputValue();
      check('keyboard, cite a source: Insert citation puts [@key] at the cursor', value.startsWith(cite),
        `${cite} / ${value.slice(0, 60)}`);
      check('keyboard, cite a source: the focus returns to the article text',
        await writer.evaluate(() => document.activeElement?.id) === 'f-body');
    }
    await writer.close();
    // A ticket: the editor's form with its three buttons.
    const page = await contexts.editor.newPage();
    await page.goto(new URL('/admin/tickets', n.base).href);
    const ticket = await page.evaluate(() => [...document.querySelectorAll('a[href]')].map((a) => new URL(a.href).pathname)
      .find((x) => /^\/admin\/tickets\/[^/]+$/.test(x)));
    if (check('keyboard, a ticket: /admin/tickets links one', !!ticket)) {
      await page.goto(new URL(ticket, n.base).href);
      await tabThrough(page, 'keyboard, ticket', 'form:has(button:text-is("Resolve"))');
    }
  } finally {
    for (const c of Object.values(contexts)) await c.close();
  }
}

// ---- Main --------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs('admin-a11y', process.argv.slice(2), { 'max-pages': '40' });
  const maxPages = Number(opts['max-pages']);
  const { chromium, axeSource } = loadDeps('admin-a11y');
  let n;
  let articles;
  try {
    n = await startNewsroom(opts.vetted, opts.site);
    articles = await seed(n.base);
  } catch (e) {
    console.error(`admin-a11y: ${e.message}`);
    if (n) {
      await n.stop();
      n.cleanup();
    }
    process.exit(2);
  }
  console.log(`admin-a11y: ${n.base.href}, articles ${JSON.stringify(Object.fromEntries(
    Object.entries(articles).map(([k, v]) => [k, v.id])))}`);
  const browser = await launchChromium(chromium);
  try {
    // Signed out: the sign-in page.
    await R.scenario('signed out: /admin/login', async () => {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      const resp = await page.goto(new URL('/admin/login', n.base).href);
      check('/admin/login: HTTP 200', resp.status() === 200, `HTTP ${resp.status()}`);
      const v = await runAxe(page, axeSource);
      check('/admin/login: axe-core, no violation', v.length === 0, v.join('; '));
      await ctx.close();
    });
    const articlePages = Object.values(articles).map((a) => `/admin/articles/${a.id}`);
    const all = new Set();
    for (const role of ['writer', 'reviewer', 'editor', 'admin']) {
      await R.scenario(`crawl as ${role}`, async () => {
        // The tickets are the editors' (the newsroom's rules); seeded in case no page links them.
        // The citation search is a GET form's target (the editor's "Cite a source"), not a link.
        const seeds = ['/admin/', ...(role === 'admin' ? [] : [...articlePages, '/admin/articles/cite?cite_q=sex']),
          ...(role === 'editor' ? ['/admin/tickets'] : [])];
        const visited = await crawl(browser, axeSource, n, role, seeds, maxPages);
        for (const v of visited) all.add(v.replace(/\?.*/, ''));
        check(`${role}: the crawl reached more than the home page`, visited.length > 3, visited.join(' '));
      });
    }
    // The crawl must have seen the pages of every helper's part of the contract.
    const want = ['/admin/articles', '/admin/articles/new', '/admin/due', '/admin/feedback', '/admin/tickets',
      '/admin/library', '/admin/accounts', '/admin/articles/cite'];
    const missed = want.filter((p) => !all.has(p));
    check('the crawl visited every section of the contract', missed.length === 0, `never linked: ${missed.join(', ')}`);
    const kinds = ['/edit', '/revisions', '/record'];
    const missedKinds = kinds.filter((k) => ![...all].some((p) => /^\/admin\/articles\/\d+/.test(p) && p.endsWith(k)));
    check('the crawl visited the article pages\' Edit, Revisions and Production record', missedKinds.length === 0,
      `never linked: ${missedKinds.join(', ')}`);
    await R.scenario('keyboard', () => keyboard(browser, n, articles));
  } finally {
    await browser.close();
    const code = await n.stop();
    check('the server exits 0 on SIGTERM', code === 0, `exit ${code}`);
    n.cleanup();
  }
  process.exit(R.finish());
}

main().catch((e) => {
  console.error(`admin-a11y: ${e.stack || e}`);
  process.exit(2);
});
