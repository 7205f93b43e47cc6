// AMA 11th edition, laid out the way the CSL style american-medical-association
// does it (as run by Pandoc's citeproc): author, title, then one branch per
// kind of item, then the DOI or URL.
#include "cite/cite.h"

#include <algorithm>
#include <string_view>

#include "cite/parts.h"
#include "cite/rich.h"

namespace vetted::cite {
namespace {

using rich::Affix;
using rich::Group;

bool TypeIn(std::string_view type, std::initializer_list<std::string_view> types) {
  return std::find(types.begin(), types.end(), type) != types.end();
}
bool BookLike(std::string_view t) {
  return TypeIn(t, {"bill", "book", "graphic", "legislation", "motion_picture", "report", "song"});
}
bool ItalicTitle(std::string_view t) {
  return BookLike(t) || TypeIn(t, {"legal_case", "thesis"});
}
bool ChapterLike(std::string_view t) {
  return TypeIn(t, {"chapter", "paper-conference", "entry-dictionary", "entry-encyclopedia"});
}
bool WebLike(std::string_view t) {
  return TypeIn(t, {"webpage", "post", "post-weblog"});
}

// Percent-encodes what may not appear raw in a URL path.
std::string DoiHref(std::string_view doi) {
  if (doi.starts_with("https://") || doi.starts_with("http://")) return std::string(doi);
  std::string out = "https://doi.org/";
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : doi) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                std::string_view("-._~/:;()[]!*+,=@$").find(static_cast<char>(c)) != std::string_view::npos;
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The parsed fields of one reference, and what the author position used.
struct Entry {
  const Reference& ref;
  std::string title, container, container_short, collection, publisher, edition, volume, issue, page;
  bool editor_as_author = false;
  bool title_as_author = false;

  explicit Entry(const Reference& r) : ref(r) {
    title = rich::ParseRich(r.title);
    container = rich::ParseRich(r.container_title);
    container_short = r.container_title_short.empty() ? container : rich::ParseRich(r.container_title_short);
    collection = rich::ParseRich(r.collection_title);
    publisher = rich::ParseRich(r.publisher);
    edition = rich::ParseRich(r.edition);
    volume = rich::ParseRich(r.volume);
    issue = rich::ParseRich(r.issue);
    page = rich::ParseRich(parts::PageRange(rich::Clean(r.page)));
  }

  std::string Year() const { return ref.issued.year ? std::to_string(ref.issued.year) : ""; }

  std::string TitleMacro() const {
    return ItalicTitle(ref.type) ? rich::Italic(rich::TitleCase(title)) : title;
  }

  std::string Editors() const { return editor_as_author ? "" : parts::FormatNames(ref.editors, true); }

  std::string Edition() const {
    if (edition.empty()) return "";
    if (parts::IsNumeric(rich::Literal(edition))) return Group({parts::Ordinal(edition), "ed."}, " ");
    return Affix("", edition, ".");
  }

  std::string Volume() const { return volume.empty() ? "" : Group({"Vol", Affix("", volume, ".")}, " "); }

  // "; 2020:12-19." after the publisher of books and chapters.
  std::string YearPages() const { return Group({Year(), Affix(":", page, "")}, "", "; ", "."); }

  std::string Author() {
    std::string names = parts::FormatNames(ref.authors, false);
    if (names.empty()) {
      names = parts::FormatNames(ref.editors, true);
      editor_as_author = !names.empty();
    }
    if (names.empty()) {
      names = TitleMacro();
      title_as_author = true;
    }
    return Affix("", names, ".");
  }

  std::vector<std::string> Branch() const;
  std::vector<std::string> Newspaper() const;
  std::string Journal() const;
  std::string Access() const;
};

std::string Accessed(const Date& d) {
  return d.empty() ? "" : "Accessed " + parts::TextDate(d);
}

std::string UrlLink(const Reference& ref) {
  return rich::Link(rich::Clean(ref.url), rich::ParseRich(ref.url));
}

std::vector<std::string> Entry::Newspaper() const {
  std::vector<std::string> out = {Affix(" ", rich::Italic(container), ". ")};
  std::string date = parts::TextDate(ref.issued);
  if (!ref.url.empty()) {
    out.push_back(
        Group({UrlLink(ref), Affix("Published ", date, ""), Accessed(ref.accessed)}, ". ", "", "."));
  } else {
    out.push_back(Group({date, page}, ":", "", "."));
  }
  return out;
}

std::string Entry::Journal() const {
  std::string date;
  if (!volume.empty() || !issue.empty()) {
    date = Year();
  } else if (!ref.issued.empty()) {
    date = "Published online " + parts::TextDate(ref.issued);
  }
  std::string numbers = Group({volume, Affix("(", issue, ")")});
  std::string cont = Affix("", rich::Italic(rich::StripPeriods(container_short)), ".");
  return Group({cont, Group({date, numbers}, ";", " "), Affix(":", page, "")}, "", " ", ".");
}

std::vector<std::string> Entry::Branch() const {
  const std::string& type = ref.type;
  if (BookLike(type)) {
    std::string editors = Affix("(", Editors(), ")");
    return {Group({Volume(), Edition(), editors}, " ", " ", "."), Affix(" ", publisher, ""), YearPages()};
  }
  if (ChapterLike(type)) {
    std::vector<std::string> items = {Editors(),
                                      Affix("", rich::Italic(rich::TitleCase(container)), "."),
                                      Volume(),
                                      Edition(),
                                      Affix("", collection, "."),
                                      Group({publisher, YearPages()}, "", "", ".")};
    bool any = std::any_of(items.begin(), items.end(), [](const std::string& s) { return !s.empty(); });
    if (!any) return {};
    items.insert(items.begin(), "In:");
    return {Group(items, " ", " ")};
  }
  if (type == "article-newspaper") return Newspaper();
  if (WebLike(type)) return {Affix(" ", container, ".")};
  if (type == "thesis") return {Group({Group({publisher, Year()}, "; ")}, ". ", " ", ".")};
  return {Affix(" ", Editors(), "."), Journal()};
}

std::string Entry::Access() const {
  if (ref.type == "article-newspaper") return "";
  if (!ref.doi.empty()) {
    std::string doi = rich::Clean(ref.doi);
    return rich::Link(DoiHref(doi), "doi:" + rich::ParseRich(doi));
  }
  if (ref.url.empty()) return "";
  std::string published = WebLike(ref.type) ? Affix("Published ", parts::TextDate(ref.issued), "") : "";
  return Group({published, Accessed(ref.accessed), UrlLink(ref)}, ". ");
}

// The whole entry as a rich string.
std::string Layout(const Reference& ref) {
  Entry e(ref);
  std::vector<std::string> items = {e.Author()};
  if (!e.title_as_author) items.push_back(Affix(" ", e.TitleMacro(), "."));
  for (std::string& s : e.Branch()) items.push_back(std::move(s));
  items.push_back(Affix(" ", e.Access(), ""));
  return rich::MovePunctuationIntoQuotes(Group(items));
}

std::string TrimEnd(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

std::string FormatHtml(const Reference& ref) {
  return TrimEnd(rich::RenderHtml(Layout(ref)));
}

std::string FormatText(const Reference& ref) {
  return TrimEnd(rich::RenderText(Layout(ref)));
}

std::vector<std::pair<int, int>> Group(std::vector<int> numbers) {
  std::sort(numbers.begin(), numbers.end());
  numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  std::vector<std::pair<int, int>> out;
  for (size_t i = 0; i < numbers.size();) {
    size_t j = i;
    while (j + 1 < numbers.size() && numbers[j + 1] == numbers[j] + 1) ++j;
    if (j - i >= 2) {
      out.emplace_back(numbers[i], numbers[j]);
    } else {
      for (size_t k = i; k <= j; ++k) out.emplace_back(numbers[k], numbers[k]);
    }
    i = j + 1;
  }
  return out;
}

std::string GroupText(const std::vector<int>& numbers) {
  std::string out;
  for (const auto& [first, last] : Group(numbers)) {
    if (!out.empty()) out += ',';
    out += std::to_string(first);
    if (last != first) {
      out += '-';
      out += std::to_string(last);
    }
  }
  return out;
}

}  // namespace vetted::cite
