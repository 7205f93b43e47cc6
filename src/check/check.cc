// The rule table, Run() (merge, apply, sort, deduplicate) and JSON output.
#include "check/check.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <tuple>
#include <unordered_set>

#include "check/rules.h"
#include "util/util.h"

namespace vetted::check {
namespace {

constexpr Severity kE = Severity::kError;
constexpr Severity kW = Severity::kWarning;

Severity SeverityOf(std::string_view id) {
  for (const auto& r : Rules())
    if (r.id == id) return r.severity;
  return Severity::kError;
}

void Append(std::vector<Diagnostic>& out, const std::vector<Diagnostic>& more) {
  out.insert(out.end(), more.begin(), more.end());
}

auto Key(const Diagnostic& d) {
  return std::tie(d.pos.file, d.pos.line, d.rule, d.message, d.severity);
}

// Findings that still stand when an article's front matter could not be read:
// they come from its file name or its body alone. Every other check-stage
// finding for such an article, and an unknown-citation (the key may be one of
// its unread inline references), only follows from the unread front matter.
bool StandsWithoutFrontMatter(const Diagnostic& d) {
  if (d.stage == "check") return d.rule == "duplicate-url" || d.rule == "readability";
  return d.rule != "unknown-citation";
}

// Drops the findings about articles whose front matter failed that only
// follow from that failure: the yaml-syntax error is the one to fix.
void DropFollowOnFindings(const Site& site, std::vector<Diagnostic>& out) {
  std::unordered_set<std::string_view> unread;
  for (const auto& a : site.articles)
    if (!a.front_matter_ok) unread.insert(a.file);
  if (unread.empty()) return;
  out.erase(std::remove_if(out.begin(), out.end(),
                           [&](const Diagnostic& d) {
                             return unread.count(d.pos.file) && !StandsWithoutFrontMatter(d);
                           }),
            out.end());
}

}  // namespace

const std::vector<RuleInfo>& Rules() {
  static const std::vector<RuleInfo> kRules = {
      // load stage
      {"required-key", kE, "a required front-matter or site.toml key is missing"},
      {"yaml-syntax", kE, "front matter or a YAML file cannot be parsed"},
      {"toml-syntax", kE, "site.toml cannot be parsed"},
      {"invalid-value", kE, "a value has the wrong form (a bad date, a list where a string belongs, ...)"},
      {"unknown-key", kW, "a front-matter key is not known but close to one that is (a typo: it is ignored)"},
      {"bibliography-syntax", kE, "a CSL-JSON, BibTeX or RIS bibliography entry cannot be read"},
      // markup stage
      {"unknown-citation", kE, "[@key] cites a key in no bibliography and no inline reference"},
      {"broken-link", kE, "an internal link points to no page of the site"},
      {"image-alt", kE, "an image (in the body or the front matter) has no alt text"},
      {"unknown-callout", kE, "a callout names a box that is not in callouts/"},
      {"render-failure", kE, "rendering a Markdown text failed part way: the page would be truncated"},
      {"unsafe-url", kW, "a link or image URL with a scheme other than http, https or mailto was dropped"},
      // check stage
      {"unknown-person", kE, "an author, reviewer or fact checker is not in people/"},
      {"uncited-reference", kW, "a reference (inline or in the site bibliography) is never cited"},
      {"duplicate-url", kE, "two articles, sections, pages, people or aliases produce the same URL"},
      {"review-overdue", kW, "the last medical review is older than review_interval, or there is none"},
      {"revision-changed", kW, "what a reader sees changed since the revision the latest reviewer approved"},
      {"malformed-revision", kE, "a review's revision is not \"sha256:\" and 64 lowercase hex digits"},
      {"unpinned-review", kW, "the latest review names no revision, so later changes cannot be detected"},
      {"reviewer-credentials", kE, "a reviewer lacks the medical-reviewer role or credentials"},
      {"self-review", kE, "an author is also a medical reviewer of the same article"},
      {"missing-image", kE, "a front-matter image (article hero, person photo) names no file in static/"},
      {"missing-editorial-process", kW,
       "the site has no pages/editorial-process.md (its links are left out)"},
      {"readability", kW, "the Flesch-Kincaid grade of an article is above the configured limit"},
      // publish stage (build, export: publish::FeedbackUnconfigured)
      {"feedback-unconfigured", kW,
       "static pages have no way to send feedback: site.toml sets neither feedback_endpoint nor "
       "feedback_report"},
  };
  return kRules;
}

std::vector<Diagnostic> Run(const Site& site, const markup::SiteDocs& docs, const Options& options) {
  std::vector<Diagnostic> out = site.diagnostics;
  for (const auto& d : docs.articles) Append(out, d.diagnostics);
  for (const auto& d : docs.sections) Append(out, d.diagnostics);
  for (const auto& d : docs.pages) Append(out, d.diagnostics);
  for (const auto& [id, d] : docs.people) Append(out, d.diagnostics);
  for (const auto& [id, d] : docs.callouts) Append(out, d.diagnostics);

  internal::Input input{site, docs, options};
  for (const auto& rule : internal::CheckRules()) {
    internal::Sink sink(rule.id, SeverityOf(rule.id), out);
    rule.fn(input, sink);
  }
  DropFollowOnFindings(site, out);

  Normalize(out);
  return out;
}

void Normalize(std::vector<Diagnostic>& out) {
  std::sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tuple_cat(Key(a), std::tie(a.stage)) < std::tuple_cat(Key(b), std::tie(b.stage));
  });
  // The same problem found twice (whatever the stage) is reported once.
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Diagnostic& a, const Diagnostic& b) { return Key(a) == Key(b); }),
            out.end());
}

std::string ToJson(const std::vector<Diagnostic>& diagnostics) {
  std::string out = "[";
  for (size_t i = 0; i < diagnostics.size(); ++i) {  // one diagnostic a line
    const Diagnostic& d = diagnostics[i];
    nlohmann::ordered_json j = {{"file", d.pos.file},
                                {"line", d.pos.line},
                                {"severity", d.severity == Severity::kError ? "error" : "warning"},
                                {"message", d.message},
                                {"rule", d.rule},
                                {"stage", d.stage}};
    out += i ? ",\n  " : "\n  ";
    out += j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  }
  out += diagnostics.empty() ? "]" : "\n]";
  return out;
}

}  // namespace vetted::check
