// The audit chain's canonical bytes and its verification, shared by every backend.
#include "store/workflow.h"

#include <cstdio>

#include "util/util.h"

namespace vetted::store {
namespace {

// A double-quoted value on one line: \ " and control bytes escaped.
void Field(std::string& out, const char* label, const std::string& value) {
  out.append(label).append(": \"");
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || u == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  out += "\"\n";
}

}  // namespace

std::string AuditCanonical(const AuditEntry& e) {
  std::string out = "vetted audit 1\n";
  Field(out, "seq", std::to_string(e.seq));
  Field(out, "at", e.at);
  Field(out, "account", std::to_string(e.account));
  Field(out, "action", e.action);
  Field(out, "article", std::to_string(e.article_id));
  Field(out, "revision", e.revision);
  Field(out, "before", e.before);
  Field(out, "after", e.after);
  Field(out, "detail", e.detail);
  Field(out, "prev", e.prev_hash);
  return out;
}

std::string AuditHash(const AuditEntry& e) {
  return "sha256:" + util::Sha256Hex(AuditCanonical(e));
}

AuditCheck VerifyAuditChain(const std::vector<AuditEntry>& entries, const AuditHead& head) {
  AuditCheck check;
  check.entries = entries.size();
  auto bad = [&](int64_t seq, std::string problem) {
    check.intact = false;
    check.first_bad = seq;
    check.problem = std::move(problem);
    return check;
  };
  std::string prev;
  for (size_t i = 0; i < entries.size(); ++i) {
    const AuditEntry& e = entries[i];
    int64_t want = static_cast<int64_t>(i) + 1;
    if (e.seq != want) {
      return bad(want, "entry " + std::to_string(want) + " was removed (the log goes from entry " +
                           std::to_string(want - 1) + " to entry " + std::to_string(e.seq) + ")");
    }
    if (e.prev_hash != prev) {
      if (i == 0) return bad(1, "entry 1 was altered (it records a previous entry where there is none)");
      return bad(want - 1, "entry " + std::to_string(want - 1) + " was altered (its hash " + prev +
                               " is not the one entry " + std::to_string(want) + " records, " + e.prev_hash +
                               ")");
    }
    prev = AuditHash(e);
  }
  int64_t n = static_cast<int64_t>(entries.size());
  if (head.count > n) {
    return bad(n + 1, "entry " + std::to_string(n + 1) + " was removed (the log ends at entry " +
                          std::to_string(n) + " but " + std::to_string(head.count) + " were written)");
  }
  if (head.count < n) {
    return bad(head.count + 1, "entry " + std::to_string(head.count + 1) +
                                   " was added outside vetted (the store recorded " +
                                   std::to_string(head.count) + " entries)");
  }
  if (head.hash != prev) {
    return bad(n, "entry " + std::to_string(n) + " was altered (its hash " + prev +
                      " is not the one the store recorded, " + head.hash + ")");
  }
  return check;
}

Result<AuditCheck> WorkflowStore::VerifyAudit() {
  std::vector<AuditEntry> entries;
  AuditHead head;
  Status status = Read([&](WorkflowTx& tx) {
    Result<std::vector<AuditEntry>> all = tx.Audit(0);
    if (!all.ok()) return all.status();
    Result<AuditHead> h = tx.Head();
    if (!h.ok()) return h.status();
    entries = std::move(*all);
    head = *h;
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return VerifyAuditChain(entries, head);
}

}  // namespace vetted::store
