// Internal to check/: the check-stage rules, one small function each,
// registered by id in one table. Run() looks each id's severity up in Rules().
#pragma once

#include <string>
#include <vector>

#include "check/check.h"

namespace vetted::check::internal {

struct Input {
  const Site& site;
  const markup::SiteDocs& docs;
  const Options& options;
};

// Collects the diagnostics of one rule: the id, severity and stage are fixed.
class Sink {
 public:
  Sink(std::string rule, Severity severity, std::vector<Diagnostic>& out)
      : rule_(std::move(rule)), severity_(severity), out_(out) {}
  void Add(SourcePos pos, std::string message) {
    out_.push_back(Diagnostic{std::move(pos), severity_, std::move(message), rule_, "check"});
  }

 private:
  std::string rule_;
  Severity severity_;
  std::vector<Diagnostic>& out_;
};

using RuleFn = void (*)(const Input& in, Sink& sink);

struct CheckRule {
  const char* id;
  RuleFn fn;
};

// Every check-stage rule in a stable order; each id is also in Rules().
const std::vector<CheckRule>& CheckRules();

}  // namespace vetted::check::internal
