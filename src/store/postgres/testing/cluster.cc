#include "store/postgres/testing/cluster.h"

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>

#include "store/postgres/pg.h"

namespace vetted::pg_testing {
namespace {

std::string AdminConninfo() {
  return "host=" + ClusterDir() + " user=postgres dbname=postgres";
}

Status Started() {
  static std::once_flag once;
  static Status status;
  std::call_once(once, [] {
    std::string cmd = std::string("bash '") + VETTED_SOURCE_DIR + "/scripts/pg-test-cluster.sh' start '" +
                      ClusterDir() + "'";
    int rc = std::system(cmd.c_str());
    if (rc != 0)
      status =
          Status::Io("could not start the test PostgreSQL cluster (" + cmd + "): exit " + std::to_string(rc));
  });
  return status;
}

bool ValidName(const std::string& s) {
  if (s.empty() || s.size() > 60) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

}  // namespace

std::string ClusterDir() {
  if (const char* dir = std::getenv("VETTED_PG_TEST_DIR"); dir != nullptr && *dir != '\0') return dir;
  return VETTED_PG_TEST_DIR;
}

std::string SchemaFor(const std::string& text) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "t_%016zx", std::hash<std::string>{}(text));
  return buf;
}

Result<std::string> Address(const std::string& schema) {
  if (!ValidName(schema)) return Status::Invalid("pg_testing: bad schema name \"" + schema + "\"");
  if (Status s = Started(); !s.ok()) return s;
  Result<std::unique_ptr<store::pg::Conn>> conn = store::pg::Conn::Open(AdminConninfo());
  if (!conn.ok()) return conn.status();
  if (Status s = (*conn)->Exec("CREATE SCHEMA IF NOT EXISTS " + schema); !s.ok()) {
    // Two processes creating the same schema at once: the loser sees a unique violation.
    if (!store::pg::IsUniqueViolation(s)) return s;
  }
  return "postgresql:///postgres?host=" + ClusterDir() + "&user=postgres&options=-csearch_path%3D" + schema;
}

Status DropSchema(const std::string& schema) {
  if (!ValidName(schema)) return Status::Invalid("pg_testing: bad schema name \"" + schema + "\"");
  if (Status s = Started(); !s.ok()) return s;
  Result<std::unique_ptr<store::pg::Conn>> conn = store::pg::Conn::Open(AdminConninfo());
  if (!conn.ok()) return conn.status();
  return (*conn)->Exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
}

}  // namespace vetted::pg_testing
