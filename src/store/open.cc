#include "store/open.h"

#include <string_view>

#include "store/memory/memory_store.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace vetted::store {
namespace {

constexpr const char* kForms =
    "a store address is sqlite:PATH, a plain file path, memory:, memory:NAME "
    "or postgresql://[user@]host[:port]/database[?param=value...]";

// The scheme of "scheme:rest" when the part before ':' looks like one (two or
// more letters, digits, '+', '-', '.': a Windows drive "C:" is a path); "" otherwise.
std::string_view SchemeOf(std::string_view address) {
  size_t colon = address.find(':');
  if (colon == std::string_view::npos || colon < 2) return {};
  std::string_view scheme = address.substr(0, colon);
  for (char c : scheme) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
              c == '-' || c == '.';
    if (!ok) return {};
  }
  return scheme;
}

Result<std::unique_ptr<Store>> OpenSqlitePath(const std::string& path, const OpenOptions& options) {
  if (path.empty()) return Status::Invalid("store: sqlite: needs a file path (sqlite:PATH)");
  return OpenSqlite(path, {.durable = options.durable, .create = options.create, .clock = options.clock});
}

}  // namespace

Result<std::unique_ptr<Store>> Open(const std::string& address, const OpenOptions& options) {
  if (address.empty()) return Status::Invalid(std::string("store: empty address; ") + kForms);
  std::string_view scheme = SchemeOf(address);
  std::string rest = scheme.empty() ? address : address.substr(scheme.size() + 1);
  const bool postgres = scheme == "postgresql" || scheme == "postgres";
  if (!options.read_address.empty()) {
    std::string_view read_scheme = SchemeOf(options.read_address);
    if (!postgres)
      return Status::Invalid("store: a read replica needs a PostgreSQL database (postgresql://...), not \"" +
                             address + "\"");
    if (read_scheme != "postgresql" && read_scheme != "postgres")
      return Status::Invalid("store: the read replica's address must be postgresql://..., not \"" +
                             options.read_address + "\"");
  }
  if (scheme.empty()) return OpenSqlitePath(address, options);
  if (scheme == "sqlite") return OpenSqlitePath(rest, options);
  if (scheme == "memory") return OpenMemory(rest, options.create, *options.clock);
  if (postgres) {
    return OpenPostgres(address, {.durable = options.durable,
                                  .create = options.create,
                                  .clock = options.clock,
                                  .read_conninfo = options.read_address});
  }
  return Status::Invalid("store: unknown address scheme \"" + std::string(scheme) + ":\"; " + kForms);
}

Result<SchemaVersions> SchemaStatus(const std::string& address) {
  std::string_view scheme = SchemeOf(address);
  if (scheme.empty() || scheme == "sqlite") {
    std::string path = scheme.empty() ? address : address.substr(scheme.size() + 1);
    if (path.empty()) return Status::Invalid(std::string("store: empty address; ") + kForms);
    Result<int> version = SqliteDatabaseVersion(path);
    if (!version.ok()) return version.status();
    return SchemaVersions{"sqlite", *version, SqliteSchemaVersion()};
  }
  if (scheme == "postgresql" || scheme == "postgres") {
    Result<int> version = PostgresDatabaseVersion(address);
    if (!version.ok()) return version.status();
    return SchemaVersions{"postgresql", *version, PostgresSchemaVersion()};
  }
  if (scheme == "memory") return Status::Invalid("store: a memory: store has no schema to migrate");
  return Status::Invalid("store: unknown address scheme \"" + std::string(scheme) + ":\"; " + kForms);
}

}  // namespace vetted::store
