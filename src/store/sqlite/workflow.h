// store/sqlite/: the WorkflowStore on SQLite (schema step 6, kWorkflowSchema),
// visible to the backend's own files and tests only.
//
// Writes go through the store's one writer connection under its lock (BEGIN
// IMMEDIATE ... COMMIT, synchronous=FULL); reads through a pooled reader in
// one read transaction. The audit table refuses UPDATE and DELETE by trigger;
// audit_head keeps the count and the last entry's hash.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <mutex>

#include "store/store.h"
#include "util/util.h"

namespace vetted::store::sqlite {

class ReaderPool;

inline constexpr const char* kWorkflowSchema = R"sql(
CREATE TABLE wf_articles(
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  created_by INTEGER NOT NULL,
  state TEXT NOT NULL,
  latest_revision TEXT NOT NULL,
  submitted_revision TEXT NOT NULL,
  live_revision TEXT NOT NULL);
CREATE TABLE wf_revisions(
  id INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES wf_articles(id),
  hash TEXT NOT NULL,
  source BLOB NOT NULL,
  parent TEXT NOT NULL,
  author INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  major INTEGER NOT NULL,
  UNIQUE(article_id, hash));
CREATE TABLE wf_approvals(
  id INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES wf_articles(id),
  revision TEXT NOT NULL,
  reviewer INTEGER NOT NULL,
  reviewer_person TEXT NOT NULL,
  note TEXT NOT NULL,
  created_at TEXT NOT NULL);
CREATE INDEX wf_approvals_article ON wf_approvals(article_id);
CREATE TABLE wf_change_requests(
  id INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES wf_articles(id),
  revision TEXT NOT NULL,
  reviewer INTEGER NOT NULL,
  comments TEXT NOT NULL,
  created_at TEXT NOT NULL);
CREATE INDEX wf_change_requests_article ON wf_change_requests(article_id);
CREATE TABLE wf_publications(
  id INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES wf_articles(id),
  action TEXT NOT NULL,
  revision TEXT NOT NULL,
  base_revision TEXT NOT NULL,
  reason TEXT NOT NULL,
  by_account INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  scheduled_at TEXT NOT NULL,
  done_at TEXT NOT NULL);
CREATE INDEX wf_publications_article ON wf_publications(article_id);
CREATE TABLE audit(
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  account INTEGER NOT NULL,
  action TEXT NOT NULL,
  article_id INTEGER NOT NULL,
  revision TEXT NOT NULL,
  before TEXT NOT NULL,
  after TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL);
CREATE INDEX audit_article ON audit(article_id);
CREATE TABLE audit_head(id INTEGER PRIMARY KEY CHECK (id = 1), count INTEGER NOT NULL, hash TEXT NOT NULL);
INSERT INTO audit_head(id, count, hash) VALUES (1, 0, '');
CREATE TRIGGER audit_never_updated BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit entries are never changed'); END;
CREATE TRIGGER audit_never_deleted BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit entries are never deleted'); END;
)sql";

// The WorkflowStore of a SqliteStore: `writer` (guarded by *writer_mu) and
// `readers` belong to the store and outlive the result.
std::unique_ptr<WorkflowStore> MakeSqliteWorkflow(std::mutex* writer_mu, sqlite3* writer, ReaderPool* readers,
                                                  const util::Clock* clock);

}  // namespace vetted::store::sqlite
