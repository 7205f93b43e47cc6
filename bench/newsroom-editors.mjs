#!/usr/bin/env node
// The editors' side of bench/newsroom-load.sh: EDITORS sessions save revisions through the JSON API
// (PUT /admin/api/articles/{id} with the session's X-CSRF-Token), each on its own article, back to back for
// DURATION seconds; meanwhile, every few seconds, one article is submitted, approved and published, and the
// time until the public page shows the new revision is measured.
//
//   node bench/newsroom-editors.mjs BASE_URL EDITORS DURATION_S PASSWORD REVIEWER_EMAIL REVIEWER_PASSWORD
//
// Editors are ed01@example.org ... (writer and editor roles, one password). Prints one JSON line.
// VERSIONS (environment; 0, the default: no limit): each editor writes the article's text in VERSIONS
// versions in turn, so that its history stays at VERSIONS revisions however many saves there are (a save of a
// text saved before reuses its revision, still a save with its audit entry); without it, every save adds a
// revision.
import { apiSession } from '../e2e/newsroom-lib.mjs';

const [baseArg, nArg, durArg, password, reviewerEmail, reviewerPassword] = process.argv.slice(2);
if (!reviewerPassword) {
  console.error('usage: node newsroom-editors.mjs BASE_URL EDITORS DURATION_S PASSWORD REVIEWER_EMAIL REVIEWER_PASSWORD');
  process.exit(2);
}
const base = new URL(baseArg);
const editors = Number(nArg);
const durationMs = Number(durArg) * 1000;
const versions = Number(process.env.VERSIONS || 0);

const source = (i, n) => `---\ntitle: "Load test article ${i}"\ndescription: "Saved again and again."\n` +
  `authors: [maya-okafor]\n---\n\nRevision ${n} of article ${i}. Sleep matters for health.\n`;

function pct(xs, p) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10;
}

const sessions = [];
for (let i = 1; i <= editors; i++) {
  const email = `ed${String(i).padStart(2, '0')}@example.org`;
  sessions.push(await apiSession(base, { email, password }));
}
const reviewer = await apiSession(base, { email: reviewerEmail, password: reviewerPassword });

// Each editor's own article.
const articles = [];
for (let i = 0; i < editors; i++) {
  const r = await sessions[i].call('POST', '/admin/api/articles',
    { path: `content/sexual-health/load-${i}.md`, source: source(i, 0) });
  if (r.status !== 201) throw new Error(`create: HTTP ${r.status} ${r.text}`);
  articles.push({ id: r.json.id, revision: r.json.revision, n: 0 });
}

const saveMs = [];
let errors = 0;
let conflicts = 0;
const stopAt = Date.now() + durationMs;

async function editorLoop(i) {
  const s = sessions[i];
  const a = articles[i];
  while (Date.now() < stopAt) {
    if (a.busy) {
      await new Promise((res) => setTimeout(res, 5));
      continue;
    }
    a.inflight = true;
    const t0 = performance.now();
    const next = versions > 0 ? (a.n + 1) % versions : a.n + 1;
    const r = await s.call('PUT', `/admin/api/articles/${a.id}`, { source: source(i, next), base_revision: a.revision });
    saveMs.push(performance.now() - t0);
    a.inflight = false;
    if (r.status === 200) {
      a.revision = r.json.revision;
      a.n++;
    } else if (r.status === 409) {
      conflicts++;
      a.revision = r.json.latest_revision;
    } else {
      errors++;
    }
  }
}

// Every 3 s, one editor's latest revision goes through submit, approve and publish; then the page is polled.
const liveMs = [];
async function publisher() {
  let k = 0;
  await new Promise((res) => setTimeout(res, 2000));
  while (Date.now() < stopAt - 3000) {
    const i = k++ % editors;
    const a = articles[i];
    a.busy = true;  // that editor pauses so the revision stays the latest
    while (a.inflight) await new Promise((res) => setTimeout(res, 5));
    const rev = a.revision;
    if (rev === a.live) {  // its text came round to the live one again: nothing to publish this time
      a.busy = false;
      await new Promise((res) => setTimeout(res, 3000));
      continue;
    }
    const s = sessions[i];
    // A text that came round again may have been approved before: the approval of that revision stands.
    a.approved = a.approved || new Set();
    const steps = [[s, 'submit', {}]];
    if (!a.approved.has(rev)) steps.push([reviewer, 'approve', {}]);
    steps.push([s, 'publish', {}]);
    let ok = true;
    for (const [who, step, extra] of steps) {
      const r = await who.call('POST', `/admin/api/articles/${a.id}/${step}`, { revision: rev, ...extra });
      if (r.status === 200 && step === 'approve') a.approved.add(rev);
      if (r.status !== 200) {
        ok = false;
        errors++;
        console.error(`${step} ${a.id}: HTTP ${r.status} ${r.text.slice(0, 200)}`);
        break;
      }
    }
    const t0 = performance.now();
    if (ok) {
      for (;;) {
        const page = await (await fetch(new URL(`/sexual-health/load-${i}/`, base))).text();
        if (page.includes(rev)) break;
        if (performance.now() - t0 > 10000) {
          errors++;
          break;
        }
        await new Promise((res) => setTimeout(res, 5));
      }
      liveMs.push(performance.now() - t0);
      a.live = rev;
    }
    a.busy = false;
    await new Promise((res) => setTimeout(res, 3000));
  }
}

const t0 = Date.now();
await Promise.all([...sessions.map((_, i) => editorLoop(i)), publisher()]);
const secs = (Date.now() - t0) / 1000;
console.log(JSON.stringify({
  editors, seconds: Math.round(secs), saves: saveMs.length, saves_per_s: Math.round(saveMs.length / secs),
  save_p50_ms: pct(saveMs, 50), save_p99_ms: pct(saveMs, 99), conflicts, errors,
  publications: liveMs.length, live_p50_ms: pct(liveMs, 50), live_max_ms: pct(liveMs, 100),
}));
