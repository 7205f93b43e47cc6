// Shared by the newsroom's browser tests (newsroom.mjs, admin-a11y.mjs) and bench/newsroom-load.sh: a fresh
// newsroom (the demo imported into a temporary database, one account per role linked to a demo person,
// `vetted serve` on a free loopback port), the PASS/FAIL reporter, and signing in through the HTML form.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
export const NAV_TIMEOUT_MS = 30000;

// The accounts every run makes. Passwords are long random-looking phrases (the common-password list refuses
// simple ones); each account speaks for the demo person the pages name.
export const ACCOUNTS = {
  writer: { email: 'writer@example.org', password: 'amber-walrus-tide-7391', role: 'writer',
    person: 'maya-okafor', name: 'Maya Okafor' },
  reviewer: { email: 'reviewer@example.org', password: 'copper-heron-mist-2846', role: 'reviewer',
    person: 'priya-nair', name: 'Priya Nair' },
  editor: { email: 'editor@example.org', password: 'violet-badger-dune-5173', role: 'editor',
    person: 'lena-brooks', name: 'Lena Brooks' },
  admin: { email: 'admin@example.org', password: 'silver-otter-reef-9604', role: 'admin', person: '' },
};

// ---- Reporting ---------------------------------------------------------------------------------------

export function reporter(tool) {
  const r = { tool, passes: 0, failures: [] };
  r.check = (name, ok, detail = '') => {
    if (ok) {
      r.passes++;
      console.log(`PASS ${name}`);
    } else {
      r.failures.push(detail ? `${name}: ${String(detail).split('\n')[0].slice(0, 300)}` : name);
      console.log(`FAIL ${name}${detail ? `: ${detail}` : ''}`);
    }
    return !!ok;
  };
  // Runs one scenario; an exception (a timeout, a missing element) fails it instead of stopping the run.
  r.scenario = async (name, fn) => {
    console.log(`\n== ${name}`);
    try {
      await fn();
      return true;
    } catch (e) {
      r.check(`${name}: ran to the end`, false, (e.message || String(e)).split('\n')[0]);
      return false;
    }
  };
  r.finish = () => {
    if (r.failures.length) {
      console.error(`\n${tool}: FAILED, ${r.failures.length} of ${r.failures.length + r.passes} check(s):`);
      for (const f of r.failures) console.error(`  - ${f}`);
      return 1;
    }
    console.log(`\n${tool}: all ${r.passes} checks passed`);
    return 0;
  };
  return r;
}

// ---- Options -----------------------------------------------------------------------------------------

// --vetted BIN --site DIR, plus the tool's own options (name -> default; a boolean default makes a flag).
export function parseArgs(tool, argv, extra = {}) {
  const opts = { vetted: null, site: null, ...extra };
  const usage = (msg) => {
    if (msg) console.error(`${tool}: ${msg}`);
    const more = Object.keys(extra).map((k) => ` [--${k}${typeof extra[k] === 'boolean' ? '' : ' VALUE'}]`);
    console.error(`usage: node ${tool}.mjs --vetted VETTED_BINARY --site SITE_DIR${more.join('')}`);
    process.exit(2);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.replace(/^--/, '');
    if (a === '-h' || a === '--help') usage();
    if (!a.startsWith('--') || !(name in opts)) usage(`unknown argument ${a}`);
    if (typeof opts[name] === 'boolean') opts[name] = true;
    else opts[name] = i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`);
  }
  if (!opts.vetted || !opts.site) usage('--vetted and --site are required');
  return opts;
}

// ---- The newsroom under test -------------------------------------------------------------------------

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Imports `site` into a fresh database, adds the accounts and starts `vetted serve` on a free port.
// Returns { base (URL), origin, db, vetted, log(), stop() }; stop() sends SIGTERM and resolves to the exit code.
// Throws (the caller exits 2: could not run) when any step fails.
export async function startNewsroom(vetted, site, { serveArgs = [] } = {}) {
  const tmp = mkdtempSync(path.join(tmpdir(), 'vetted-newsroom-'));
  const db = path.join(tmp, 'vetted.db');
  const logFile = path.join(tmp, 'serve.log');
  const cleanup = () => rmSync(tmp, { recursive: true, force: true });
  try {
    execFileSync(vetted, ['import', site, '--db', db, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const a of Object.values(ACCOUNTS)) {
      const args = ['user', 'add', a.email, '--role', a.role, '--password-stdin', '--db', db];
      if (a.person) args.push('--person', a.person);
      execFileSync(vetted, args, { input: `${a.password}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
    }
  } catch (e) {
    cleanup();
    throw new Error(`setting up the database failed: ${e.message}\n${e.stderr || ''}`);
  }
  const { openSync } = await import('node:fs');
  const fd = openSync(logFile, 'w');
  const child = spawn(vetted, ['serve', '--db', db, '--listen', '127.0.0.1:0', ...serveArgs],
    { stdio: ['ignore', fd, fd] });
  let exited = null;
  const exitPromise = new Promise((resolve) => child.on('exit', (code, signal) => {
    exited = code ?? 128;
    resolve(signal ? `signal ${signal}` : code);
  }));
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  let base = null;
  for (let i = 0; i < 200 && exited === null; i++) {
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(log());
    if (m) {
      try {
        const r = await fetch(m[1]);
        if (r.ok) {
          base = new URL(m[1]);
          break;
        }
      } catch { /* not yet */ }
    }
    await sleep(100);
  }
  if (!base) {
    child.kill('SIGKILL');
    const text = log();
    cleanup();
    throw new Error(`'${vetted} serve --db ${db}' never answered:\n${text}`);
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return exitPromise;
    stopped = true;
    if (exited === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
    const code = await exitPromise;
    clearTimeout(timer);
    return code;
  };
  const alive = () => exited === null;
  return { base, origin: base.origin, db, vetted, tmp, log, stop, alive, cleanup, pid: child.pid };
}

// ---- HTTP from Node (no browser) ---------------------------------------------------------------------

// POST /admin/login from Node as a program would: first GET the form for its login cookie and csrf field, then
// post them with the email and password (and any extra headers, e.g. a foreign Origin). Resolves to the
// response (redirect: manual) and its session cookies.
export async function nodeSignIn(base, email, password, headers = {}) {
  const form = await fetch(new URL('/admin/login', base));
  const html = await form.text();
  const csrf = /name="csrf" value="([^"]*)"/.exec(html)?.[1] ?? '';
  const loginCookie = (form.headers.getSetCookie?.() || []).map((c) => c.split(';')[0]).join('; ');
  const resp = await fetch(new URL('/admin/login', base), {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie, ...headers },
    body: new URLSearchParams({ csrf, email, password }).toString(),
  });
  const cookies = (resp.headers.getSetCookie?.() || []).map((c) => c.split(';')[0])
    .filter((c) => /session=./.test(c));
  return { resp, cookies, body: await resp.text() };
}

// A tiny cookie-keeping client for the JSON API: signs in through POST /admin/login, then reads the CSRF
// token from /admin/api/session.
export async function apiSession(base, account) {
  const { resp: login, cookies } = await nodeSignIn(base, account.email, account.password);
  if (login.status !== 303 || !cookies.length) {
    throw new Error(`signing in ${account.email} from Node: HTTP ${login.status}, session cookies ${cookies.length}`);
  }
  const cookie = cookies.join('; ');
  const s = await fetch(new URL('/admin/api/session', base), { headers: { cookie } });
  if (s.status !== 200) throw new Error(`/admin/api/session: HTTP ${s.status}`);
  const { csrf } = await s.json();
  const call = async (method, p, body, extraHeaders = {}) => {
    const r = await fetch(new URL(p, base), {
      method, redirect: 'manual',
      headers: { cookie, 'x-csrf-token': csrf, ...(body ? { 'content-type': 'application/json' } : {}),
        ...extraHeaders },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch { /* not JSON */ }
    return { status: r.status, json, text, headers: r.headers };
  };
  return { cookie, csrf, call };
}

// ---- The browser -------------------------------------------------------------------------------------

// Signs in through the form at /admin/login in `page`; resolves to the response of the POST's landing page.
export async function signIn(page, base, account) {
  await page.goto(new URL('/admin/login', base).href, { timeout: NAV_TIMEOUT_MS });
  await page.getByLabel('Email', { exact: true }).fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  const [resp] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load', timeout: NAV_TIMEOUT_MS }),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  const url = new URL(page.url());
  if (!url.pathname.startsWith('/admin/') || url.pathname === '/admin/login') {
    throw new Error(`signing in as ${account.email} left the browser at ${url.pathname} (HTTP ${resp?.status()})`);
  }
  return resp;
}

// Clicks something that submits a form and waits for the page it lands on; resolves to that response.
export async function submitting(page, action) {
  const [resp] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load', timeout: NAV_TIMEOUT_MS }),
    action(),
  ]);
  return resp;
}

export async function runAxe(page, axeSource) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  return page.evaluate(async (tags) => {
    const options = { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] };
    const r = await window.axe.run(document, options);
    return r.violations.map((v) =>
      `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')}`);
  }, AXE_TAGS);
}
