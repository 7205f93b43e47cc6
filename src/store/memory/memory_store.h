// store/memory/: the Store held in memory, for tests and tools that need no
// file. Usually reached through store::Open("memory:") or
// store::Open("memory:NAME") (store/open.h).
//
// Everything the Store contract promises holds within one process: Import's
// added/changed/removed/unchanged report and generation, Load, Search (the
// same field weights as the SQLite backend, English stemming by the first
// step of Porter's algorithm, plain-text snippets with match ranges), Related,
// feedback and revisions. Search scans every published article: meant for
// sites of hundreds of articles, not tens of thousands.
//
// Durability: a write is visible to every later call once it returns and is
// lost when the process exits.
// Thread safety: any number of threads may call any method at once (one lock;
// reads share it).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "store/store.h"
#include "util/util.h"

namespace vetted::store {

// Opens an in-memory store. `name` empty: a new, empty store of its own.
// Otherwise the process-wide store of that name, shared by every Store opened
// with it and kept (even with no Store open) until the process exits; it is
// made on the first open. kNotFound when `create` is false and there is no
// such store yet (an unnamed store never exists before it is opened).
// `clock` (which must outlive the Store) stamps a revision's created_at.
Result<std::unique_ptr<Store>> OpenMemory(const std::string& name, bool create = true,
                                          const util::Clock& clock = util::SystemClock());

// The word as the memory index keeps it: lower-cased (ASCII) and, when it is
// all ASCII letters, stemmed by step 1 of Porter's algorithm ("crying" ->
// "cry", "naps" -> "nap", "cried" -> "cri"). Exposed for tests.
std::string MemoryStem(std::string_view word);

}  // namespace vetted::store
