// The real disk (POSIX calls, safe from any thread) and the in-memory fake.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "load/load.h"
#include "util/util.h"

namespace vetted::load {
namespace {

Status ErrnoStatus(const std::string& path) {
  int err = errno;
  std::string message = path + ": " + std::strerror(err);
  if (err == ENOENT || err == ENOTDIR) return Status::NotFound(message);
  return Status::Io(message);
}

class DiskFileSystem : public FileSystem {
 public:
  Result<std::string> Read(const std::string& path) const override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(path);
    struct stat st;
    if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
      ::close(fd);
      return Status::Io(path + ": not a regular file");
    }
    std::string data;
    // One spare byte, so reaching end of file needs no reallocation.
    data.resize(static_cast<size_t>(st.st_size) + 1);
    size_t got = 0;
    for (;;) {
      if (got == data.size()) data.resize(data.size() + 4096 + data.size() / 2);  // file grew
      ssize_t n = ::read(fd, data.data() + got, data.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        Status s = ErrnoStatus(path);
        ::close(fd);
        return s;
      }
      if (n == 0) break;
      got += static_cast<size_t>(n);
    }
    ::close(fd);
    data.resize(got);
    return data;
  }

  Result<std::vector<DirEntry>> List(const std::string& dir) const override {
    DIR* d = ::opendir(dir.c_str());
    if (!d) return ErrnoStatus(dir);
    std::vector<DirEntry> entries;
    while (struct dirent* e = ::readdir(d)) {
      if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
      DirEntry entry;
      entry.name = e->d_name;
      if (e->d_type == DT_DIR) {
        entry.is_dir = true;
      } else if (e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) {
        entry.is_dir = IsDir(dir + "/" + entry.name);
      }
      entries.push_back(std::move(entry));
    }
    ::closedir(d);
    std::sort(entries.begin(), entries.end(),
              [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    return entries;
  }

  bool IsDir(const std::string& path) const override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }
};

std::string Normal(std::string_view path) {
  while (util::StartsWith(path, "./")) path.remove_prefix(2);
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return std::string(path);
}

}  // namespace

const FileSystem& Disk() {
  static const DiskFileSystem disk;
  return disk;
}

void MemoryFileSystem::Add(const std::string& path, std::string contents) {
  files_[Normal(path)] = std::move(contents);
}

Result<std::string> MemoryFileSystem::Read(const std::string& path) const {
  auto it = files_.find(Normal(path));
  if (it == files_.end()) return Status::NotFound(path + ": no such file");
  return it->second;
}

Result<std::vector<DirEntry>> MemoryFileSystem::List(const std::string& dir) const {
  std::string prefix = Normal(dir);
  if (prefix != ".") prefix.push_back('/');
  std::map<std::string, bool> names;  // name -> is_dir
  for (auto it = prefix == "." ? files_.begin() : files_.lower_bound(prefix);
       it != files_.end() && (prefix == "." || util::StartsWith(it->first, prefix)); ++it) {
    std::string_view rest = std::string_view(it->first).substr(prefix == "." ? 0 : prefix.size());
    size_t slash = rest.find('/');
    names[std::string(rest.substr(0, slash))] |= slash != std::string_view::npos;
  }
  if (names.empty()) return Status::NotFound(dir + ": no such folder");
  std::vector<DirEntry> entries;
  for (auto& [name, is_dir] : names) entries.push_back({name, is_dir});
  return entries;
}

bool MemoryFileSystem::IsDir(const std::string& path) const {
  std::string prefix = Normal(path);
  if (prefix == ".") return !files_.empty();
  prefix.push_back('/');
  auto it = files_.lower_bound(prefix);
  return it != files_.end() && util::StartsWith(it->first, prefix);
}

}  // namespace vetted::load
