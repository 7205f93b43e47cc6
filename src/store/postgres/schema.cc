#include "store/postgres/schema.h"

namespace vetted::store::postgres {

const std::array<const char*, 5> kMigrations = {
    // 1: content and feedback, and what each import changed (for
    // ChangesSince: one row per article path added, changed or removed, and
    // path '' when other files changed). meta.changes_from: the oldest
    // generation ChangesSince answers for.
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value BIGINT NOT NULL);
INSERT INTO meta(key, value) VALUES ('generation', 0), ('changes_from', 0);
CREATE TABLE files(
  path TEXT PRIMARY KEY,
  bytes BYTEA NOT NULL,
  hash TEXT NOT NULL);
CREATE TABLE articles(
  id BIGSERIAL PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  url TEXT NOT NULL,
  published BOOLEAN NOT NULL,
  current_revision BIGINT,
  search_glossary TEXT NOT NULL DEFAULT '');
CREATE UNIQUE INDEX articles_published_url ON articles(url) WHERE published;
CREATE TABLE revisions(
  id BIGSERIAL PRIMARY KEY,
  article_id BIGINT NOT NULL REFERENCES articles(id),
  hash TEXT NOT NULL,
  bytes BYTEA NOT NULL,
  bytes_hash TEXT NOT NULL,
  created_at TEXT NOT NULL);
CREATE INDEX revisions_article_hash ON revisions(article_id, hash);
ALTER TABLE articles ADD FOREIGN KEY (current_revision) REFERENCES revisions(id);
CREATE TABLE feedback(
  id BIGSERIAL PRIMARY KEY,
  article_id BIGINT NOT NULL REFERENCES articles(id),
  revision_id BIGINT NOT NULL REFERENCES revisions(id),
  created_at TEXT NOT NULL,
  helpful BOOLEAN NOT NULL,
  category TEXT NOT NULL,
  comment TEXT NOT NULL);
CREATE INDEX feedback_article ON feedback(article_id);
CREATE TABLE changes(generation BIGINT NOT NULL, path TEXT NOT NULL);
CREATE INDEX changes_generation ON changes(generation);
)sql",
    // 2: the search index, one row per published article: weighted tsvector
    // (title, description, headings, tags, body, glossary) with English
    // stemming (see search.cc); head: the stems of title, description,
    // headings and tags alone (small, for Related). document is kept in the
    // row where it fits (STORAGE MAIN, rows up to a page; the body moves out
    // first): ranking reads every matching document, about three times
    // faster when it is not TOASTed. search_instance: a random id of this
    // database, so that a process's cache of Search and Related answers
    // never mixes two databases. vetted_stem: Porter's English stemmer (as
    // SQLite's FTS5 'porter') without stop words: every word the reader
    // types can be found.
    R"sql(
CREATE TEXT SEARCH DICTIONARY vetted_stem (TEMPLATE = snowball, Language = porter);
CREATE TABLE search(
  article_id BIGINT PRIMARY KEY REFERENCES articles(id),
  url TEXT NOT NULL,
  section TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  headings TEXT NOT NULL,
  tags TEXT NOT NULL,
  body TEXT NOT NULL,
  glossary TEXT NOT NULL,
  document TSVECTOR NOT NULL,
  head TSVECTOR NOT NULL);
CREATE INDEX search_document ON search USING GIN (document);
ALTER TABLE search ALTER COLUMN document SET STORAGE MAIN;
ALTER TABLE search SET (toast_tuple_target = 8160);
CREATE INDEX search_section ON search(section);
CREATE INDEX search_url ON search(url);
CREATE TABLE search_instance(id TEXT NOT NULL);
INSERT INTO search_instance(id) VALUES (gen_random_uuid()::text);
)sql",
    // 3: the newsroom's accounts and their sessions (store/accounts.h).
    R"sql(
CREATE TABLE accounts(
  id BIGSERIAL PRIMARY KEY,
  email TEXT NOT NULL,
  roles BIGINT NOT NULL,
  person_id TEXT NOT NULL DEFAULT '',
  disabled BOOLEAN NOT NULL DEFAULT false,
  password_hash TEXT NOT NULL,
  must_change_password BOOLEAN NOT NULL DEFAULT false,
  totp_secret TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL);
-- Unique ignoring ASCII case only, whatever the database's locale (as
-- SQLite's NOCASE): lower() under the "C" collation folds A-Z alone.
CREATE UNIQUE INDEX accounts_email ON accounts(lower(email COLLATE "C"));
CREATE TABLE sessions(
  id_hash TEXT PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  csrf TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen BIGINT NOT NULL);
CREATE INDEX sessions_account ON sessions(account_id);
)sql",
    // 4: the newsroom's workflow (store/workflow.h), private preview links
    // and readers' error reports as tickets (store/tickets.h). The audit log
    // is append-only: a trigger refuses any UPDATE or DELETE.
    R"sql(
CREATE TABLE wf_articles(
  id BIGSERIAL PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  created_by BIGINT NOT NULL,
  state TEXT NOT NULL,
  latest_revision TEXT NOT NULL,
  submitted_revision TEXT NOT NULL,
  live_revision TEXT NOT NULL);
CREATE TABLE wf_revisions(
  id BIGSERIAL PRIMARY KEY,
  article_id BIGINT NOT NULL REFERENCES wf_articles(id),
  hash TEXT NOT NULL,
  source BYTEA NOT NULL,
  parent TEXT NOT NULL,
  author BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  major BOOLEAN NOT NULL,
  UNIQUE(article_id, hash));
CREATE TABLE wf_approvals(
  id BIGSERIAL PRIMARY KEY,
  article_id BIGINT NOT NULL REFERENCES wf_articles(id),
  revision TEXT NOT NULL,
  reviewer BIGINT NOT NULL,
  reviewer_person TEXT NOT NULL,
  note TEXT NOT NULL,
  created_at TEXT NOT NULL);
CREATE INDEX wf_approvals_article ON wf_approvals(article_id);
CREATE TABLE wf_change_requests(
  id BIGSERIAL PRIMARY KEY,
  article_id BIGINT NOT NULL REFERENCES wf_articles(id),
  revision TEXT NOT NULL,
  reviewer BIGINT NOT NULL,
  comments TEXT NOT NULL,
  created_at TEXT NOT NULL);
CREATE INDEX wf_change_requests_article ON wf_change_requests(article_id);
CREATE TABLE wf_publications(
  id BIGSERIAL PRIMARY KEY,
  article_id BIGINT NOT NULL REFERENCES wf_articles(id),
  action TEXT NOT NULL,
  revision TEXT NOT NULL,
  base_revision TEXT NOT NULL,
  reason TEXT NOT NULL,
  by_account BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  scheduled_at TEXT NOT NULL,
  done_at TEXT NOT NULL);
CREATE INDEX wf_publications_article ON wf_publications(article_id);
CREATE TABLE audit(
  seq BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  account BIGINT NOT NULL,
  action TEXT NOT NULL,
  article_id BIGINT NOT NULL,
  revision TEXT NOT NULL,
  before TEXT NOT NULL,
  after TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL);
CREATE INDEX audit_article ON audit(article_id);
CREATE TABLE audit_head(id INTEGER PRIMARY KEY CHECK (id = 1), count BIGINT NOT NULL, hash TEXT NOT NULL);
INSERT INTO audit_head(id, count, hash) VALUES (1, 0, '');
CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'audit entries are never changed or deleted'; END $$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION audit_refuse();
CREATE TABLE wf_preview_links(
  id BIGSERIAL PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  article_id BIGINT NOT NULL REFERENCES wf_articles(id),
  revision TEXT NOT NULL,
  created_by BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL);
CREATE INDEX wf_preview_links_article ON wf_preview_links(article_id);
CREATE TABLE tickets(
  id BIGSERIAL PRIMARY KEY,
  feedback_id BIGINT NOT NULL UNIQUE,
  article_url TEXT NOT NULL,
  article_path TEXT NOT NULL,
  revision TEXT NOT NULL,
  state TEXT NOT NULL,
  assignee BIGINT NOT NULL,
  note TEXT NOT NULL,
  publication_id BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL);
)sql",
    // 5: the state of the sign-in throttle and the feedback rate limit,
    // shared by every node (store/limits.h, postgres/limits.cc). Keys are
    // the callers' keyed hashes, never raw addresses.
    R"sql(
CREATE TABLE limit_secret(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  secret BYTEA NOT NULL);
CREATE TABLE limit_failures(
  id BIGSERIAL PRIMARY KEY,
  key BYTEA NOT NULL,
  at BIGINT NOT NULL);
CREATE INDEX limit_failures_key ON limit_failures(key, at);
CREATE INDEX limit_failures_at ON limit_failures(at);
CREATE TABLE limit_buckets(
  key BYTEA PRIMARY KEY,
  tokens DOUBLE PRECISION NOT NULL,
  last DOUBLE PRECISION NOT NULL,
  taken BOOLEAN NOT NULL);
CREATE INDEX limit_buckets_last ON limit_buckets(last);
)sql",
};

}  // namespace vetted::store::postgres
