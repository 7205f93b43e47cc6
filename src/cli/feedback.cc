// `vetted feedback export [--db ADDRESS] --format csv|json [-o FILE]`: every
// reader feedback row, oldest first.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/store_open.h"
#include "util/util.h"

namespace vetted::cli {

namespace {

// RFC 4180 field: quoted when it holds a comma, quote or line break. A
// leading =, +, - or @ gets a ' so that spreadsheets do not run it as a formula.
std::string CsvField(std::string_view s) {
  std::string v;
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) v += '\'';
  v += s;
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Csv(const std::vector<store::FeedbackRecord>& rows) {
  std::string out = "id,created_at,article_url,article_path,revision,helpful,category,comment\r\n";
  for (const auto& r : rows) {
    out += std::to_string(r.id) + "," + CsvField(r.created_at) + "," + CsvField(r.article_url) + "," +
           CsvField(r.article_path) + "," + CsvField(r.revision) + "," + (r.helpful ? "yes" : "no") + "," +
           CsvField(r.category) + "," + CsvField(r.comment) + "\r\n";
  }
  return out;
}

std::string Json(const std::vector<store::FeedbackRecord>& rows) {
  std::string out = "[";
  for (size_t i = 0; i < rows.size(); ++i) {  // one row a line
    const auto& r = rows[i];
    nlohmann::ordered_json row = {{"id", r.id},
                                  {"created_at", r.created_at},
                                  {"article", r.article_url},
                                  {"article_path", r.article_path},
                                  {"revision", r.revision},
                                  {"helpful", r.helpful},
                                  {"category", r.category},
                                  {"comment", r.comment}};
    out += i ? ",\n  " : "\n  ";
    out += row.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  }
  out += rows.empty() ? "]\n" : "\n]\n";
  return out;
}

}  // namespace

int RunFeedbackExport(const FeedbackExportArgs& args) {
  std::unique_ptr<store::Store> store = OpenExistingOrSay("feedback export", args.db);
  if (!store) return 2;
  Result<std::vector<store::FeedbackRecord>> rows = store->ListFeedback();
  if (!rows.ok()) {
    std::fprintf(stderr, "vetted feedback export: %s\n", rows.status().message().c_str());
    return 2;
  }
  std::string text = args.format == "json" ? Json(*rows) : Csv(*rows);
  if (args.out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  std::ofstream file(args.out, std::ios::binary | std::ios::trunc);
  file << text;
  if (!file.flush()) {
    std::fprintf(stderr, "vetted feedback export: cannot write %s\n", args.out.c_str());
    return 2;
  }
  std::fprintf(stderr, "Wrote %zu feedback rows to %s\n", rows->size(), args.out.c_str());
  return 0;
}

}  // namespace vetted::cli
