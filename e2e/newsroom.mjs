#!/usr/bin/env node
// The newsroom end to end, in headless Chromium, through the HTML forms of the admin UI contract
// (/work/admin-ui-contract.md; docs/newsroom-workflow.md):
//
//   node newsroom.mjs --vetted VETTED_BINARY --site SITE_DIR
//
// Imports the site into a fresh database, adds a writer, a medical reviewer, an editor (linked to demo people)
// and an admin, and serves it on a free loopback port. Then, each person in their own browser (JavaScript
// off for the newsroom: the pages must work without it):
//   1. the writer signs in, creates a draft at /admin/articles/new and submits it for review;
//   2. the reviewer finds it on their home page and requests changes, with comments;
//   3. the writer sees the comments, revises (a second tab saving on a stale base gets the 409 conflict page),
//      and submits again;
//   4. the reviewer approves the new revision;
//   5. the editor publishes it;
//   6. a reader opens the public page: "Medically reviewed by" the reviewer on the approval date, "Page last
//      reviewed" and "Next review due", the approved text (not the first draft) and its revision; then reports
//      an error with the page's feedback form;
//   7. the editor finds the report at /admin/tickets and resolves it;
//   8. the record: the article's audit entries in order, `vetted audit verify` intact;
//   9. from Node (no browser): cross-site POSTs refused with 403 and changing nothing; a POST without the
//      CSRF token refused;
//  10. a wrong password ten times: 401 each, then 429 with Retry-After (last: it blocks this address).
// The server must then exit 0 on SIGTERM. Prints one PASS/FAIL line per check.
// Exit status: 0 all good, 1 a check failed, 2 could not run.

import { launchChromium, loadDeps } from './browser.mjs';
import {
  ACCOUNTS, NAV_TIMEOUT_MS, apiSession, nodeSignIn, parseArgs, reporter, signIn, startNewsroom, submitting,
} from './newsroom-lib.mjs';
import { execFileSync } from 'node:child_process';

const R = reporter('newsroom');
const UI_TIMEOUT_MS = 10000;
const { check, scenario } = R;

const ARTICLE_PATH = 'content/sexual-health/talking-to-your-doctor-about-sex.md';
const PUBLIC_PATH = '/sexual-health/talking-to-your-doctor-about-sex/';
const TITLE = 'Talking to your doctor about sex';
const SUMMARY = 'Doctors hear questions about sex every day. Here is how to start the conversation.';
const DRAFT_BODY = 'It can feel awkward to bring up sex with a doctor.\n\n## Before the visit\n\n' +
  'Write down what you want to ask.\n';
const REVISED_SENTENCE = 'Pain during sex is a common reason to see a doctor, and it can be treated.';
const REVISED_BODY = `${DRAFT_BODY}\n## During the visit\n\n${REVISED_SENTENCE}\n`;
const STALE_SENTENCE = 'This sentence comes from a tab that had not seen the newer revision.';
const COMMENTS = 'Please add what to expect during the visit, with the point that pain can be treated.';
const APPROVAL_NOTE = 'Checked against current guidance.';
const REPORT = 'The second heading says visit, but the clinic calls it an appointment (e2e report).';
const RESOLVE_NOTE = 'Wording kept: both terms are in use.';

const today = () => new Date().toISOString().slice(0, 10);
const addYears = (iso, n) => `${Number(iso.slice(0, 4)) + n}${iso.slice(4)}`;
const REV_RE = /sha256:[0-9a-f]{64}/;

// ---- Helpers -----------------------------------------------------------------------------------------

// What happened to a form post that the browser followed: the POST's own status (303 when redirected) and
// where it landed.
function postOutcome(resp) {
  const chain = [];
  for (let r = resp?.request(); r; r = r.redirectedFrom()) chain.unshift(r);
  const first = chain[0];
  return {
    method: first?.method(),
    postPath: first ? new URL(first.url()).pathname : '',
    landed: resp ? new URL(resp.url()).pathname : '',
    redirected: chain.length > 1,
    status: resp?.status(),
  };
}

async function postStatus(resp) {
  const chain = [];
  for (let r = resp?.request(); r; r = r.redirectedFrom()) chain.unshift(r);
  const firstResp = chain.length ? await chain[0].response() : null;
  return firstResp ? firstResp.status() : resp?.status();
}

// Checks a POST-redirect-GET: the form posted to `postPath`, got 303, and landed on `landPath` (200) with a
// role=status note.
async function expectSeeOther(label, page, resp, postPath, landPath) {
  const o = postOutcome(resp);
  const s = await postStatus(resp);
  check(`${label}: POST ${postPath} answers 303`, o.method === 'POST' && o.postPath === postPath && s === 303,
    `${o.method} ${o.postPath} -> ${s}`);
  check(`${label}: lands on ${landPath} (200)`, o.landed === landPath && o.status === 200,
    `landed on ${o.landed} (${o.status})`);
  const note = await page.locator('p.admin-note[role=status]').allInnerTexts();
  check(`${label}: the landing page confirms with a role=status note`, note.length > 0 && note.join('').trim() !== '',
    `notes ${JSON.stringify(note)}; alerts ${JSON.stringify(await alerts(page))}`);
  return note.join(' ');
}

const alerts = (page) => page.locator('[role=alert]').allInnerTexts();
const mainText = async (page) => page.locator('body').innerText();
const hasButton = async (page, name) => (await page.getByRole('button', { name, exact: true }).count()) > 0;

async function adminContext(browser) {
  const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1366, height: 900 } });
  ctx.setDefaultTimeout(UI_TIMEOUT_MS);
  ctx.setDefaultNavigationTimeout(NAV_TIMEOUT_MS);
  return ctx;
}

// The article's record through the JSON API (as the editor): state, revisions, reviews, audit.
async function record(api, id) {
  const r = await api.call('GET', `/admin/api/articles/${id}`);
  if (r.status !== 200) throw new Error(`GET /admin/api/articles/${id}: HTTP ${r.status} ${r.text.slice(0, 200)}`);
  return r.json;
}

// ---- The path of one article -------------------------------------------------------------------------

async function writerCreates(s, ctx) {
  const page = await ctx.newPage();
  s.writerPage = page;
  await signIn(page, s.n.base, ACCOUNTS.writer);
  const list = await page.goto(new URL('/admin/articles', s.n.base).href);
  check('the article list answers 200 with <h1>Articles</h1>', list.status() === 200 &&
    (await page.locator('h1').first().innerText()).trim() === 'Articles', `HTTP ${list.status()}`);
  const newLink = page.getByRole('link', { name: 'New article', exact: true });
  check('the article list links "New article" to /admin/articles/new', (await newLink.count()) === 1 &&
    new URL(await newLink.evaluate((a) => a.href)).pathname === '/admin/articles/new');
  await submitting(page, () => newLink.click());
  check('"New article" opens /admin/articles/new', new URL(page.url()).pathname === '/admin/articles/new');
  await page.getByLabel('File path', { exact: true }).fill(ARTICLE_PATH);
  await page.getByLabel('Title', { exact: true }).fill(TITLE);
  await page.getByLabel('Summary', { exact: true }).fill(SUMMARY);
  await page.getByLabel('Authors', { exact: true }).fill(ACCOUNTS.writer.person);
  await page.getByLabel('Article text (Markdown)', { exact: true }).fill(DRAFT_BODY);
  const csrf = await page.locator('form:has(button:text-is("Create draft")) input[type=hidden][name=csrf]').count();
  check('the new-article form carries the hidden csrf field', csrf === 1, `${csrf} csrf fields`);
  const resp = await submitting(page, () => page.getByRole('button', { name: 'Create draft', exact: true }).click());
  const o = postOutcome(resp);
  const m = /^\/admin\/articles\/(\d+)\/edit$/.exec(o.landed);
  check('"Create draft": POST /admin/articles/new answers 303 to /admin/articles/{id}/edit',
    o.method === 'POST' && (await postStatus(resp)) === 303 && !!m,
    `${o.method} ${o.postPath} -> ${await postStatus(resp)}, landed on ${o.landed}; alerts ${JSON.stringify(await alerts(page))}`);
  if (!m) throw new Error('no article id: cannot go on');
  s.id = Number(m[1]);
  const rec = await record(s.editorApi, s.id);
  s.draftRevision = rec.article?.latest_revision ?? rec.latest_revision;
  check('the draft is stored in state draft with its path', JSON.stringify(rec).includes(ARTICLE_PATH) &&
    /"state":"draft"/.test(JSON.stringify(rec)) && REV_RE.test(s.draftRevision || ''),
    JSON.stringify(rec).slice(0, 300));
  const findings = page.locator('section[aria-labelledby=findings]');
  check('the editor lists the checks in <section aria-labelledby="findings"> with <h2 id="findings">Checks</h2>',
    (await findings.count()) === 1 && (await page.locator('h2#findings').innerText()).trim() === 'Checks');
  const base = await page.locator('input[type=hidden][name=base_revision]').inputValue().catch(() => '');
  check('the editor carries the hidden base_revision of the latest revision', base === s.draftRevision,
    `base_revision ${base}, latest ${s.draftRevision}`);

  // Submit from the article's page.
  await page.goto(new URL(`/admin/articles/${s.id}`, s.n.base).href);
  check('the article page\'s <h1> is the title', (await page.locator('h1').first().innerText()).trim() === TITLE);
  for (const [name, href] of [['Edit', `/admin/articles/${s.id}/edit`], ['Revisions', `/admin/articles/${s.id}/revisions`],
    ['Production record', `/admin/articles/${s.id}/record`]]) {
    const l = page.getByRole('link', { name, exact: true });
    const hrefs = await l.evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
    check(`the article page links "${name}" to ${href}`, hrefs.includes(href), JSON.stringify(hrefs));
  }
  check('the writer is not offered "Approve this revision" nor "Publish"',
    !(await hasButton(page, 'Approve this revision')) && !(await hasButton(page, 'Publish')));
  const rev = await page.locator('form:has(button:text-is("Submit for review")) input[name=revision]').inputValue();
  check('the submit form names the draft revision', rev === s.draftRevision, `revision ${rev}`);
  const sub = await submitting(page, () => page.getByRole('button', { name: 'Submit for review', exact: true }).click());
  await expectSeeOther('submit', page, sub, `/admin/articles/${s.id}/submit`, `/admin/articles/${s.id}`);
  check('the article page says it is in review', /in review/i.test(await mainText(page)));
  const after = await record(s.editorApi, s.id);
  check('the store has the article in_review', JSON.stringify(after).includes('"state":"in_review"'));
}

async function reviewerRequestsChanges(s, ctx) {
  const page = await ctx.newPage();
  s.reviewerPage = page;
  await signIn(page, s.n.base, ACCOUNTS.reviewer);
  await page.goto(new URL('/admin/', s.n.base).href);
  const waiting = await linksUnderHeading(page, 'Waiting for your review');
  check('the reviewer\'s home lists the article under "Waiting for your review"',
    waiting.includes(`/admin/articles/${s.id}`), JSON.stringify(waiting));
  await page.goto(new URL(`/admin/articles/${s.id}`, s.n.base).href);
  check('the reviewer is offered "Approve this revision" and "Request changes", not "Publish"',
    (await hasButton(page, 'Approve this revision')) && (await hasButton(page, 'Request changes')) &&
    !(await hasButton(page, 'Publish')));
  await page.getByLabel('What should change', { exact: true }).fill(COMMENTS);
  const resp = await submitting(page, () => page.getByRole('button', { name: 'Request changes', exact: true }).click());
  await expectSeeOther('request changes', page, resp, `/admin/articles/${s.id}/request-changes`,
    `/admin/articles/${s.id}`);
  const rec = await record(s.editorApi, s.id);
  const text = JSON.stringify(rec);
  check('the store has the comments on the draft revision and the article back in draft',
    text.includes(COMMENTS) && /"state":"draft"/.test(text), text.slice(0, 300));
}

// Links (paths) in the section that a heading with this exact text opens: up to the next heading of the
// same or a higher level.
async function linksUnderHeading(page, heading) {
  return page.evaluate((want) => {
    const hs = [...document.querySelectorAll('h1,h2,h3,h4')];
    const h = hs.find((x) => x.textContent.trim() === want);
    if (!h) return [`(no heading "${want}")`];
    const level = Number(h.tagName[1]);
    const out = [];
    for (let el = h.nextElementSibling; el; el = el.nextElementSibling) {
      if (/^H[1-6]$/.test(el.tagName) && Number(el.tagName[1]) <= level) break;
      for (const a of el.matches('a') ? [el] : el.querySelectorAll('a')) out.push(new URL(a.href).pathname);
    }
    // A heading inside a <section>: the section's links.
    if (!out.length && h.parentElement?.matches('section')) {
      for (const a of h.parentElement.querySelectorAll('a')) out.push(new URL(a.href).pathname);
    }
    return out;
  }, heading);
}

async function writerRevises(s) {
  const page = s.writerPage;
  await page.goto(new URL('/admin/', s.n.base).href);
  const changes = await linksUnderHeading(page, 'Changes requested');
  check('the writer\'s home lists the article under "Changes requested"',
    changes.includes(`/admin/articles/${s.id}`), JSON.stringify(changes));
  await page.goto(new URL(`/admin/articles/${s.id}`, s.n.base).href);
  const onArticle = (await mainText(page)).includes(COMMENTS);
  let onEditor = false;
  const edit = await page.context().newPage();
  await edit.goto(new URL(`/admin/articles/${s.id}/edit`, s.n.base).href);
  onEditor = (await mainText(edit)).includes(COMMENTS);
  check('the writer sees the reviewer\'s comments (article page or editor)', onArticle || onEditor);

  // A second tab opened on the same revision: it will be stale after the first saves.
  const stale = await page.context().newPage();
  await stale.goto(new URL(`/admin/articles/${s.id}/edit`, s.n.base).href);

  const body = edit.getByLabel('Article text (Markdown)', { exact: true });
  check('the editor shows the saved text', (await body.inputValue()).includes('Write down what you want to ask.'));
  await body.fill(REVISED_BODY);
  const resp = await submitting(edit, () => edit.getByRole('button', { name: 'Save draft', exact: true }).click());
  const note = await expectSeeOther('save', edit, resp, `/admin/articles/${s.id}/edit`, `/admin/articles/${s.id}/edit`);
  const m = REV_RE.exec(note);
  check('the save note says "Saved revision sha256:…"', /Saved revision sha256:/.test(note) && !!m, note);
  const rec = await record(s.editorApi, s.id);
  s.revisedRevision = rec.article?.latest_revision ?? rec.latest_revision;
  check('the note names the stored latest revision, a new one',
    m && m[0] === s.revisedRevision && s.revisedRevision !== s.draftRevision,
    `note ${m && m[0]}, stored ${s.revisedRevision}, draft ${s.draftRevision}`);

  // The stale tab saves: 409, both texts, nothing stored.
  await stale.getByLabel('Article text (Markdown)', { exact: true }).fill(`${DRAFT_BODY}\n${STALE_SENTENCE}\n`);
  const sr = await submitting(stale, () => stale.getByRole('button', { name: 'Save draft', exact: true }).click());
  const staleText = await mainText(stale);
  check('a save on a stale base answers 409 with "Someone saved a newer revision"',
    sr.status() === 409 && (await stale.locator('h2', { hasText: 'Someone saved a newer revision' }).count()) === 1,
    `HTTP ${sr.status()}`);
  const values = await stale.locator('textarea').evaluateAll((ts) => ts.map((t) => t.value).join('\n'));
  check('the conflict page shows both texts (the newer one and mine)',
    (staleText + values).includes(REVISED_SENTENCE) && (staleText + values).includes(STALE_SENTENCE));
  const rec2 = await record(s.editorApi, s.id);
  check('the stale save stored nothing', (rec2.article?.latest_revision ?? rec2.latest_revision) === s.revisedRevision &&
    !JSON.stringify(rec2).includes(STALE_SENTENCE));
  await stale.close();
  await edit.close();

  await page.goto(new URL(`/admin/articles/${s.id}`, s.n.base).href);
  const rev = await page.locator('form:has(button:text-is("Submit for review")) input[name=revision]').inputValue();
  check('the submit form now names the revised revision', rev === s.revisedRevision, rev);
  const sub = await submitting(page, () => page.getByRole('button', { name: 'Submit for review', exact: true }).click());
  await expectSeeOther('submit again', page, sub, `/admin/articles/${s.id}/submit`, `/admin/articles/${s.id}`);
}

async function reviewerApproves(s) {
  const page = s.reviewerPage;
  await page.goto(new URL(`/admin/articles/${s.id}`, s.n.base).href);
  const rev = await page.locator('form:has(button:text-is("Approve this revision")) input[name=revision]').inputValue();
  check('the approve form names the revision in review', rev === s.revisedRevision, rev);
  await page.getByLabel('Note (optional)', { exact: true }).fill(APPROVAL_NOTE);
  const resp = await submitting(page, () => page.getByRole('button', { name: 'Approve this revision', exact: true }).click());
  await expectSeeOther('approve', page, resp, `/admin/articles/${s.id}/approve`, `/admin/articles/${s.id}`);
  check('the article page says it is approved', /approved/i.test(await mainText(page)));
  const rec = await record(s.editorApi, s.id);
  const approvals = (rec.reviews || []).filter((r) => r.kind === 'approval');
  check('the store has one approval, of exactly the revised revision, by the reviewer\'s person',
    approvals.length === 1 && approvals[0].revision === s.revisedRevision &&
    approvals[0].person === ACCOUNTS.reviewer.person && approvals[0].note === APPROVAL_NOTE,
    JSON.stringify(approvals));
  s.approvalDate = (approvals[0]?.at || '').slice(0, 10);
}

async function editorPublishes(s, ctx) {
  const page = await ctx.newPage();
  s.editorPage = page;
  await signIn(page, s.n.base, ACCOUNTS.editor);
  await page.goto(new URL(`/admin/articles/${s.id}`, s.n.base).href);
  check('the editor is offered "Publish", not "Approve this revision"',
    (await hasButton(page, 'Publish')) && !(await hasButton(page, 'Approve this revision')));
  const at = page.getByLabel('Publish at (optional)', { exact: true });
  check('"Publish at (optional)" is a datetime-local field', (await at.getAttribute('type')) === 'datetime-local');
  const rev = await page.locator('form:has(button:text-is("Publish")) input[name=revision]').inputValue();
  check('the publish form names the approved revision', rev === s.revisedRevision, rev);
  // The public page does not exist before publishing.
  const before = await fetch(new URL(PUBLIC_PATH, s.n.base));
  check(`${PUBLIC_PATH} is not served before publishing (404)`, before.status === 404, `HTTP ${before.status}`);
  const t0 = Date.now();
  const resp = await submitting(page, () => page.getByRole('button', { name: 'Publish', exact: true }).click());
  await expectSeeOther('publish', page, resp, `/admin/articles/${s.id}/publish`, `/admin/articles/${s.id}`);
  check('the article page says it is published', /published/i.test(await mainText(page)));
  let live = 0;
  for (let i = 0; i < 100; i++) {
    const r = await fetch(new URL(PUBLIC_PATH, s.n.base));
    if (r.status === 200) {
      live = Date.now() - t0;
      break;
    }
    await new Promise((res) => setTimeout(res, 50));
  }
  check(`${PUBLIC_PATH} is live within 5 s of publishing`, live > 0, 'still 404 after 5 s');
  console.log(`   (live ${live} ms after the Publish click)`);
  const rec = await record(s.editorApi, s.id);
  check('the store has the revised revision live', JSON.stringify(rec).includes(`"live_revision":"${s.revisedRevision}"`));
}

async function readerReads(s, browser) {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  const resp = await page.goto(new URL(PUBLIC_PATH, s.n.base).href);
  check('the reader gets the page (200)', resp.status() === 200, `HTTP ${resp.status()}`);
  const text = await mainText(page);
  check('the page shows the approved text, not the first draft', text.includes(REVISED_SENTENCE) &&
    !text.includes(STALE_SENTENCE));
  const line = page.locator('.medical-review-line');
  const lineText = (await line.count()) ? await line.first().innerText() : '';
  check(`"Medically reviewed by ${ACCOUNTS.reviewer.name}"`,
    lineText.includes(`Medically reviewed by ${ACCOUNTS.reviewer.name}`), lineText || text.slice(0, 200));
  const reviewDate = (await line.count()) ? await line.first().locator('time').getAttribute('datetime') : null;
  check('... on the approval date', !!s.approvalDate && reviewDate === s.approvalDate,
    `page ${reviewDate}, approval ${s.approvalDate}`);
  const dates = page.locator('.review-dates');
  const datesText = (await dates.count()) ? await dates.innerText() : '';
  const times = (await dates.count()) ? await dates.locator('time').evaluateAll((ts) => ts.map((t) => t.dateTime)) : [];
  check('"Page last reviewed" on the approval date', /Page last reviewed/.test(datesText) && times[0] === s.approvalDate,
    `${datesText} ${JSON.stringify(times)}`);
  check('"Next review due" one review interval (2 years) later', /Next review due/i.test(datesText) &&
    times[1] === addYears(s.approvalDate || today(), 2), `${datesText} ${JSON.stringify(times)}`);
  const rev = await page.locator('#feedback form input[name=revision]').inputValue().catch(() => '');
  check('the page carries the approved revision', rev === s.revisedRevision, `page ${rev}`);
  const ld = await page.locator('script[type="application/ld+json"]').allTextContents();
  const json = ld.map((x) => JSON.parse(x)).find((x) => x.reviewedBy);
  check('JSON-LD names the reviewer and lastReviewed', json?.reviewedBy?.name === ACCOUNTS.reviewer.name &&
    json?.lastReviewed === s.approvalDate, JSON.stringify(json?.reviewedBy));

  // The reader reports an error with the feedback form.
  const form = page.locator('#feedback form');
  await form.getByLabel('No', { exact: true }).check();
  await form.getByLabel('Report an error', { exact: true }).check();
  await form.getByLabel('Tell us more (optional)').fill(REPORT);
  const [post] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && /\/feedback$/.test(new URL(r.url()).pathname),
      { timeout: NAV_TIMEOUT_MS }),
    form.getByRole('button', { name: 'Send feedback' }).click(),
  ]);
  check('the report is accepted (201 with JavaScript, 303 without)', [201, 303].includes(post.status()),
    `HTTP ${post.status()} from ${post.url()}`);
  await ctx.close();
}

async function editorResolvesTicket(s) {
  const page = s.editorPage;
  const list = await page.goto(new URL('/admin/tickets', s.n.base).href);
  check('/admin/tickets answers 200 with <h1>Tickets</h1>', list.status() === 200 &&
    (await page.locator('h1').first().innerText()).trim() === 'Tickets', `HTTP ${list.status()}`);
  // The ticket of this report: a link to /admin/tickets/{ticket} in the row (or item) naming the article.
  const links = await page.evaluate(({ title, url, report }) => {
    const out = [];
    for (const a of document.querySelectorAll('a')) {
      const p = new URL(a.href).pathname;
      if (!/^\/admin\/tickets\/[^/]+$/.test(p)) continue;
      const row = a.closest('tr, li, article, section') || a;
      const t = row.textContent;
      out.push({ p, ours: t.includes(title) || t.includes(url) || t.includes(report.slice(0, 30)) });
    }
    return out;
  }, { title: TITLE, url: PUBLIC_PATH, report: REPORT });
  const ours = links.filter((l) => l.ours);
  check('the ticket list links the reader\'s report to /admin/tickets/{ticket}', ours.length === 1,
    JSON.stringify(links));
  if (!ours.length) throw new Error('no ticket for the report');
  const ticketPath = ours[0].p;
  await page.goto(new URL(ticketPath, s.n.base).href);
  const text = await mainText(page);
  check('the ticket shows the report', text.includes(REPORT));
  check('the ticket shows the revision the reader saw', text.includes(s.revisedRevision.slice(0, 19)),
    `no ${s.revisedRevision.slice(0, 19)} on the page`);
  check('the ticket is open', /\bopen\b/i.test(text));
  await page.getByLabel('Note', { exact: true }).fill(RESOLVE_NOTE);
  const resp = await submitting(page, () => page.getByRole('button', { name: 'Resolve', exact: true }).click());
  const o = postOutcome(resp);
  check(`"Resolve": POST ${ticketPath} answers 303`, o.method === 'POST' && o.postPath === ticketPath &&
    (await postStatus(resp)) === 303, `${o.method} ${o.postPath} -> ${await postStatus(resp)}`);
  check('... to a page with a role=status note', (await page.locator('p.admin-note[role=status]').count()) > 0,
    `landed on ${o.landed}; alerts ${JSON.stringify(await alerts(page))}`);
  await page.goto(new URL(ticketPath, s.n.base).href);
  const after = await mainText(page);
  check('the ticket is now resolved, with the note', /resolved/i.test(after) && after.includes(RESOLVE_NOTE));
}

async function theRecord(s) {
  const rec = await record(s.editorApi, s.id);
  const actions = (rec.audit || []).map((e) => e.action);
  const want = ['create', 'submit', 'request-changes', 'save', 'submit', 'approve', 'publish'];
  check('the audit log has every step in order, then the ticket\'s resolution',
    JSON.stringify(actions.slice(0, want.length)) === JSON.stringify(want) && actions.length === want.length + 1 &&
    /ticket/.test(actions[want.length]) && /resolve/.test(actions[want.length]), JSON.stringify(actions));
  const accounts = new Set((rec.audit || []).map((e) => e.account));
  check('three different accounts appear in the article\'s audit entries', accounts.size === 3, [...accounts].join(','));
  let out = '';
  let code = 0;
  try {
    out = execFileSync(s.n.vetted, ['audit', 'verify', '--db', s.n.db], { encoding: 'utf8' });
  } catch (e) {
    code = e.status;
    out = `${e.stdout}${e.stderr}`;
  }
  check('vetted audit verify: chain intact', code === 0 && /chain intact/.test(out), out.trim());
}

// ---- From Node: forged and guessing requests ---------------------------------------------------------

async function crossSite(s) {
  const evil = { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' };
  // Sign-in from another site, with a valid login token and the right password.
  const { resp, cookies } = await nodeSignIn(s.n.base, ACCOUNTS.writer.email, ACCOUNTS.writer.password, evil);
  check('a cross-site sign-in is refused with 403 and no session', resp.status === 403 && cookies.length === 0,
    `HTTP ${resp.status}, cookies ${cookies}`);

  const w = s.writerApi;
  const before = await record(s.editorApi, s.id);
  const src = `---\ntitle: "Forged"\ndescription: "x"\nauthors: [maya-okafor]\n---\n\nForged.\n`;
  const base = before.article?.latest_revision ?? before.latest_revision;
  const put = await w.call('PUT', `/admin/api/articles/${s.id}`, { source: src, base_revision: base }, evil);
  check('a cross-site API save with a valid X-CSRF-Token is refused with 403', put.status === 403,
    `HTTP ${put.status} ${put.text.slice(0, 200)}`);
  // The HTML form route, as a forged form would send it.
  const form = await fetch(new URL(`/admin/articles/${s.id}/unpublish`, s.n.base), {
    method: 'POST', redirect: 'manual',
    headers: { cookie: s.editorApi.cookie, 'content-type': 'application/x-www-form-urlencoded', ...evil },
    body: new URLSearchParams({ csrf: s.editorApi.csrf, at: '' }).toString(),
  });
  check('a cross-site form POST (unpublish, with the csrf field) is refused with 403', form.status === 403,
    `HTTP ${form.status}`);
  // Same origin, but without the token.
  const noToken = await fetch(new URL(`/admin/articles/${s.id}/unpublish`, s.n.base), {
    method: 'POST', redirect: 'manual',
    headers: { cookie: s.editorApi.cookie, 'content-type': 'application/x-www-form-urlencoded',
      origin: s.n.origin, 'sec-fetch-site': 'same-origin' },
    body: new URLSearchParams({ at: '' }).toString(),
  });
  check('a same-origin form POST without the csrf field is refused with 403', noToken.status === 403,
    `HTTP ${noToken.status}`);
  const after = await record(s.editorApi, s.id);
  check('the refused requests changed nothing (same revisions, state, audit)',
    JSON.stringify(after) === JSON.stringify(before));
  const live = await fetch(new URL(PUBLIC_PATH, s.n.base));
  check('the page is still live', live.status === 200, `HTTP ${live.status}`);
}

async function throttle(s) {
  const statuses = [];
  let last = null;
  for (let i = 1; i <= 11; i++) {
    last = await nodeSignIn(s.n.base, ACCOUNTS.writer.email, `wrong-password-${i}-xyz`);
    statuses.push(last.resp.status);
  }
  check('10 wrong passwords get 401 each', statuses.slice(0, 10).every((x) => x === 401), statuses.join(','));
  check('the 11th try gets 429', statuses[10] === 429, statuses.join(','));
  const retry = Number(last.resp.headers.get('retry-after'));
  check('... with a Retry-After of at most 15 minutes', retry > 0 && retry <= 900,
    `Retry-After ${last.resp.headers.get('retry-after')}`);
  const right = await nodeSignIn(s.n.base, ACCOUNTS.writer.email, ACCOUNTS.writer.password);
  check('the right password from the blocked address is refused too (429, no session)',
    right.resp.status === 429 && right.cookies.length === 0, `HTTP ${right.resp.status}`);
}

// ---- Main --------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs('newsroom', process.argv.slice(2));
  const { chromium } = loadDeps('newsroom');
  let n;
  try {
    n = await startNewsroom(opts.vetted, opts.site);
  } catch (e) {
    console.error(`newsroom: ${e.message}`);
    process.exit(2);
  }
  console.log(`newsroom: ${opts.site} served at ${n.base.href} from ${n.db}`);
  const s = { n };
  const browser = await launchChromium(chromium);
  try {
    s.editorApi = await apiSession(n.base, ACCOUNTS.editor);
    s.writerApi = await apiSession(n.base, ACCOUNTS.writer);
    const writer = await adminContext(browser);
    const reviewer = await adminContext(browser);
    const editor = await adminContext(browser);
    const steps = [
      ['1. the writer creates a draft and submits it', () => writerCreates(s, writer)],
      ['2. the reviewer requests changes', () => reviewerRequestsChanges(s, reviewer)],
      ['3. the writer revises and submits again', () => writerRevises(s)],
      ['4. the reviewer approves', () => reviewerApproves(s)],
      ['5. the editor publishes', () => editorPublishes(s, editor)],
      ['6. a reader reads the page and reports an error', () => readerReads(s, browser)],
      ['7. the editor resolves the ticket', () => editorResolvesTicket(s)],
      ['8. the record', () => (s.id ? theRecord(s) : Promise.reject(new Error('no article')))],
    ];
    let ok = true;
    for (const [name, fn] of steps) {
      // Each step needs the one before (7 only needs 6); stop the path at the first that cannot go on.
      if (!ok && !name.startsWith('8.')) {
        check(`${name}: reached`, false, 'an earlier step could not go on');
        continue;
      }
      const done = await R.scenario(name, fn);
      if (!done && !name.startsWith('7.')) ok = false;
    }
    if (s.id) await R.scenario('9. cross-site and token-less POSTs', () => crossSite(s));
    await R.scenario('10. password guessing is throttled', () => throttle(s));
  } finally {
    await browser.close();
    if (!n.alive()) {
      check('the server is still running at the end', false, n.log().slice(-2000));
    }
    const code = await n.stop();
    check('the server exits 0 on SIGTERM', code === 0, `exit ${code}\n${n.log().slice(-2000)}`);
    n.cleanup();
  }
  process.exit(R.finish());
}

main().catch((e) => {
  console.error(`newsroom: ${e.stack || e}`);
  process.exit(2);
});
