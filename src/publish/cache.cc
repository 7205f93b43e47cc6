// The article cache of ToImport: what rendering an article gave, kept in
// memory and in an append-only file between imports.
//
// File format: the line "vetted-article-cache 1\n", then records one after
// the other, each a run of fields, each field a 4-byte little-endian length
// and that many bytes:
//   path, key, search glossary, grade (printed with %a), plain text, cited (joined by '\n'), heading
//   texts (joined by '\n'), glossary terms (joined by '\n'), diagnostics
//   (count, then file, line, severity, message, rule, stage each).
// A later record for a path replaces an earlier one. Reading stops at the
// first incomplete record (a save cut short), and the next save writes the
// file anew; whatever is unreadable is treated as not cached.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "publish/publish.h"

namespace vetted::publish {
namespace {

constexpr std::string_view kMagic = "vetted-article-cache 2\n";
constexpr size_t kNoField = static_cast<size_t>(-1);

void PutField(std::string& out, std::string_view s) {
  auto n = static_cast<uint32_t>(s.size());
  char len[4] = {static_cast<char>(n & 0xff), static_cast<char>((n >> 8) & 0xff),
                 static_cast<char>((n >> 16) & 0xff), static_cast<char>((n >> 24) & 0xff)};
  out.append(len, 4);
  out.append(s);
}

std::string JoinLines(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += '\n';
    out += items[i];
  }
  return out;
}

// Inverse of JoinLines for items without '\n' (keys, terms, heading texts);
// an item holding '\n' makes the entry uncacheable (see Cacheable).
std::vector<std::string> SplitLines(std::string_view s, size_t count) {
  std::vector<std::string> out;
  if (count == 0) return out;
  out.reserve(count);
  size_t at = 0;
  for (size_t i = 0; i + 1 < count; ++i) {
    size_t nl = s.find('\n', at);
    out.emplace_back(s.substr(at, nl - at));
    at = nl + 1;
  }
  out.emplace_back(s.substr(at));
  return out;
}

bool HasNewline(const std::vector<std::string>& items) {
  for (const auto& s : items)
    if (s.find('\n') != std::string::npos) return true;
  return false;
}

bool Cacheable(const ArticleCache::Entry& e) {
  if (HasNewline(e.doc.cited) || HasNewline(e.doc.glossary_terms)) return false;
  for (const auto& t : e.doc.toc)
    if (t.text.find('\n') != std::string::npos) return false;
  return true;
}

void PutRecord(std::string& out, const std::string& path, const ArticleCache::Entry& e) {
  PutField(out, path);
  PutField(out, e.key);
  PutField(out, e.search_glossary);
  char grade[64];
  std::snprintf(grade, sizeof grade, "%a", e.grade);
  PutField(out, grade);
  PutField(out, e.doc.plain_text);
  PutField(out, std::to_string(e.doc.cited.size()) + "\n" + JoinLines(e.doc.cited));
  std::vector<std::string> headings;
  for (const auto& t : e.doc.toc) headings.push_back(t.text);
  PutField(out, std::to_string(headings.size()) + "\n" + JoinLines(headings));
  PutField(out, std::to_string(e.doc.glossary_terms.size()) + "\n" + JoinLines(e.doc.glossary_terms));
  PutField(out, std::to_string(e.doc.diagnostics.size()));
  for (const Diagnostic& d : e.doc.diagnostics) {
    PutField(out, d.pos.file);
    PutField(out, std::to_string(d.pos.line));
    PutField(out, d.severity == Severity::kError ? "e" : "w");
    PutField(out, d.message);
    PutField(out, d.rule);
    PutField(out, d.stage);
  }
}

// Reads fields from a buffer; any overrun sets failed().
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  std::string_view Field() {
    if (failed_ || data_.size() - at_ < 4) return Fail();
    const auto* p = reinterpret_cast<const unsigned char*>(data_.data() + at_);
    size_t n = p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<size_t>(p[3]) << 24);
    at_ += 4;
    if (data_.size() - at_ < n) return Fail();
    std::string_view out = data_.substr(at_, n);
    at_ += n;
    return out;
  }
  size_t Number() {
    std::string_view f = Field();
    size_t n = 0;
    if (f.empty() || f.size() > 9) return Fail(), kNoField;
    for (char c : f) {
      if (c < '0' || c > '9') return Fail(), kNoField;
      n = n * 10 + static_cast<size_t>(c - '0');
    }
    return n;
  }
  // "COUNT\nitem\nitem": the items.
  std::vector<std::string> Lines() {
    std::string_view f = Field();
    size_t nl = f.find('\n');
    if (failed_ || nl == std::string_view::npos) return Fail(), std::vector<std::string>{};
    size_t count = 0;
    for (char c : f.substr(0, nl)) {
      if (c < '0' || c > '9' || count > 1000000) return Fail(), std::vector<std::string>{};
      count = count * 10 + static_cast<size_t>(c - '0');
    }
    std::string_view rest = f.substr(nl + 1);
    size_t newlines = static_cast<size_t>(std::count(rest.begin(), rest.end(), '\n'));
    if ((count == 0 && !rest.empty()) || (count > 0 && newlines + 1 != count))
      return Fail(), std::vector<std::string>{};
    return SplitLines(rest, count);
  }
  bool done() const { return at_ == data_.size(); }
  bool failed() const { return failed_; }

 private:
  std::string_view Fail() {
    failed_ = true;
    return {};
  }
  std::string_view data_;
  size_t at_ = 0;
  bool failed_ = false;
};

bool ReadRecord(Reader& r, std::string* path, ArticleCache::Entry* e) {
  *path = std::string(r.Field());
  e->key = std::string(r.Field());
  e->search_glossary = std::string(r.Field());
  std::string grade(r.Field());
  char* end = nullptr;
  e->grade = std::strtod(grade.c_str(), &end);
  if (grade.empty() || end != grade.c_str() + grade.size()) return false;
  e->doc.plain_text = std::string(r.Field());
  e->doc.cited = r.Lines();
  for (std::string& text : r.Lines()) e->doc.toc.push_back(markup::TocEntry{2, "", std::move(text)});
  e->doc.glossary_terms = r.Lines();
  size_t n = r.Number();
  for (size_t i = 0; i < n && !r.failed(); ++i) {
    Diagnostic d;
    d.pos.file = std::string(r.Field());
    d.pos.line = static_cast<int>(r.Number());
    d.severity = r.Field() == "e" ? Severity::kError : Severity::kWarning;
    d.message = std::string(r.Field());
    d.rule = std::string(r.Field());
    d.stage = std::string(r.Field());
    e->doc.diagnostics.push_back(std::move(d));
  }
  return !r.failed();
}

Status WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::Io(std::strerror(errno));
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

const ArticleCache::Entry* ArticleCache::Find(const std::string& path, const std::string& key) const {
  auto it = entries_.find(path);
  return it == entries_.end() || it->second.key != key ? nullptr : &it->second;
}

ArticleCache::Entry* ArticleCache::FindMutable(const std::string& path, const std::string& key) {
  auto it = entries_.find(path);
  return it == entries_.end() || it->second.key != key ? nullptr : &it->second;
}

void ArticleCache::Put(const std::string& path, Entry entry) {
  auto [it, fresh] = entries_.try_emplace(path);
  bool same = !fresh && it->second.key == entry.key;
  it->second = std::move(entry);
  if (!same) changed_.insert(path);
}

void ArticleCache::Retain(const std::unordered_set<std::string>& paths) {
  std::erase_if(entries_, [&](const auto& e) { return !paths.count(e.first); });
  std::erase_if(changed_, [&](const std::string& p) { return !entries_.count(p); });
}

ArticleCache ArticleCache::ReadFile(const std::string& file) {
  ArticleCache cache;
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return cache;
  struct stat st {};
  void* map = MAP_FAILED;
  if (::fstat(fd, &st) == 0 && st.st_size > 0)
    map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return cache;
  ::madvise(map, static_cast<size_t>(st.st_size), MADV_SEQUENTIAL);
  std::string_view data(static_cast<const char*>(map), static_cast<size_t>(st.st_size));
  if (data.substr(0, kMagic.size()) == kMagic) {
    Reader r(data.substr(kMagic.size()));
    while (!r.done()) {
      std::string path;
      Entry e;
      if (!ReadRecord(r, &path, &e)) {  // cut short: keep what came before,
        cache.records_ = 0;             // and write the file anew next time
        break;
      }
      cache.entries_[std::move(path)] = std::move(e);
      ++cache.records_;
    }
  }
  ::munmap(map, static_cast<size_t>(st.st_size));
  return cache;
}

Status ArticleCache::WriteFile(const std::string& file) {
  // Appends the changed entries, unless the file would then hold more than
  // twice as many records as live entries: then it is written anew.
  bool rewrite = records_ == 0 || records_ + changed_.size() > 2 * entries_.size() + 16;
  std::string out;
  if (rewrite) out.append(kMagic);
  size_t written = 0;
  auto put = [&](const std::string& path, const Entry& e) {
    if (!Cacheable(e)) return;
    PutRecord(out, path, e);
    ++written;
  };
  if (rewrite) {
    for (const auto& [path, e] : entries_) put(path, e);
  } else {
    for (const std::string& path : changed_)
      if (auto it = entries_.find(path); it != entries_.end()) put(path, it->second);
  }
  if (!rewrite && written == 0) return Status::Ok();
  const std::string target = rewrite ? file + ".tmp." + std::to_string(::getpid()) : file;
  int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (rewrite ? O_TRUNC : O_APPEND), 0644);
  if (fd < 0) return Status::Io("cannot write " + target + ": " + std::strerror(errno));
  Status status = WriteAll(fd, out);
  if (::close(fd) != 0 && status.ok()) status = Status::Io(std::strerror(errno));
  if (status.ok() && rewrite && std::rename(target.c_str(), file.c_str()) != 0)
    status = Status::Io("cannot replace " + file + ": " + std::strerror(errno));
  if (!status.ok()) {
    if (rewrite) ::unlink(target.c_str());
    return Status::Io("cannot write " + target + ": " + status.message());
  }
  records_ = rewrite ? written : records_ + written;
  changed_.clear();
  return Status::Ok();
}

}  // namespace vetted::publish
