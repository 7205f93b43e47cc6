#!/usr/bin/env node
// HTML validity and structured data of a built vetted site.
//
//   node validate.mjs OUT_DIR [--source SITE_DIR] [--flagship PATH]
//
// 1. Runs the W3C Nu HTML Checker (npm vnu-jar, on Java) over EVERY .html file under OUT_DIR and fails on any
//    error (warnings and info messages are not counted).
// 2. Parses every <script type="application/ld+json"> block of every page with JSON.parse.
// 3. With --source, every article of SITE_DIR/content (not _section.md, not draft) must have a page whose
//    JSON-LD holds a MedicalWebPage with a headline and a breadcrumb (a BreadcrumbList, inline or by @id).
// 4. The flagship page (--flagship, default the demo's) must exist and its MedicalWebPage must also carry
//    reviewedBy, lastReviewed (a date), and a non-empty citation list.
// Exit status: 0 all good, 1 a check failed, 2 could not run.

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const DEFAULT_FLAGSHIP = '/relationships/sex-and-relationships/why-you-might-cry-during-sex/';
const BATCH = 400; // files per checker run: keeps the command line short
const LD_RE = /<script\b[^>]*\btype\s*=\s*["']?application\/ld\+json["']?[^>]*>([\s\S]*?)<\/script\s*>/gi;

function usage(msg) {
  if (msg) console.error(`validate: ${msg}`);
  console.error('usage: node validate.mjs OUT_DIR [--source SITE_DIR] [--flagship PATH]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { source: null, flagship: DEFAULT_FLAGSHIP };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
    if (a === '--source') opts.source = value();
    else if (a === '--flagship') opts.flagship = value();
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else rest.push(a);
  }
  if (rest.length !== 1) usage('one OUT_DIR is required');
  opts.out = path.resolve(rest[0]);
  if (!existsSync(opts.out) || !statSync(opts.out).isDirectory()) usage(`not a folder: ${rest[0]}`);
  return opts;
}

function walk(dir, pred, acc = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, pred, acc);
    else if (pred(e.name)) acc.push(p);
  }
  return acc;
}

function findVnu() {
  try {
    return require.resolve('vnu-jar/build/dist/vnu.jar');
  } catch {
    console.error('validate: vnu-jar is not installed; run `npm ci` in e2e/ ' +
      '(or `bash scripts/install-deps.sh`).');
    process.exit(2);
  }
}

// Runs the checker over the files in batches; returns its error messages.
function runVnu(jar, files) {
  const errors = [];
  for (let i = 0; i < files.length; i += BATCH) {
    const batch = files.slice(i, i + BATCH);
    const r = spawnSync('java', ['-Xss8m', '-jar', jar, '--errors-only', '--format', 'json', '--stdout',
      '--exit-zero-always', ...batch], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (r.error || r.status !== 0) {
      console.error(`validate: the Nu checker could not run: ${r.error ? r.error.message : r.stderr}`);
      process.exit(2);
    }
    let report;
    try {
      report = JSON.parse(r.stdout);
    } catch {
      console.error(`validate: unreadable checker output:\n${r.stdout.slice(0, 2000)}\n${r.stderr}`);
      process.exit(2);
    }
    for (const m of report.messages || []) {
      if (m.type === 'error' || m.type === 'non-document-error') errors.push(m);
    }
  }
  return errors;
}

function formatVnu(out, m) {
  const file = m.url ? path.relative(out, decodeURIComponent(m.url.replace(/^file:/, ''))) : '?';
  const where = m.lastLine ? `${file}:${m.lastLine}:${m.firstColumn || m.lastColumn || 0}` : file;
  const extract = m.extract ? `\n      ${m.extract.replace(/\s+/g, ' ').trim()}` : '';
  return `${where}: ${m.message}${extract}`;
}

const typesOf = (n) => [].concat(n && n['@type'] ? n['@type'] : []);

// All top-level nodes of the page's JSON-LD blocks (arrays and @graph flattened).
function ldNodes(blocks) {
  const nodes = [];
  const add = (v) => {
    if (Array.isArray(v)) v.forEach(add);
    else if (v && typeof v === 'object') {
      nodes.push(v);
      if (Array.isArray(v['@graph'])) v['@graph'].forEach(add);
    }
  };
  blocks.forEach(add);
  return nodes;
}

function resolveBreadcrumb(bc, nodes) {
  if (bc && typeof bc === 'object' && !typesOf(bc).length && bc['@id']) {
    bc = nodes.find((n) => n['@id'] === bc['@id']);
  } else if (typeof bc === 'string') {
    bc = nodes.find((n) => n['@id'] === bc);
  }
  return bc && typesOf(bc).includes('BreadcrumbList') && Array.isArray(bc.itemListElement) &&
    bc.itemListElement.length > 0;
}

const nonEmpty = (v) => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null && v !== '');

// Checks one page's MedicalWebPage; `full` adds the review and citation properties.
function checkMedicalPage(rel, blocks, full, problems) {
  const nodes = ldNodes(blocks);
  const mwp = nodes.find((n) => typesOf(n).includes('MedicalWebPage'));
  if (!mwp) {
    problems.push(`${rel}: no MedicalWebPage in JSON-LD`);
    return;
  }
  if (!nonEmpty(mwp.headline)) problems.push(`${rel}: MedicalWebPage has no headline`);
  if (!resolveBreadcrumb(mwp.breadcrumb, nodes)) {
    problems.push(`${rel}: MedicalWebPage.breadcrumb is not a BreadcrumbList with items`);
  }
  if (!full) return;
  if (!nonEmpty(mwp.reviewedBy)) problems.push(`${rel}: MedicalWebPage has no reviewedBy`);
  if (!/^\d{4}-\d{2}-\d{2}/.test(String(mwp.lastReviewed || ''))) {
    problems.push(`${rel}: MedicalWebPage.lastReviewed is not a date: ${JSON.stringify(mwp.lastReviewed)}`);
  }
  if (!nonEmpty(mwp.citation)) problems.push(`${rel}: MedicalWebPage has no citation`);
}

// URL paths of the published articles of a site folder (content/**/*.md, no _files, no drafts).
function articlePaths(source) {
  const content = path.join(source, 'content');
  if (!existsSync(content)) usage(`no content/ folder in ${source}`);
  const files = walk(content, (n) => n.endsWith('.md') && !n.startsWith('_'));
  return files
    .filter((f) => {
      const text = readFileSync(f, 'utf8');
      const fm = text.startsWith('---') ? text.slice(3, text.indexOf('\n---', 3)) : '';
      return !/^draft:\s*(true|yes)\s*$/m.test(fm);
    })
    .map((f) => '/' + path.relative(content, f).slice(0, -3).split(path.sep).join('/') + '/');
}

function pageFile(out, urlPath) {
  return path.join(out, ...urlPath.split('/').filter(Boolean), 'index.html');
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const jar = findVnu();
  const files = walk(opts.out, (n) => n.endsWith('.html')).sort();
  if (!files.length) usage(`no .html file under ${opts.out}`);
  const problems = [];

  const started = Date.now();
  const vnuErrors = runVnu(jar, files);
  console.log(`validate: Nu HTML Checker: ${files.length} file(s), ${vnuErrors.length} error(s) ` +
    `in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const m of vnuErrors) problems.push(formatVnu(opts.out, m));

  const ldByFile = new Map();
  let blocks = 0;
  for (const f of files) {
    const rel = path.relative(opts.out, f);
    const parsed = [];
    for (const m of readFileSync(f, 'utf8').matchAll(LD_RE)) {
      blocks++;
      try {
        parsed.push(JSON.parse(m[1]));
      } catch (e) {
        problems.push(`${rel}: JSON-LD does not parse: ${e.message}`);
      }
    }
    ldByFile.set(f, parsed);
  }
  console.log(`validate: JSON-LD: ${blocks} block(s) found`);

  const flagFile = pageFile(opts.out, opts.flagship);
  const articles = opts.source ? articlePaths(opts.source) : [];
  if (opts.source) console.log(`validate: ${articles.length} article(s) in ${opts.source}/content`);
  for (const a of articles) {
    const f = pageFile(opts.out, a);
    if (!ldByFile.has(f)) problems.push(`${a}: article page ${path.relative(opts.out, f)} was not written`);
    else if (f !== flagFile) checkMedicalPage(path.relative(opts.out, f), ldByFile.get(f), false, problems);
  }
  if (!ldByFile.has(flagFile)) {
    problems.push(`flagship ${opts.flagship}: ${path.relative(opts.out, flagFile)} missing`);
  } else checkMedicalPage(path.relative(opts.out, flagFile), ldByFile.get(flagFile), true, problems);

  if (problems.length) {
    console.error(`\nvalidate: FAILED, ${problems.length} problem(s):`);
    for (const p of problems) console.error(`  - ${p}`);
    process.exit(1);
  }
  console.log('validate: all pages passed');
}

main();
