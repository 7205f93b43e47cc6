// Phases 2 to 4 into a folder: validate, render every page, publish into a
// staging folder that replaces the output only when all went well.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>

#include "publish/publish.h"
#include "render/render.h"

namespace vetted::publish {
namespace fs = std::filesystem;
namespace {

// Marks an output folder as vetted's own, so a rebuild may replace it.
constexpr const char* kOutputMarker = ".vetted-output";

// "public/" -> "public"; the staging and old folders are its siblings.
fs::path Normalized(const std::string& out) {
  fs::path p = fs::path(out).lexically_normal();
  if (p.has_filename()) return p;
  return p.parent_path();
}
fs::path Sibling(const fs::path& out, const char* suffix) {
  return out.parent_path() / (out.filename().string() + suffix);
}

// A fresh, empty staging folder beside `out`.
Status MakeStaging(const fs::path& staging) {
  std::error_code ec;
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  if (ec) return Status::Io("cannot create " + staging.string() + ": " + ec.message());
  std::ofstream(staging / kOutputMarker)
      << "This folder is written by `vetted build`; it is replaced on each build.\n";
  return Status::Ok();
}

// Puts the finished staging folder in the place of `out`.
Status Swap(const fs::path& staging, const fs::path& out) {
  std::error_code ec;
  fs::path old = Sibling(out, ".vetted-old");
  fs::remove_all(old, ec);
  if (fs::exists(out, ec)) {
    fs::rename(out, old, ec);
    if (ec) return Status::Io("cannot move the previous " + out.string() + " aside: " + ec.message());
  }
  fs::rename(staging, out, ec);
  if (ec) return Status::Io("cannot move " + staging.string() + " to " + out.string() + ": " + ec.message());
  fs::remove_all(old, ec);
  return Status::Ok();
}

// Thread-safe file writer for the publish phase; records the first error.
class Publisher {
 public:
  explicit Publisher(fs::path root) : root_(std::move(root)) {}

  void Write(const std::string& rel, const std::string& bytes) {
    if (rel.empty() || rel.find("..") != std::string::npos || rel[0] == '/') {
      Fail("refusing to write outside the output folder: " + rel);
      return;
    }
    std::string path = root_.string() + "/" + rel;
    if (!MakeParent(path) || !WriteFile(path, bytes)) {
      Fail("cannot write " + path + ": " + std::strerror(errno));
      return;
    }
    files_.fetch_add(1, std::memory_order_relaxed);
    if (rel.size() > 5 && rel.compare(rel.size() - 5, 5, ".html") == 0)
      pages_.fetch_add(1, std::memory_order_relaxed);
  }

  // Creates the folder holding `path`. One mkdir in the common case (the
  // grandparent exists); the whole chain only when that fails.
  static bool MakeParent(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return true;
    std::string dir = path.substr(0, slash);
    if (::mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST) return true;
    std::error_code ec;
    fs::create_directories(dir, ec);
    return !ec;
  }

  static bool WriteFile(const std::string& path, const std::string& bytes) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ::close(fd);
        return false;
      }
      done += static_cast<size_t>(n);
    }
    return ::close(fd) == 0;
  }

  size_t files() const { return files_.load(); }
  size_t pages() const { return pages_.load(); }
  const std::string& error() const { return error_; }

  void Fail(std::string message) {
    std::lock_guard<std::mutex> lock(mu_);
    if (error_.empty()) error_ = std::move(message);
  }

 private:
  fs::path root_;
  std::atomic<size_t> files_{0}, pages_{0};
  std::mutex mu_;
  std::string error_;
};

void Phase(const FolderOptions& o, const char* name) {
  if (o.phase) o.phase(name);
}

// Phases 3 and 4: renders every page into `staging`; article markup
// diagnostics are added to *found. The first render or write failure is the
// returned Status.
Status RenderInto(const Site& site, const markup::SiteDocs& docs, const FolderOptions& o,
                  const std::atomic<bool>* cancel, std::vector<Diagnostic>* found, Publisher& publisher) {
  std::mutex found_mu;
  render::Options options;
  options.cancel = cancel;
  options.output = render::Options::Output::kStatic;  // files on a host that cannot take feedback
  options.related = o.related;
  if (o.progress) options.progress = o.progress;
  // The static search (search/index.html and its index) indexes what the
  // server's search does: publish::SearchText of every article, with the
  // glossary field made by the index from the glossary terms it mentions.
  // VETTED_BENCH_NO_STATIC_SEARCH=1 leaves the static search out: for
  // bench/static-search-cost.sh only (the pages still link to /search/).
  if (!std::getenv("VETTED_BENCH_NO_STATIC_SEARCH"))
    options.search_text = [&site](size_t i, const markup::Document& doc) {
      store::SearchDocument text = SearchText(site.articles[i], doc);
      return render::SearchFields{std::move(text.title),    std::move(text.description),
                                  std::move(text.headings), std::move(text.tags),
                                  std::move(text.body),     &doc.glossary_terms};
    };
  options.diagnostics = [&](std::vector<Diagnostic> d) {
    std::lock_guard<std::mutex> lock(found_mu);
    found->insert(found->end(), std::make_move_iterator(d.begin()), std::make_move_iterator(d.end()));
  };
  Status rendered = render::RenderSite(
      site, docs, options, [&](const std::string& path, std::string bytes) { publisher.Write(path, bytes); });
  for (const auto& file : site.static_files) {
    Result<std::string> bytes =
        o.read_static ? o.read_static(file) : Result<std::string>(Status::Internal("no static file reader"));
    if (bytes.ok()) {
      publisher.Write(file.relative_path, *bytes);
    } else {
      publisher.Fail("cannot read " + file.source_path + ": " + bytes.status().message());
    }
  }
  if (!rendered.ok()) return Status::Invalid("render: " + rendered.message());
  if (!publisher.error().empty()) return Status::Io("publish: " + publisher.error());
  return Status::Ok();
}

}  // namespace

bool FeedbackUnconfigured(const SiteConfig& config, Diagnostic* out) {
  if (!config.feedback_endpoint.empty() || !config.feedback_report.empty()) return false;
  int line = 1;
  if (auto l = config.key_lines.find("base_url"); l != config.key_lines.end()) line = l->second;
  *out = Diagnostic{SourcePos{"site.toml", line}, Severity::kWarning,
                    "the built pages have no feedback form, because a static host cannot take feedback: set "
                    "`feedback_endpoint` (a vetted server, e.g. \"https://feedback.example.org/\") or "
                    "`feedback_report` (e.g. \"mailto:editors@example.org\") in site.toml (docs/writing.md)",
                    "feedback-unconfigured", "publish"};
  return true;
}

Status CheckOutputFolder(const std::string& out_arg) {
  const fs::path out = Normalized(out_arg);
  std::error_code ec;
  if (!fs::exists(out, ec)) return Status::Ok();
  if (!fs::is_directory(out, ec)) return Status::Invalid(out.string() + " exists and is not a folder");
  if (!fs::is_empty(out, ec) && !fs::exists(out / kOutputMarker, ec)) {
    return Status::Invalid(out.string() +
                           " is not empty and was not written by vetted; choose another output folder");
  }
  return Status::Ok();
}

Result<FolderReport> ToFolder(const Site& site, const FolderOptions& o) {
  const fs::path out = Normalized(o.out);
  if (Status ok = CheckOutputFolder(o.out); !ok.ok()) return ok;
  // Phase 2: every Markdown text but the articles' is rendered and resolved
  // against the site, and validated; article bodies are rendered (once) with
  // their pages, so that no more than a few are in memory at once.
  markup::SiteDocs docs = markup::RenderSite(site, markup::ArticleMode::kArticlesOnDemand);
  ValidateOptions validate = o.validate;
  validate.article_markup = false;  // the render phase reports them
  FolderReport report;
  // The validation (mostly one thread's work) runs beside the render instead
  // of before it; when it refuses the site, the render stops at its next page
  // and the staging folder is removed, as if the render had never started.
  std::atomic<bool> refused{false};
  std::future<void> validated = std::async(std::launch::async, [&] {
    report.diagnostics = Validate(site, docs, validate);
    if (Diagnostic d; FeedbackUnconfigured(site.config, &d)) {
      report.diagnostics.push_back(std::move(d));
      Normalize(report.diagnostics);
    }
    if (report.refused()) refused = true;
  });
  struct Join {  // the validation reads locals: never leave before it ends
    std::future<void>& f;
    ~Join() {
      if (f.valid()) f.wait();
    }
  } join{validated};
  // The phase timer's "validate" is the site documents' markup; the checks
  // themselves go on beside the render and count in "render+publish".
  Phase(o, "validate");

  // Phases 3 and 4: render every page and publish it into a staging folder as
  // it is ready; the staging folder replaces the output only when all is well.
  const fs::path staging = Sibling(out, ".vetted-tmp");
  Status staged = MakeStaging(staging);
  std::vector<Diagnostic> found;
  Status written = Status::Ok();
  std::optional<Publisher> publisher;
  if (staged.ok()) {
    publisher.emplace(staging);
    written = RenderInto(site, docs, o, &refused, &found, *publisher);
  }
  validated.get();
  std::error_code ec;
  if (report.refused()) {
    if (staged.ok()) fs::remove_all(staging, ec);
    return report;
  }
  if (!staged.ok()) return staged;
  Phase(o, "render+publish");
  if (!found.empty()) {
    report.diagnostics.insert(report.diagnostics.end(), std::make_move_iterator(found.begin()),
                              std::make_move_iterator(found.end()));
    Normalize(report.diagnostics);
  }
  if (report.refused() || !written.ok()) {
    fs::remove_all(staging, ec);
    if (!written.ok() && !report.refused()) return written;
    return report;
  }
  if (Status ok = Swap(staging, out); !ok.ok()) return ok;
  Phase(o, "swap");
  report.pages = publisher->pages();
  report.files = publisher->files();
  return report;
}

}  // namespace vetted::publish
