// site.toml -> SiteConfig. The only file that includes toml++.
#include <toml++/toml.h>

#include "load/internal.h"
#include "util/util.h"

namespace vetted::load {
namespace {

class ConfigReader {
 public:
  ConfigReader(const toml::table& table, const std::string& file, std::vector<Diagnostic>& diagnostics)
      : table_(table), file_(file), diagnostics_(diagnostics) {}

  int Line(std::string_view key) const {
    const toml::node* n = table_.get(key);
    return n ? static_cast<int>(n->source().begin.line) : 1;
  }

  void Invalid(std::string_view key, const std::string& message) const {
    Report(diagnostics_, file_, Line(key), Severity::kError, "invalid-value", message);
  }

  // A string key; reports a wrong type. False when absent.
  bool String(std::string_view key, std::string& out) const {
    const toml::node* n = table_.get(key);
    if (!n) return false;
    if (auto s = n->value_exact<std::string>()) {
      out = *s;
      return true;
    }
    std::string message(1, '`');
    Invalid(key, message.append(key).append("` must be a string"));
    return false;
  }

  void Required(std::string_view key, std::string& out) const {
    if (!table_.get(key)) {
      Report(diagnostics_, file_, 1, Severity::kError, "required-key",
             "missing required key `" + std::string(key) + "` in site.toml");
    } else if (String(key, out) && util::Trim(out).empty()) {
      Report(diagnostics_, file_, Line(key), Severity::kError, "required-key",
             "required key `" + std::string(key) + "` is empty");
    }
  }

 private:
  const toml::table& table_;
  const std::string& file_;
  std::vector<Diagnostic>& diagnostics_;
};

void ReadGrade(const toml::table& table, const std::string& file, SiteConfig& config,
               std::vector<Diagnostic>& diagnostics) {
  const toml::node* n = table.get("readability_grade");
  if (const toml::table* check = table.get_as<toml::table>("check"); !n && check) {
    n = check->get("readability_grade");
  }
  if (!n) return;
  auto v = n->value<double>();
  if (v && *v > 0 && *v < 30) {
    config.readability_max_grade = *v;
    config.key_lines["readability_grade"] = static_cast<int>(n->source().begin.line);
    return;
  }
  Report(diagnostics, file, static_cast<int>(n->source().begin.line), Severity::kError, "invalid-value",
         "`readability_grade` must be a number such as 9");
}

// True for characters a URL in site.toml may hold: visible ASCII but the
// quotes, angle brackets, backslash and backtick (they would need escaping
// wherever the URL is written).
bool PlainUrl(std::string_view url) {
  for (char c : url) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' || c == '`')
      return false;
  }
  return true;
}

// The host part of an http(s) URL ("" when `url` is not one).
std::string_view HttpHost(std::string_view url) {
  for (std::string_view scheme : {"https://", "http://"}) {
    if (!util::StartsWith(url, scheme)) continue;
    url.remove_prefix(scheme.size());
    return url.substr(0, url.find_first_of("/?#"));
  }
  return {};
}

// feedback_endpoint and feedback_report (docs/writing.md).
void ReadFeedback(const ConfigReader& r, SiteConfig& config) {
  if (std::string url; r.String("feedback_endpoint", url)) {
    if (!PlainUrl(url) || HttpHost(url).empty() || url.find_first_of("?#") != std::string::npos) {
      r.Invalid("feedback_endpoint",
                "`feedback_endpoint` must be the absolute URL of a vetted server, such as "
                "\"https://feedback.example.org/\" (no query or fragment), not \"" +
                    url + "\"");
    } else {
      if (url.back() != '/') url.push_back('/');
      config.feedback_endpoint = url;
    }
  }
  if (std::string url; r.String("feedback_report", url)) {
    bool mailto = util::StartsWith(url, "mailto:") && url.size() > 7 && url.find('@') != std::string::npos;
    if (!PlainUrl(url) || (!mailto && HttpHost(url).empty()) || url.find('#') != std::string::npos) {
      r.Invalid("feedback_report",
                "`feedback_report` must be a mailto: address or an http(s) URL, such as "
                "\"mailto:editors@example.org\", not \"" +
                    url + "\"");
    } else {
      config.feedback_report = url;
    }
  }
}

void ReadTable(const toml::table& table, const std::string& file, SiteConfig& config,
               std::vector<Diagnostic>& diagnostics) {
  for (auto&& [key, node] : table)
    config.key_lines[std::string(key.str())] = static_cast<int>(node.source().begin.line);
  ConfigReader r(table, file, diagnostics);
  r.Required("title", config.title);
  r.Required("base_url", config.base_url);
  if (!config.base_url.empty() && config.base_url.back() != '/') config.base_url.push_back('/');
  r.String("language", config.language);
  if (std::string interval; r.String("review_interval", interval)) {
    if (auto months = ParseInterval(interval)) {
      config.review_interval = interval;
      config.review_interval_months = *months;
    } else {
      r.Invalid("review_interval",
                "`review_interval` must look like \"2 years\" or \"18 months\", not \"" + interval + "\"");
    }
  }
  if (std::string audience; r.String("audience", audience)) {
    if (audience == "patient" || audience == "clinician") {
      config.audience = audience;
    } else {
      r.Invalid("audience", "`audience` must be \"patient\" or \"clinician\", not \"" + audience + "\"");
    }
  }
  r.String("sourcing_policy", config.sourcing_policy);
  if (const toml::node* n = table.get("approvals_for_new_or_major")) {
    auto v = n->value_exact<int64_t>();
    if (v && (*v == 1 || *v == 2)) {
      config.approvals_for_new_or_major = static_cast<int>(*v);
    } else {
      r.Invalid(
          "approvals_for_new_or_major",
          "`approvals_for_new_or_major` must be 1 or 2 (approving medical reviewers for a new article or a "
          "major change)");
    }
  }
  ReadFeedback(r, config);
  ReadGrade(table, file, config, diagnostics);
}

}  // namespace

SiteConfig ParseConfig(std::string_view text, const std::string& file, std::vector<Diagnostic>& diagnostics) {
  SiteConfig config;
  try {
    toml::table table = toml::parse(text, file);
    ReadTable(table, file, config, diagnostics);
  } catch (const toml::parse_error& e) {
    Report(diagnostics, file, static_cast<int>(e.source().begin.line), Severity::kError, "toml-syntax",
           std::string(e.description()));
  } catch (const std::exception& e) {
    Report(diagnostics, file, 1, Severity::kError, "toml-syntax", e.what());
  }
  return config;
}

}  // namespace vetted::load
