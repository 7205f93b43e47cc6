// The FTS5 tokenizer "spelling": wraps another tokenizer (unicode61 by
// default) and passes each token through util::SearchSpelling, so that the
// search table's chain 'porter spelling unicode61 remove_diacritics 2' stems
// "anaemia" and "anemia" alike, in the indexed text and in the query (FTS5
// tokenizes MATCH expressions with the table's tokenizer). The stored column
// text is left as written: snippets show the author's spelling.
#include <new>
#include <string>

#include "store/sqlite/internal.h"
#include "util/util.h"

namespace vetted::store {
namespace {

struct SpellingTokenizer {
  fts5_tokenizer parent{};
  Fts5Tokenizer* parent_tokenizer = nullptr;
};

struct CallbackContext {
  void* ctx;
  int (*token)(void*, int, const char*, int, int, int);
};

int Create(void* api_ptr, const char** args, int n, Fts5Tokenizer** out) {
  auto* api = static_cast<fts5_api*>(api_ptr);
  const char* parent_name = n > 0 ? args[0] : "unicode61";
  void* parent_ctx = nullptr;
  auto* t = new (std::nothrow) SpellingTokenizer();
  if (t == nullptr) return SQLITE_NOMEM;
  int rc = api->xFindTokenizer(api, parent_name, &parent_ctx, &t->parent);
  if (rc == SQLITE_OK)
    rc = t->parent.xCreate(parent_ctx, n > 0 ? args + 1 : nullptr, n > 0 ? n - 1 : 0, &t->parent_tokenizer);
  if (rc != SQLITE_OK) {
    delete t;
    return rc;
  }
  *out = reinterpret_cast<Fts5Tokenizer*>(t);
  return SQLITE_OK;
}

void Delete(Fts5Tokenizer* p) {
  auto* t = reinterpret_cast<SpellingTokenizer*>(p);
  if (t->parent_tokenizer != nullptr) t->parent.xDelete(t->parent_tokenizer);
  delete t;
}

int OnToken(void* p, int flags, const char* token, int size, int start, int end) {
  auto* c = static_cast<CallbackContext*>(p);
  try {
    std::string_view word(token, static_cast<size_t>(size));
    std::string spelled = util::SearchSpelling(word);
    if (spelled == word) return c->token(c->ctx, flags, token, size, start, end);
    return c->token(c->ctx, flags, spelled.data(), static_cast<int>(spelled.size()), start, end);
  } catch (...) {
    return SQLITE_NOMEM;
  }
}

int Tokenize(Fts5Tokenizer* p, void* ctx, int flags, const char* text, int size,
             int (*token)(void*, int, const char*, int, int, int)) {
  auto* t = reinterpret_cast<SpellingTokenizer*>(p);
  CallbackContext c{ctx, token};
  return t->parent.xTokenize(t->parent_tokenizer, &c, flags, text, size, OnToken);
}

}  // namespace

int RegisterSpellingTokenizer(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return rc;
  sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", nullptr);
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  if (api == nullptr) return SQLITE_ERROR;
  fts5_tokenizer impl{Create, Delete, Tokenize};
  return api->xCreateTokenizer(api, kSpellingTokenizer, api, &impl, nullptr);
}

}  // namespace vetted::store
