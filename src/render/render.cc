#include "render/render.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>

#include "render/feeds.h"
#include "render/pages.h"
#include "render/site_index.h"
#include "util/util.h"

namespace vetted::render {
namespace {

// One output file to produce.
struct Job {
  enum Kind {
    kArticle,
    kSection,
    kPage,
    kPerson,
    kReviewBoard,
    kGlossary,
    kHome,
    kNotFound,
    kAlias,
    kSitemap,
    kFeed,
    kRobots,
    kAsset
  };
  Kind kind;
  size_t index = 0;                // article, section, page or asset index
  const Person* person = nullptr;  // kPerson
  std::string path;                // output path
};

// "a/b/" -> "a/b/index.html"; "/" -> "index.html".
std::string OutputPath(std::string_view url) {
  while (!url.empty() && url.front() == '/') url.remove_prefix(1);
  std::string path(url);
  if (path.empty() || path.back() == '/') path += "index.html";
  return path;
}

// Pages whose body becomes the intro of a generated page instead of a page of its own.
bool IsAbsorbedPage(const Page& p) {
  return p.slug == "review-board" || p.slug == "glossary";
}

std::vector<Job> PlanJobs(const SiteIndex& index) {
  const Site& site = index.site();
  std::vector<Job> jobs;
  jobs.reserve(site.articles.size() * 2 + site.sections.size() + site.people.size() + 32);
  // The few large or slow files first, so that threads finish together.
  jobs.push_back({Job::kSitemap, 0, nullptr, "sitemap.xml"});
  jobs.push_back({Job::kFeed, 0, nullptr, "feed.xml"});
  for (const auto& [id, person] : site.people)
    jobs.push_back({Job::kPerson, 0, &person, "people/" + id + "/index.html"});
  for (size_t i = 0; i < site.sections.size(); ++i)
    jobs.push_back({Job::kSection, i, nullptr, OutputPath(site.sections[i].url)});
  jobs.push_back({Job::kHome, 0, nullptr, "index.html"});
  jobs.push_back({Job::kReviewBoard, 0, nullptr, "review-board/index.html"});
  jobs.push_back({Job::kGlossary, 0, nullptr, "glossary/index.html"});
  jobs.push_back({Job::kNotFound, 0, nullptr, "404.html"});
  jobs.push_back({Job::kRobots, 0, nullptr, "robots.txt"});
  for (size_t i = 0; i < index.assets().size(); ++i)
    jobs.push_back({Job::kAsset, i, nullptr, index.assets()[i].path});
  for (size_t i = 0; i < site.pages.size(); ++i) {
    const Page& p = site.pages[i];
    if (!IsAbsorbedPage(p))
      jobs.push_back({Job::kPage, i, nullptr, OutputPath(p.url.empty() ? p.slug + "/" : p.url)});
  }
  for (size_t i = 0; i < site.articles.size(); ++i) {
    jobs.push_back({Job::kArticle, i, nullptr, OutputPath(site.articles[i].url)});
    for (const auto& alias : site.articles[i].aliases) {
      std::string path = AliasPath(alias);
      if (!path.empty()) jobs.push_back({Job::kAlias, i, nullptr, std::move(path)});
    }
  }
  return jobs;
}

Result<std::string> RunJob(const Job& job, const SiteIndex& index, PageRenderer& r,
                           std::vector<Diagnostic>* diagnostics) {
  switch (job.kind) {
    case Job::kArticle:
      return r.ArticlePage(job.index, diagnostics);
    case Job::kSection:
      return r.SectionPage(job.index);
    case Job::kPage:
      return r.StandalonePage(job.index);
    case Job::kPerson:
      return r.PersonPage(*job.person);
    case Job::kReviewBoard:
      return r.ReviewBoardPage();
    case Job::kGlossary:
      return r.GlossaryPage();
    case Job::kHome:
      return r.HomePage();
    case Job::kNotFound:
      return r.NotFoundPage();
    case Job::kAlias:
      return r.RedirectPage(job.index);
    case Job::kSitemap:
      return SitemapXml(index);
    case Job::kFeed:
      return AtomFeed(index);
    case Job::kRobots:
      return RobotsTxt(index);
    case Job::kAsset:
      return *index.assets()[job.index].bytes;
  }
  return Status::Internal("unknown render job");
}

}  // namespace

Status RenderSite(const Site& site, const markup::SiteDocs& docs, const Options& options, const Emit& emit) {
  try {
    SiteIndex index(site, docs);
    Result<std::shared_ptr<const Templates>> templates = Templates::Parse(index);
    if (!templates.ok()) return templates.status();
    std::vector<Job> jobs = PlanJobs(index);

    std::atomic<size_t> next{0}, articles_done{0};
    std::atomic<bool> failed{false};
    std::mutex mu;
    Status first_error;
    auto fail = [&](Status s) {
      std::lock_guard<std::mutex> lock(mu);
      if (first_error.ok()) first_error = std::move(s);
      failed = true;
    };
    size_t workers = std::max<size_t>(1, std::min<size_t>(util::WorkerCount(), jobs.size()));
    util::ParallelFor(workers, [&](size_t) {
      try {
        PageRenderer renderer(index, **templates);
        for (size_t j; !failed.load(std::memory_order_relaxed) && (j = next.fetch_add(1)) < jobs.size();) {
          std::vector<Diagnostic> found;
          Result<std::string> bytes = RunJob(jobs[j], index, renderer, &found);
          if (!found.empty() && options.diagnostics) options.diagnostics(std::move(found));
          if (!bytes.ok()) {
            fail(Status::Invalid(jobs[j].path + ": " + bytes.status().message()));
            return;
          }
          emit(jobs[j].path, std::move(bytes).value());
          if (jobs[j].kind == Job::kArticle && options.progress) {
            options.progress(articles_done.fetch_add(1) + 1, site.articles.size());
          }
        }
      } catch (const std::exception& e) {
        fail(Status::Internal(std::string("render: ") + e.what()));
      }
    });
    return first_error;
  } catch (const std::exception& e) {
    return Status::Internal(std::string("render: ") + e.what());
  }
}

}  // namespace vetted::render
