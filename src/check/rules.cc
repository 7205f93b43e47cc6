// The check-stage rules. Each is one function over the whole site that adds
// diagnostics to its Sink; all are linear in the size of the site.
#include "check/rules.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "util/util.h"

namespace vetted::check::internal {
namespace {

// The line of a front-matter key, or 0 (the whole file) when unknown.
int KeyLine(const std::map<std::string, int>& key_lines, const std::string& key) {
  auto it = key_lines.find(key);
  return it == key_lines.end() ? 0 : it->second;
}

SourcePos At(const Article& a, const std::string& key) {
  return SourcePos{a.file, KeyLine(a.key_lines, key)};
}

std::string Quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  out.append(s);
  out.push_back('"');
  return out;
}

// The article's latest review: the greatest date, the later entry on a tie;
// nullptr when there is none.
const Review* LatestReview(const Article& a) {
  const Review* latest = nullptr;
  for (const auto& r : a.reviewers)
    if (latest == nullptr || !(r.date < latest->date)) latest = &r;
  return latest;
}

// ---- unknown-person -------------------------------------------------------

// " (no people/ID.md); did you mean \"x\"?" for an unknown person id.
std::string NoSuchPerson(const std::string& id, const std::vector<std::string>& ids) {
  std::string out = " is not a known person (no people/" + id + ".md)";
  std::string close = util::ClosestMatch(id, ids);
  if (!close.empty()) out += "; did you mean " + Quoted(close) + "?";
  return out;
}

void UnknownPerson(const Input& in, Sink& sink) {
  std::vector<std::string> ids;  // filled on the first unknown id
  auto unknown = [&](const std::string& id) {
    if (ids.empty())
      for (const auto& [known, person] : in.site.people) ids.push_back(known);
    return NoSuchPerson(id, ids);
  };
  auto check_list = [&](const Article& a, const std::vector<std::string>& list, const std::string& key,
                        const char* what) {
    for (const auto& id : list)
      if (!id.empty() && in.site.FindPerson(id) == nullptr)
        sink.Add(At(a, key), std::string(what) + " " + Quoted(id) + unknown(id));
  };
  for (const auto& a : in.site.articles) {
    check_list(a, a.authors, "authors", "author");
    for (const auto& r : a.reviewers)
      if (!r.by.empty() && in.site.FindPerson(r.by) == nullptr)
        sink.Add(SourcePos{a.file, r.line ? r.line : KeyLine(a.key_lines, "reviewers")},
                 "reviewer " + Quoted(r.by) + unknown(r.by));
    check_list(a, a.fact_checkers, "fact_checkers", "fact checker");
  }
}

// ---- uncited-reference ----------------------------------------------------

void AddCitedKeys(const markup::Document& doc, std::unordered_set<std::string>& keys) {
  for (const auto& k : doc.cited) keys.insert(k);
}

void UncitedReference(const Input& in, Sink& sink) {
  const auto& articles = in.site.articles;
  const auto& docs = in.docs;
  // Keys that resolve to the site bibliography somewhere: an article's own
  // inline reference of the same key takes precedence over the bibliography.
  std::unordered_set<std::string> site_cited;
  for (size_t i = 0; i < articles.size() && i < docs.articles.size(); ++i) {
    const Article& a = articles[i];
    std::unordered_set<std::string_view> inline_keys,
        cited(docs.articles[i].cited.begin(), docs.articles[i].cited.end());
    for (const auto& ref : a.references) inline_keys.insert(ref.id);
    for (const auto& key : docs.articles[i].cited)
      if (!inline_keys.count(key)) site_cited.insert(key);
    for (const auto& ref : a.references) {
      if (cited.count(ref.id)) continue;
      SourcePos pos = ref.pos.file.empty() ? At(a, "references") : ref.pos;
      sink.Add(pos, "reference " + Quoted(ref.id) + " is never cited in this article");
    }
  }
  for (const auto& d : docs.sections) AddCitedKeys(d, site_cited);
  for (const auto& d : docs.pages) AddCitedKeys(d, site_cited);
  for (const auto& [id, d] : docs.people) AddCitedKeys(d, site_cited);
  for (const auto& [id, d] : docs.callouts) AddCitedKeys(d, site_cited);
  if (docs.articles.size() < articles.size()) return;  // not every article rendered: cannot tell
  for (const auto& ref : in.site.bibliography)
    if (!site_cited.count(ref.id))
      sink.Add(ref.pos, "bibliography entry " + Quoted(ref.id) + " is cited by no article");
}

// ---- duplicate-url --------------------------------------------------------

struct Producer {
  std::string what;  // "the article content/a/b.md"
  SourcePos pos;
};

// Aliases as written may lack the leading or trailing '/'.
std::string NormalizeUrl(std::string_view url) {
  std::string out(util::Trim(url));
  if (out.empty() || out[0] != '/') out.insert(out.begin(), '/');
  size_t slash = out.rfind('/');
  if (out.back() != '/' && out.find('.', slash) == std::string::npos) out.push_back('/');
  return out;
}

std::string SectionFile(const Section& s) {
  if (!s.file.empty()) return s.file;
  std::string out = "content";
  for (const auto& part : s.path) out += "/" + part;
  return out + "/";
}

void DuplicateUrl(const Input& in, Sink& sink) {
  const Site& site = in.site;
  std::unordered_map<std::string, Producer> seen;
  seen.reserve(site.articles.size() * 2 + site.sections.size() + site.pages.size() + site.people.size() + 4);
  auto claim = [&](const std::string& url, Producer p) {
    auto [it, inserted] = seen.try_emplace(url, p);
    if (inserted) return;
    sink.Add(p.pos, "duplicate URL " + url + ": " + p.what + " has the same URL as " + it->second.what);
  };
  // pages/review-board.md, pages/glossary.md, pages/people.md supply those pages' intros.
  bool has_page[3] = {false, false, false};
  for (const auto& p : site.pages) {
    if (p.url == "/review-board/") has_page[0] = true;
    if (p.url == "/glossary/") has_page[1] = true;
    if (p.url == "/people/") has_page[2] = true;
  }
  if (!has_page[0]) seen.try_emplace("/review-board/", Producer{"the built-in review board page", {}});
  if (!has_page[1]) seen.try_emplace("/glossary/", Producer{"the built-in glossary page", {}});
  if (!has_page[2]) seen.try_emplace("/people/", Producer{"the built-in people index", {}});
  for (const auto& a : site.articles) {  // the tag pages (render/tags.h)
    for (const auto& tag : a.tags) {
      std::string slug = util::Slugify(tag);
      if (slug.empty()) continue;
      seen.try_emplace("/tags/", Producer{"the built-in tag index", {}});
      seen.try_emplace("/tags/" + slug + "/", Producer{"the built-in page of the tag \"" + tag + "\"", {}});
    }
  }
  for (const auto& a : site.articles) claim(a.url, Producer{"the article " + a.file, SourcePos{a.file, 0}});
  for (const auto& s : site.sections)
    if (!s.path.empty())
      claim(s.url, Producer{"the section " + SectionFile(s), SourcePos{SectionFile(s), 0}});
  for (const auto& p : site.pages) claim(p.url, Producer{"the page " + p.file, SourcePos{p.file, 0}});
  for (const auto& [id, person] : site.people)
    claim("/people/" + id + "/", Producer{"the person " + person.pos.file, SourcePos{person.pos.file, 0}});
  for (const auto& a : site.articles)
    for (const auto& alias : a.aliases)
      claim(NormalizeUrl(alias), Producer{"an alias of " + a.file, At(a, "aliases")});
}

// ---- review-overdue, revision-changed -------------------------------------

void ReviewOverdue(const Input& in, Sink& sink) {
  const SiteConfig& config = in.site.config;
  for (const auto& a : in.site.articles) {
    const Review* latest = LatestReview(a);
    if (latest == nullptr) {
      sink.Add(At(a, "reviewers"), "not medically reviewed: the article has no reviewers");
      continue;
    }
    if (in.options.today.empty() || latest->date.empty()) continue;
    Date due = latest->date.AddMonths(ReviewIntervalMonths(config, a));
    std::string interval = a.review_interval_months > 0
                               ? std::to_string(a.review_interval_months) + " months (the article's own)"
                               : config.review_interval;
    if (due < in.options.today)
      sink.Add(SourcePos{a.file, latest->line},
               "review overdue: last medically reviewed on " + latest->date.Iso() + " by " + latest->by +
                   "; with review_interval " + interval + " the next review was due " + due.Iso());
  }
}

// The article's file as a command run where `vetted check` ran can name it.
std::string ShownPath(const Input& in, const Article& a) {
  const std::string& root = in.site.root;
  if (root.empty()) return a.file;
  return root.back() == '/' ? root + a.file : root + "/" + a.file;
}

// The latest review's revision differs from the article's. A review signed
// with vetted 0.1's body-only hash gets its own explanation; malformed values
// are malformed-revision's business.
void RevisionChanged(const Input& in, Sink& sink) {
  for (const auto& a : in.site.articles) {
    const Review* latest = LatestReview(a);
    if (latest == nullptr || !IsWellFormedRevision(latest->revision)) continue;
    std::string current = a.revision.empty() ? RevisionOf(a) : a.revision;
    if (ReviewCovers(a, *latest)) continue;  // the revision, or a non-clinical change's base
    std::string review = "the review by " + latest->by + " on " + latest->date.Iso();
    std::string sign = "vetted review sign " + ShownPath(in, a) + " --by " + latest->by + " --date " +
                       (latest->date.empty() ? std::string("YYYY-MM-DD") : latest->date.Iso());
    if (latest->revision == BodyRevisionOf(a.body)) {
      sink.Add(
          SourcePos{a.file, latest->line},
          review + " was signed with vetted 0.1's revision " + latest->revision +
              ", which covered the body only; a revision now covers everything a reader sees (title, "
              "description, image, references, body, ...), so the review no longer counts as current. Once " +
              latest->by + " confirms the whole article as it is now (revision " + current +
              "), re-sign it: " + sign);
      continue;
    }
    sink.Add(SourcePos{a.file, latest->line}, "text changed since " + review + " (reviewed revision " +
                                                  latest->revision + "); current revision is " + current +
                                                  ": see the change with `vetted diff " + ShownPath(in, a) +
                                                  "`; once re-reviewed, sign it with `vetted review sign " +
                                                  ShownPath(in, a) + " --by ID --date YYYY-MM-DD`");
  }
}

// Every review's revision must be "sha256:" + 64 lowercase hex: anything else
// (shortened, another prefix, upper case) can never match a revision.
void MalformedRevision(const Input& in, Sink& sink) {
  for (const auto& a : in.site.articles)
    for (const auto& r : a.reviewers) {
      if (r.revision.empty() || IsWellFormedRevision(r.revision)) continue;
      sink.Add(SourcePos{a.file, r.line},
               "the review by " + r.by + " on " + r.date.Iso() + " has a malformed revision " +
                   Quoted(r.revision) +
                   " (expected \"sha256:\" and 64 lowercase hex digits); it cannot count "
                   "as a review of any text. The article's revision is " +
                   a.revision);
    }
}

// The latest review names no revision: nothing ties it to a text, so later
// edits cannot be detected.
void UnpinnedReview(const Input& in, Sink& sink) {
  for (const auto& a : in.site.articles) {
    const Review* latest = LatestReview(a);
    if (latest == nullptr || !latest->revision.empty()) continue;
    sink.Add(SourcePos{a.file, latest->line},
             "the review by " + latest->by + " on " + latest->date.Iso() +
                 " names no revision, so later changes to the text cannot be detected; once " + latest->by +
                 " confirms the article as it is now, sign it with `vetted review sign " + ShownPath(in, a) +
                 " --by " + latest->by + " --date YYYY-MM-DD` (revision " + a.revision + ")");
  }
}

// ---- reviewer-credentials, self-review ------------------------------------

void ReviewerCredentials(const Input& in, Sink& sink) {
  for (const auto& a : in.site.articles)
    for (const auto& r : a.reviewers) {
      const Person* p = in.site.FindPerson(r.by);
      if (p == nullptr) continue;  // unknown-person says so
      SourcePos pos{a.file, r.line};
      if (!p->HasRole("medical-reviewer"))
        sink.Add(pos, "reviewer " + Quoted(r.by) + " (" + p->name +
                          ") does not have the medical-reviewer role in " + p->pos.file);
      if (util::Trim(p->credentials).empty())
        sink.Add(pos, "reviewer " + Quoted(r.by) + " (" + p->name + ") has no credentials in " + p->pos.file);
    }
}

void SelfReview(const Input& in, Sink& sink) {
  for (const auto& a : in.site.articles)
    for (const auto& r : a.reviewers)
      for (const auto& author : a.authors)
        if (!r.by.empty() && r.by == author) {
          sink.Add(SourcePos{a.file, r.line},
                   Quoted(r.by) +
                       " reviews an article they wrote; a medical review must come "
                       "from someone who is not an author");
          break;
        }
}

// ---- image-alt (front-matter images; body images are markup's) ------------

void ImageAlt(const Input& in, Sink& sink) {
  auto check = [&](const Image& image, const std::string& file, int fallback_line) {
    if (util::Trim(image.src).empty() || !util::Trim(image.alt).empty()) return;
    sink.Add(
        SourcePos{file, image.line ? image.line : fallback_line},
        "image " + Quoted(image.src) + " has no alt text (add alt: a short description of what it shows)");
  };
  for (const auto& a : in.site.articles) check(a.image, a.file, KeyLine(a.key_lines, "image"));
  for (const auto& [id, p] : in.site.people) check(p.image, p.pos.file, 0);
}

// ---- missing-image (front-matter images; remote ones are not checked) ------

// The file under static/ that an image URL names, relative paths resolved
// against the page's URL: "/img/a.jpg" -> "img/a.jpg"; on the page
// "/a/b/", "c.png" -> "a/b/c.png". "" for remote (http:, //host), data: and
// other URLs with a scheme, which name no file of the site.
std::string StaticPathOf(std::string_view src, std::string_view page_url) {
  src = util::Trim(src);
  src = src.substr(0, src.find_first_of("?#"));
  if (src.empty() || util::StartsWith(src, "//")) return "";
  size_t colon = src.find(':');
  if (colon != std::string_view::npos && src.find('/') > colon) return "";
  std::string decoded;
  if (!util::PercentDecode(src, &decoded)) decoded = std::string(src);
  std::string joined = decoded[0] == '/' ? decoded : std::string(page_url) + "/" + decoded;
  std::vector<std::string_view> parts;
  for (std::string_view part : util::Split(joined, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  for (auto part : parts) out.append(out.empty() ? "" : "/").append(part);
  return out;
}

void MissingImage(const Input& in, Sink& sink) {
  std::unordered_set<std::string_view> files;
  files.reserve(in.site.static_files.size());
  for (const auto& f : in.site.static_files) files.insert(f.relative_path);
  auto check = [&](const Image& image, const std::string& page_url, const std::string& file,
                   int fallback_line) {
    std::string path = StaticPathOf(image.src, page_url);
    if (path.empty() || files.count(path)) return;
    sink.Add(
        SourcePos{file, image.line ? image.line : fallback_line},
        "image " + Quoted(util::Trim(image.src)) + " names no file of the site (no static/" + path + ")");
  };
  for (const auto& a : in.site.articles) check(a.image, a.url, a.file, KeyLine(a.key_lines, "image"));
  for (const auto& [id, p] : in.site.people) check(p.image, "/people/" + id + "/", p.pos.file, 0);
}

// ---- readability -----------------------------------------------------------

void Readability(const Input& in, Sink& sink) {
  const auto& articles = in.site.articles;
  size_t n = std::min(articles.size(), in.docs.articles.size());
  double limit = in.options.max_grade >= 0 ? in.options.max_grade : in.site.config.readability_max_grade;
  std::vector<double> grades(n);
  const std::vector<double>* known = in.options.known_grades;
  util::ParallelFor(n, [&](size_t i) {
    bool have = known && i < known->size() && !std::isnan((*known)[i]);
    grades[i] = have ? (*known)[i] : FleschKincaidGrade(in.docs.articles[i].plain_text);
  });
  for (size_t i = 0; i < n; ++i) {
    if (grades[i] <= limit) continue;
    char buf[160];
    std::snprintf(buf, sizeof buf, "reading grade %.1f (Flesch-Kincaid) is above the limit of %.1f",
                  grades[i], limit);
    sink.Add(SourcePos{articles[i].file, articles[i].body_line}, buf);
  }
}

// ---- the editorial process page --------------------------------------------

// The theme links to /editorial-process/ from bylines, the footer and the
// home page; without the page those links are left out, and check says so.
void MissingEditorialProcess(const Input& in, Sink& sink) {
  for (const Page& p : in.site.pages)
    if (p.slug == "editorial-process") return;
  sink.Add(SourcePos{"pages/editorial-process.md", 0},
           "the site has no editorial process page: health readers and search engines expect one; write "
           "pages/editorial-process.md (how articles are written, reviewed and corrected). Until then "
           "pages carry no link to it");
}

}  // namespace

const std::vector<CheckRule>& CheckRules() {
  static const std::vector<CheckRule> kRules = {
      {"unknown-person", UnknownPerson},
      {"uncited-reference", UncitedReference},
      {"duplicate-url", DuplicateUrl},
      {"review-overdue", ReviewOverdue},
      {"revision-changed", RevisionChanged},
      {"malformed-revision", MalformedRevision},
      {"unpinned-review", UnpinnedReview},
      {"reviewer-credentials", ReviewerCredentials},
      {"self-review", SelfReview},
      {"image-alt", ImageAlt},
      {"missing-image", MissingImage},
      {"readability", Readability},
      {"missing-editorial-process", MissingEditorialProcess},
  };
  return kRules;
}

}  // namespace vetted::check::internal
