#include "model/model.h"

#include <charconv>
#include <cstdio>

#include "util/util.h"

namespace vetted {
namespace {

bool IsLeap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}
int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}
const char* const kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                               "July",    "August",   "September", "October", "November", "December"};

bool ParseInt(std::string_view s, int& out) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc();
}

}  // namespace

std::string Date::Iso() const {
  if (empty()) return "";
  // Fast path for the usual four-digit year: pages format many dates each, and
  // snprintf cost ~800 instructions a call (about 2% of a build).
  if (year > 0 && year <= 9999 && month >= 0 && month <= 99 && day >= 0 && day <= 99) {
    char buf[10] = {static_cast<char>('0' + year / 1000),
                    static_cast<char>('0' + year / 100 % 10),
                    static_cast<char>('0' + year / 10 % 10),
                    static_cast<char>('0' + year % 10),
                    '-',
                    static_cast<char>('0' + month / 10),
                    static_cast<char>('0' + month % 10),
                    '-',
                    static_cast<char>('0' + day / 10),
                    static_cast<char>('0' + day % 10)};
    return std::string(buf, month == 0 ? 4 : day == 0 ? 7 : 10);
  }
  char buf[16];
  if (month == 0) {
    std::snprintf(buf, sizeof buf, "%04d", year);
  } else if (day == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  }
  return buf;
}

std::string Date::Long() const {
  if (empty()) return "";
  std::string out;
  if (day) out += std::to_string(day) + " ";
  if (month) out += std::string(kMonths[month - 1]) + " ";
  out += std::to_string(year);
  return out;
}

long Date::DaysSinceEpoch() const {
  // Howard Hinnant's days_from_civil.
  int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned mp = static_cast<unsigned>(month > 2 ? month - 3 : month + 9);
  const unsigned doy = (153 * mp + 2) / 5 + static_cast<unsigned>(day) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097L + static_cast<long>(doe) - 719468L;
}

Date Date::AddMonths(int months) const {
  Date d = *this;
  if (d.month == 0) {
    d.year += months / 12;
    return d;
  }
  int total = d.year * 12 + (d.month - 1) + months;
  d.year = total / 12;
  d.month = total % 12 + 1;
  if (d.day > DaysInMonth(d.year, d.month)) d.day = DaysInMonth(d.year, d.month);
  return d;
}

std::optional<Date> Date::Parse(std::string_view text) {
  text = util::Trim(text);
  auto parts = util::Split(text, '-');
  if (parts.empty() || parts.size() > 3 || parts[0].size() != 4) return std::nullopt;
  Date d;
  if (!ParseInt(parts[0], d.year)) return std::nullopt;
  if (parts.size() >= 2) {
    if (parts[1].size() != 2 || !ParseInt(parts[1], d.month) || d.month < 1 || d.month > 12)
      return std::nullopt;
  }
  if (parts.size() == 3) {
    if (parts[2].size() != 2 || !ParseInt(parts[2], d.day) || d.day < 1 ||
        d.day > DaysInMonth(d.year, d.month))
      return std::nullopt;
  }
  return d;
}

bool Person::HasRole(std::string_view role) const {
  for (const auto& r : roles)
    if (r == role) return true;
  return false;
}

std::string Person::NameWithCredentials() const {
  return credentials.empty() ? name : name + ", " + credentials;
}

const std::string* Theme::Find(std::string_view name) const {
  auto it = files.find(std::string(name));
  return it == files.end() ? nullptr : &it->second;
}

const Person* Site::FindPerson(std::string_view id) const {
  auto it = people.find(std::string(id));
  return it == people.end() ? nullptr : &it->second;
}

const Callout* Site::FindCallout(std::string_view name) const {
  for (const auto& c : callouts)
    if (c.name == name) return &c;
  return nullptr;
}

int ReviewIntervalMonths(const SiteConfig& config, const Article& a) {
  return a.review_interval_months > 0 ? a.review_interval_months : config.review_interval_months;
}

std::optional<int> ParseInterval(std::string_view text) {
  text = util::Trim(text);
  size_t sp = text.find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  int n = 0;
  if (!ParseInt(text.substr(0, sp), n) || n <= 0) return std::nullopt;
  std::string unit = util::ToLower(util::Trim(text.substr(sp + 1)));
  if (unit == "year" || unit == "years") return n * 12;
  if (unit == "month" || unit == "months") return n;
  return std::nullopt;
}

std::string FormatDiagnostic(const Diagnostic& d) {
  std::string out = d.pos.file;
  if (d.pos.line > 0) out += ":" + std::to_string(d.pos.line);
  out += d.severity == Severity::kError ? ": error: " : ": warning: ";
  out += d.message;
  if (!d.rule.empty()) out += " [" + d.rule + "]";
  return out;
}

std::string Section::ShownTitle() const {
  return title.empty() && !path.empty() ? util::Humanize(path.back()) : title;
}

}  // namespace vetted
