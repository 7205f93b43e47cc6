// md4c callbacks -> HTML. Every byte of content goes through
// AppendHtml (escaping) or AppendUrlAttribute; tags and attribute names come
// only from this file.
#include "markup/renderer.h"

#include <md4c.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <cstring>
#include <exception>

#include "cite/cite.h"
#include "util/util.h"

namespace vetted::markup {
namespace {

constexpr unsigned kFlags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEURLAUTOLINKS |
                            MD_FLAG_PERMISSIVEWWWAUTOLINKS | MD_FLAG_PERMISSIVEEMAILAUTOLINKS |
                            MD_FLAG_NOHTML;

// Decodes an md4c attribute (entities, NUL replacement) into plain text.
std::string DecodeAttribute(const MD_ATTRIBUTE& a) {
  std::string out;
  if (a.text == nullptr || a.size == 0) return out;
  for (int i = 0; a.substr_offsets[i] < a.size; ++i) {
    std::string_view part(a.text + a.substr_offsets[i], a.substr_offsets[i + 1] - a.substr_offsets[i]);
    if (a.substr_types[i] == MD_TEXT_NULLCHAR) {
      AppendUtf8(out, 0xFFFD);
    } else if (a.substr_types[i] != MD_TEXT_ENTITY || !DecodeEntity(part, out)) {
      out.append(part);
    }
  }
  return out;
}

std::string_view Shorten(std::string_view s) {
  return s.size() > 80 ? s.substr(0, 80) : s;
}

class Renderer {
 public:
  Renderer(DocState& st, const Source& src, RenderOptions opts)
      : st_(st), ctx_(st.ctx), src_(src), opts_(opts), out_(&st.doc.html) {
    buf_.reserve(1024);
  }

  void Parse(size_t begin, size_t end) {
    MD_PARSER parser{};
    parser.flags = kFlags;
    parser.enter_block = [](MD_BLOCKTYPE t, void* d, void* u) {
      return Guard(u, [&](Renderer& r) { r.EnterBlock(t, d); });
    };
    parser.leave_block = [](MD_BLOCKTYPE t, void* d, void* u) {
      return Guard(u, [&](Renderer& r) { r.LeaveBlock(t, d); });
    };
    parser.enter_span = [](MD_SPANTYPE t, void* d, void* u) {
      return Guard(u, [&](Renderer& r) { r.EnterSpan(t, d); });
    };
    parser.leave_span = [](MD_SPANTYPE t, void* d, void* u) {
      return Guard(u, [&](Renderer& r) { r.LeaveSpan(t); });
    };
    parser.text = [](MD_TEXTTYPE t, const MD_CHAR* p, MD_SIZE n, void* u) {
      return Guard(u, [&](Renderer& r) { r.Text(t, p, n); });
    };
    last_off_ = begin;
    int rc = md_parse(src_.text.data() + begin, static_cast<MD_SIZE>(end - begin), &parser, this);
    if (failure_.empty()) Guard(this, [](Renderer& r) { r.Flush(); });
    for (size_t index : pending_) st_.doc.diagnostics[index].pos.line = src_.LineOf(last_off_);
    if (!failure_.empty() || rc != 0) ReportFailure(rc);
  }

 private:
  // Exceptions must not unwind through md4c's C frames: a failure aborts the
  // parse and is recorded, then reported by Parse as an error.
  template <typename F>
  static int Guard(void* user, F&& f) {
    Renderer& r = *static_cast<Renderer*>(user);
    if (!r.failure_.empty()) return 1;  // already failed: md4c stops at the first non-zero
    try {
      f(r);
      return 0;
    } catch (const std::exception& e) {
      r.failure_ = e.what();
    } catch (...) {
      r.failure_ = "unknown exception";
    }
    if (r.failure_.empty()) r.failure_ = "exception without a message";
    r.failure_off_ = r.last_off_;
    return 1;
  }

  // The rest of the fragment is missing from the output: an error (never
  // quiet), at the line of the block being rendered when the failure hit.
  void ReportFailure(int rc) {
    std::string why = failure_.empty() ? "the Markdown parser returned " + std::to_string(rc) : failure_;
    size_t off = failure_.empty() ? last_off_ : failure_off_;
    st_.Diagnose(src_, src_.LineOf(off), Severity::kError, "render-failure",
                 "rendering failed here (" + std::string(Shorten(why)) +
                     "); the rest of this text is missing from the page");
  }

  // ---- positions and diagnostics ----

  bool InSource(const char* p) const {
    return p >= src_.text.data() && p <= src_.text.data() + src_.text.size();
  }

  // A diagnostic at p, a pointer into the source; when md4c handed us a copy,
  // the line is taken from the next text that points into the source.
  void Diagnose(const char* p, Severity sev, std::string rule, std::string message) {
    if (src_.quiet) return;
    bool known = p != nullptr && InSource(p);
    st_.Diagnose(src_, known ? src_.LineOf(p - src_.text.data()) : 0, sev, std::move(rule),
                 std::move(message));
    if (!known) pending_.push_back(st_.doc.diagnostics.size() - 1);
  }

  void Seen(const char* p) {
    if (!InSource(p)) return;
    last_off_ = p - src_.text.data();
    if (pending_.empty()) return;
    int line = src_.LineOf(last_off_);
    for (size_t index : pending_) st_.doc.diagnostics[index].pos.line = line;
    pending_.clear();
  }

  // Source offset of a position in the text buffer.
  size_t BufferOffset(size_t pos) const {
    size_t off = last_off_;
    for (const auto& [buf_pos, src_off] : anchors_) {
      if (buf_pos > pos) break;
      off = src_off + (pos - buf_pos);
    }
    return off;
  }

  bool IsLiteral(size_t pos) const {
    return std::find(literal_.begin(), literal_.end(), pos) != literal_.end();
  }

  // ---- blocks ----

  void EnterBlock(MD_BLOCKTYPE type, void* detail) {
    Flush();
    st_.BlockBreak();
    std::string& o = *out_;
    switch (type) {
      case MD_BLOCK_QUOTE:
        o += "<blockquote>\n";
        break;
      case MD_BLOCK_UL:
        o += "<ul>\n";
        break;
      case MD_BLOCK_OL: {
        unsigned start = static_cast<MD_BLOCK_OL_DETAIL*>(detail)->start;
        o += start == 1 ? "<ol>\n" : "<ol start=\"" + std::to_string(start) + "\">\n";
        break;
      }
      case MD_BLOCK_LI:
        o += "<li>";
        break;
      case MD_BLOCK_HR:
        o += "<hr>\n";
        break;
      case MD_BLOCK_H:
        EnterHeading(static_cast<MD_BLOCK_H_DETAIL*>(detail)->level);
        break;
      case MD_BLOCK_CODE:
        EnterCodeBlock(*static_cast<MD_BLOCK_CODE_DETAIL*>(detail));
        break;
      case MD_BLOCK_HTML:
        o += "<pre>";
        break;  // unreachable with MD_FLAG_NOHTML; inert anyway
      case MD_BLOCK_P:
        o += "<p>";
        break;
      case MD_BLOCK_TABLE:
        o += "<table>\n";
        break;
      case MD_BLOCK_THEAD:
        o += "<thead>\n";
        break;
      case MD_BLOCK_TBODY:
        o += "<tbody>\n";
        break;
      case MD_BLOCK_TR:
        o += "<tr>";
        break;
      case MD_BLOCK_TH:
        Cell("<th", static_cast<MD_BLOCK_TD_DETAIL*>(detail)->align);
        break;
      case MD_BLOCK_TD:
        Cell("<td", static_cast<MD_BLOCK_TD_DETAIL*>(detail)->align);
        break;
      default:
        break;
    }
  }

  void LeaveBlock(MD_BLOCKTYPE type, void* detail) {
    Flush();
    st_.BlockBreak();
    std::string& o = *out_;
    switch (type) {
      case MD_BLOCK_QUOTE:
        o += "</blockquote>\n";
        break;
      case MD_BLOCK_UL:
        o += "</ul>\n";
        break;
      case MD_BLOCK_OL:
        o += "</ol>\n";
        break;
      case MD_BLOCK_LI:
        o += "</li>\n";
        break;
      case MD_BLOCK_H:
        LeaveHeading();
        break;
      case MD_BLOCK_CODE:
        o += "</code></pre>\n";
        break;
      case MD_BLOCK_HTML:
        o += "</pre>\n";
        break;
      case MD_BLOCK_P:
        o += "</p>\n";
        break;
      case MD_BLOCK_TABLE:
        o += "</table>\n";
        break;
      case MD_BLOCK_THEAD:
        o += "</thead>\n";
        break;
      case MD_BLOCK_TBODY:
        o += "</tbody>\n";
        break;
      case MD_BLOCK_TR:
        o += "</tr>\n";
        break;
      case MD_BLOCK_TH:
        o += "</th>";
        break;
      case MD_BLOCK_TD:
        o += "</td>";
        break;
      default:
        break;
    }
  }

  // Alignment as a class (no style attributes: a strict CSP forbids them).
  void Cell(const char* tag, MD_ALIGN align) {
    *out_ += tag;
    if (align == MD_ALIGN_LEFT) *out_ += " class=\"align-left\"";
    if (align == MD_ALIGN_CENTER) *out_ += " class=\"align-center\"";
    if (align == MD_ALIGN_RIGHT) *out_ += " class=\"align-right\"";
    *out_ += '>';
  }

  // CommonMark: the class is "language-" and the info string's first word,
  // its entities decoded and backslash escapes processed ("f&ouml;&ouml;" ->
  // "language-föö", ";" -> "language-;"), HTML-escaped like any attribute.
  void EnterCodeBlock(const MD_BLOCK_CODE_DETAIL& d) {
    *out_ += "<pre><code";
    std::string info = DecodeAttribute(d.info);
    auto is_space = [](char c) {
      return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
    };
    size_t begin = 0;  // md4c trims spaces only; CommonMark trims tabs too
    while (begin < info.size() && is_space(info[begin])) ++begin;
    size_t end = begin;  // the first word ends at whitespace, decoded or not (as in the reference renderers)
    while (end < info.size() && !is_space(info[end])) ++end;
    if (end > begin) {
      *out_ += " class=\"language-";
      AppendHtml(*out_, std::string_view(info).substr(begin, end - begin));
      *out_ += '"';
    }
    *out_ += '>';
  }

  void EnterHeading(unsigned level) {
    heading_level_ = static_cast<int>(level);
    heading_html_.clear();
    heading_plain_.clear();
    out_ = &heading_html_;
  }

  void LeaveHeading() {
    out_ = &st_.doc.html;
    std::string id = st_.UniqueId(heading_plain_);
    char tag = static_cast<char>('0' + heading_level_);
    std::string& o = *out_;
    o += "<h";
    o += tag;
    o += " id=\"";
    o += id;  // a slug: [a-z0-9-] and UTF-8 letters only
    o += "\">";
    o += heading_html_;
    o += "</h";
    o += tag;
    o += ">\n";
    if (opts_.toc && heading_level_ >= ctx_.toc_min && heading_level_ <= ctx_.toc_max) {
      st_.doc.toc.push_back({heading_level_, std::move(id), std::string(util::Trim(heading_plain_))});
    }
    heading_level_ = 0;
  }

  // ---- spans ----

  void EnterSpan(MD_SPANTYPE type, void* detail) {
    if (!images_.empty()) {  // inside an image: only its alt text counts
      if (type == MD_SPAN_IMG) images_.push_back({});
      return;
    }
    Flush();
    switch (type) {
      case MD_SPAN_EM:
        *out_ += "<em>";
        break;
      case MD_SPAN_STRONG:
        *out_ += "<strong>";
        break;
      case MD_SPAN_DEL:
        *out_ += "<del>";
        break;
      case MD_SPAN_CODE:
        *out_ += "<code>";
        break;
      case MD_SPAN_U:
        *out_ += "<u>";
        break;
      case MD_SPAN_A:
        EnterLink(*static_cast<MD_SPAN_A_DETAIL*>(detail));
        break;
      case MD_SPAN_IMG:
        EnterImage(*static_cast<MD_SPAN_IMG_DETAIL*>(detail));
        break;
      default:
        break;
    }
  }

  void LeaveSpan(MD_SPANTYPE type) {
    if (!images_.empty()) {
      if (type == MD_SPAN_IMG) {
        if (images_.size() == 1) LeaveImage();
        images_.pop_back();
      }
      return;
    }
    Flush();
    switch (type) {
      case MD_SPAN_EM:
        *out_ += "</em>";
        break;
      case MD_SPAN_STRONG:
        *out_ += "</strong>";
        break;
      case MD_SPAN_DEL:
        *out_ += "</del>";
        break;
      case MD_SPAN_CODE:
        *out_ += "</code>";
        break;
      case MD_SPAN_U:
        *out_ += "</u>";
        break;
      case MD_SPAN_A:
        // md4c 0.4.8 can leave a link it never entered ("![]([)]()": enter
        // img, leave img, leave a); found by fuzzing.
        if (links_.empty()) break;
        if (links_.back()) *out_ += "</a>";
        links_.pop_back();
        break;
      default:
        break;
    }
  }

  // A relative destination: resolved against the site, `url` and `href`
  // then name the canonical address; a broken one is reported and left as
  // written. Either way `href` stays an address on this site.
  void CheckInternal(std::string& url, std::string& href, const char* where, bool is_link) {
    if (!ctx_.resolve_link) return;
    size_t cut = std::min(url.find('?'), url.find('#'));
    std::string_view path = std::string_view(url).substr(0, cut);
    if (path.empty()) return;  // "#fragment" or "?query" on this page
    std::optional<std::string> target = ctx_.resolve_link(path);
    if (!target) {
      Diagnose(where, Severity::kError, "broken-link",
               "broken link: '" + std::string(Shorten(path)) + "' is not a page or file of this site");
      return;
    }
    std::string resolved = *target + (cut == std::string::npos ? "" : url.substr(cut));
    std::string resolved_href = NormalizeUrl(resolved);
    if (ClassifyUrl(resolved_href) != UrlKind::kRelative) {  // a resolver's mistake must not leave the site
      Diagnose(where, Severity::kError, "broken-link",
               "broken link: '" + std::string(Shorten(path)) + "' resolves to '" +
                   std::string(Shorten(resolved)) + "', which is not an address on this site");
      return;
    }
    auto& links = st_.doc.links;
    if (is_link && std::find(links.begin(), links.end(), *target) == links.end()) links.push_back(*target);
    url = std::move(resolved);
    href = std::move(resolved_href);
  }

  void EnterLink(const MD_SPAN_A_DETAIL& d) {
    std::string url = DecodeAttribute(d.href);
    std::string href = NormalizeUrl(url);
    UrlKind kind = JudgeUrl(url, href);
    if (kind == UrlKind::kUnsafe) {
      Diagnose(d.href.text, Severity::kWarning, "unsafe-url",
               "link to '" + std::string(Shorten(url)) +
                   "' removed: only http, https, mailto and relative links are kept");
      links_.push_back(false);
      return;
    }
    if (kind == UrlKind::kRelative) CheckInternal(url, href, d.href.text, true);
    *out_ += "<a href=\"";
    AppendHtml(*out_, href);
    *out_ += '"';
    AppendTitle(d.title);
    *out_ += '>';
    links_.push_back(true);
  }

  void AppendTitle(const MD_ATTRIBUTE& title) {
    if (title.size == 0) return;
    *out_ += " title=\"";
    AppendHtml(*out_, DecodeAttribute(title));
    *out_ += '"';
  }

  void EnterImage(const MD_SPAN_IMG_DETAIL& d) {
    images_.push_back({DecodeAttribute(d.src), DecodeAttribute(d.title), d.src.text});
    alt_.clear();
  }

  void LeaveImage() {
    Image& img = images_.front();
    std::string href = NormalizeUrl(img.src);
    UrlKind kind = JudgeUrl(img.src, href);
    if (kind == UrlKind::kUnsafe) {
      Diagnose(img.where, Severity::kWarning, "unsafe-url",
               "image '" + std::string(Shorten(img.src)) +
                   "' removed: only http, https and relative image URLs are kept");
      return;
    }
    if (kind == UrlKind::kRelative) CheckInternal(img.src, href, img.where, false);
    if (util::Trim(alt_).empty()) {
      Diagnose(img.where, Severity::kError, "image-alt",
               "image '" + std::string(Shorten(img.src)) + "' has no alt text: describe it in ![...]");
    }
    *out_ += "<img src=\"";
    AppendHtml(*out_, href);
    *out_ += "\" alt=\"";
    AppendHtml(*out_, util::Trim(alt_));
    *out_ += '"';
    if (!img.title.empty()) {
      *out_ += " title=\"";
      AppendHtml(*out_, img.title);
      *out_ += '"';
    }
    *out_ += " loading=\"lazy\">";
  }

  // ---- text ----

  void Text(MD_TEXTTYPE type, const MD_CHAR* p, MD_SIZE n) {
    Seen(p);
    std::string_view s(p, n);
    if (!images_.empty()) {
      if (type == MD_TEXT_ENTITY && DecodeEntity(s, alt_)) return;
      alt_.append(type == MD_TEXT_NULLCHAR                         ? "\xEF\xBF\xBD"
                  : (type == MD_TEXT_SOFTBR || type == MD_TEXT_BR) ? " "
                                                                   : s);
      return;
    }
    switch (type) {
      case MD_TEXT_NORMAL:
        Buffer(s);
        break;
      case MD_TEXT_NULLCHAR:
        buf_ += "\xEF\xBF\xBD";
        break;
      case MD_TEXT_SOFTBR:
        buf_ += '\n';
        break;
      case MD_TEXT_ENTITY: {
        size_t at = buf_.size();
        if (!DecodeEntity(s, buf_)) buf_.append(s);
        for (size_t i = at; i < buf_.size(); ++i)
          if (buf_[i] == '[' || buf_[i] == ']') literal_.push_back(i);
        break;
      }
      case MD_TEXT_BR:
        Flush();
        *out_ += "<br>\n";
        AddPlain("\n");
        break;
      default:  // code, and (unreachable with MD_FLAG_NOHTML) raw HTML: shown as text
        Flush();
        AppendHtml(*out_, s);
        AddPlain(s);
        break;
    }
  }

  void Buffer(std::string_view s) {
    if (InSource(s.data())) {
      size_t off = s.data() - src_.text.data();
      anchors_.emplace_back(buf_.size(), off);
      // A backslash-escaped bracket never starts or ends a citation.
      if (s.size() == 1 && (s[0] == '[' || s[0] == ']') && off > 0 && src_.text[off - 1] == '\\')
        literal_.push_back(buf_.size());
    }
    buf_.append(s);
  }

  void AddPlain(std::string_view s) {
    st_.AddPlain(s);
    if (heading_level_ != 0) heading_plain_.append(s);
  }

  void Flush();
  void EmitText(std::string_view text);
  void EmitGlossary(std::string_view text);
  bool EmitCitation(std::string_view raw, size_t pos);

  struct Image {
    std::string src, title;
    const char* where = nullptr;
  };

  DocState& st_;
  const Context& ctx_;
  const Source& src_;
  RenderOptions opts_;
  std::string* out_;
  size_t last_off_ = 0;
  std::string failure_;  // what a callback threw; non-empty = the parse was aborted
  size_t failure_off_ = 0;
  std::vector<size_t> pending_;  // diagnostics waiting for a line

  std::string buf_;                                 // consecutive normal text, decoded
  std::vector<std::pair<size_t, size_t>> anchors_;  // (buf_ position, source offset)
  std::vector<size_t> literal_;                     // buf_ positions of escaped brackets

  int heading_level_ = 0;
  std::string heading_html_, heading_plain_;
  std::vector<bool> links_;  // per open link: whether <a> was written
  std::vector<Image> images_;
  std::string alt_;
  std::vector<CiteItem> items_;
  std::string cite_html_;  // the superscript EmitCitation built
};

void Renderer::Flush() {
  if (buf_.empty()) return;
  std::string_view text = buf_;
  size_t done = 0;
  bool cite = static_cast<bool>(ctx_.find_reference) && links_.empty();
  for (size_t i = cite ? text.find('[') : std::string_view::npos; i != std::string_view::npos;
       i = text.find('[', i + 1)) {
    if (IsLiteral(i)) continue;
    size_t j = text.find_first_of("[]", i + 1);
    if (j == std::string_view::npos) break;
    if (text[j] == '[' || IsLiteral(j)) continue;
    if (!ParseCitation(text.substr(i + 1, j - i - 1), items_)) continue;
    size_t before = i;
    while (before > done && (text[before - 1] == ' ' || text[before - 1] == '\n')) --before;
    std::string_view raw = text.substr(i, j - i + 1);
    std::string_view pending = text.substr(done, before - done);
    if (EmitCitation(raw, i)) {
      // EmitCitation wrote the superscript after `pending`'s place: emit it in order.
      EmitText(pending);
      *out_ += cite_html_;
    } else {
      EmitText(text.substr(done, j + 1 - done));
    }
    done = j + 1;
    i = j;
  }
  EmitText(text.substr(done));
  buf_.clear();
  anchors_.clear();
  literal_.clear();
}

void Renderer::EmitText(std::string_view text) {
  if (text.empty()) return;
  AddPlain(text);
  if (opts_.glossary && ctx_.glossary != nullptr && heading_level_ == 0 && links_.empty() &&
      !st_.GlossaryDone()) {
    EmitGlossary(text);
  } else {
    AppendHtml(*out_, text);
  }
}

// Marks the first use of each glossary term: <dfn> plus its tooltip.
void Renderer::EmitGlossary(std::string_view text) {
  const Glossary::Impl& g = ctx_.glossary->impl();
  std::string& o = *out_;
  size_t done = 0;
  for (size_t i = 0; i < text.size() && !st_.GlossaryDone();) {
    if (!IsWordByte(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t len = 0;
    int phrase = g.Match(text, i, &len, st_.live_slots());
    if (phrase < 0) {
      i += len;
      continue;
    }
    uint32_t term = g.phrases[phrase].term;
    if (st_.TakeTerm(term)) {
      const Glossary::Impl::Term& t = g.terms[term];
      std::string id = "gl-" + t.slug + "-" + std::to_string(++st_.glossary_marks);
      AppendHtml(o, text.substr(done, i - done));
      o += "<dfn class=\"term\" tabindex=\"0\" aria-describedby=\"";
      AppendHtml(o, id);
      o += "\">";
      AppendHtml(o, text.substr(i, len));
      o += "</dfn><span class=\"term-def\" role=\"tooltip\" id=\"";
      AppendHtml(o, id);
      o += "\">";
      AppendHtml(o, t.definition);
      o += "</span>";
      done = i + len;
      st_.doc.glossary_terms.push_back(t.key);
    }
    i += len;
  }
  AppendHtml(o, text.substr(done));
}

// Builds the superscript for one parsed citation into cite_html_; false when
// no key is known (the text then stays as written).
bool Renderer::EmitCitation(std::string_view raw, size_t pos) {
  std::vector<int> plain;
  std::vector<std::pair<int, std::string>> located;
  for (CiteItem& item : items_) {
    if (ctx_.find_reference(item.key) == nullptr) {
      size_t off = BufferOffset(pos + 1 + item.key_pos);
      std::string close = ctx_.suggest_reference ? ctx_.suggest_reference(item.key) : std::string();
      Diagnose(src_.text.data() + off, Severity::kError, "unknown-citation",
               "unknown citation key '@" + item.key +
                   "': not in the bibliography or the article's references" +
                   (close.empty() ? "" : "; did you mean '@" + close + "'?"));
      continue;
    }
    int n = st_.CiteNumber(item.key);
    if (item.locator.empty()) {
      plain.push_back(n);
    } else {
      located.emplace_back(n, std::move(item.locator));
    }
  }
  if (plain.empty() && located.empty()) return false;
  std::string& o = cite_html_;
  o.assign("<sup class=\"cite\">");
  auto link = [&](int n) {
    std::string num = std::to_string(n);
    o += "<a href=\"#ref-" + num + "\"";
    if (st_.TakeAnchor(n)) o += " id=\"cite-" + num + "\"";
    o += ">" + num + "</a>";
  };
  std::vector<std::pair<int, int>> groups = cite::Group(plain);
  // Sources first cited inside a range still need their back-link target.
  for (const auto& [a, b] : groups)
    for (int k = a + 1; k < b; ++k)
      if (st_.TakeAnchor(k)) o += "<span id=\"cite-" + std::to_string(k) + "\"></span>";
  std::sort(located.begin(), located.end());
  size_t gi = 0, li = 0;
  while (gi < groups.size() || li < located.size()) {
    if (gi + li > 0) o += ',';
    if (li == located.size() || (gi < groups.size() && groups[gi].first <= located[li].first)) {
      link(groups[gi].first);
      if (groups[gi].second != groups[gi].first) {
        o += '-';
        link(groups[gi].second);
      }
      ++gi;
    } else {
      link(located[li].first);
      o += '(';
      AppendHtml(o, located[li].second);
      o += ')';
      ++li;
    }
  }
  o += "</sup>";
  return true;
}

}  // namespace

// ---- DocState ----

int Source::LineOf(size_t offset) const {
  offset = std::min(offset, text.size());
  return first_line + static_cast<int>(std::count(text.data(), text.data() + offset, '\n'));
}

DocState::DocState(const Context& c, Document& d) : ctx(c), doc(d) {
  if (ctx.glossary != nullptr) {
    const Glossary::Impl& g = ctx.glossary->impl();
    glossary_left_ = g.terms.size();
    term_used_.assign(glossary_left_, 0);
    live_slots_.resize(g.slots.size());
    for (size_t i = 0; i < g.slots.size(); ++i) live_slots_[i] = static_cast<uint16_t>(g.slots[i].count);
  }
}

namespace {
bool IsReservedId(std::string_view id) {
  for (std::string_view r : {"toc", "sources", "feedback", "main", "top", "related"})
    if (id == r) return true;
  if (util::StartsWith(id, "gl-")) return true;
  for (std::string_view prefix : {"ref-", "cite-"}) {
    if (!util::StartsWith(id, prefix)) continue;
    std::string_view rest = id.substr(prefix.size());
    if (!rest.empty() && std::all_of(rest.begin(), rest.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return true;
  }
  return false;
}
}  // namespace

std::string DocState::UniqueId(std::string_view text) {
  std::string base = util::Slugify(text);
  if (base.empty()) base = "section";
  // Glossary tooltip ids start with "gl-" and no numeric suffix leaves that
  // space, so such a heading is moved out of it first (found by fuzzing: the
  // loop below never ended).
  if (util::StartsWith(base, "gl-")) base.insert(0, "h-");
  std::string id = base;
  for (int n = 2; IsReservedId(id) || !ids_.insert(id).second; ++n) id = base + "-" + std::to_string(n);
  return id;
}

int DocState::CiteNumber(const std::string& key) {
  auto [it, inserted] = cite_numbers_.try_emplace(key, static_cast<int>(cite_numbers_.size()) + 1);
  if (inserted) {
    doc.cited.push_back(key);
    anchored_.push_back(0);
  }
  return it->second;
}

bool DocState::TakeAnchor(int n) {
  if (n < 1 || static_cast<size_t>(n) > anchored_.size() || anchored_[n - 1]) return false;
  anchored_[n - 1] = 1;
  return true;
}

bool DocState::TakeTerm(uint32_t term) {
  if (term >= term_used_.size() || term_used_[term]) return false;
  term_used_[term] = 1;
  --glossary_left_;
  for (uint32_t slot : ctx.glossary->impl().term_slots[term]) --live_slots_[slot];
  return true;
}

void DocState::AddPlain(std::string_view s) {
  if (s.empty()) return;
  std::string& p = doc.plain_text;
  if (plain_break_ && !p.empty()) p += "\n\n";
  plain_break_ = false;
  size_t at = p.size();
  p.append(s);
  for (char* c = p.data() + at; (c = static_cast<char*>(memchr(c, '\n', p.data() + p.size() - c)));)
    *c++ = ' ';
}

void DocState::Diagnose(const Source& src, int line, Severity severity, std::string rule,
                        std::string message) {
  Diagnostic d;
  d.pos.file = std::string(src.file);
  d.pos.line = line;
  d.severity = severity;
  d.rule = std::move(rule);
  d.message = std::move(message);
  d.stage = "markup";
  doc.diagnostics.push_back(std::move(d));
}

void RenderMarkdown(DocState& state, const Source& src, size_t begin, size_t end, RenderOptions opts) {
  Renderer(state, src, opts).Parse(begin, end);
}

#ifdef __SSE2__
namespace {

// Bit k set when plain[at + k] is a space, tab, CR or LF.
unsigned SpaceMask16(const char* at) {
  const __m128i sp = _mm_set1_epi8(' '), nl = _mm_set1_epi8('\n'), tab = _mm_set1_epi8('\t'),
                cr = _mm_set1_epi8('\r');
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
  __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, nl)),
                           _mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, cr)));
  return static_cast<unsigned>(_mm_movemask_epi8(m));
}

// Population count without a libgcc call (the build does not assume POPCNT).
int Popcount64(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
  return static_cast<int>((x * 0x0101010101010101ull) >> 56);
}

}  // namespace
#endif

int CountWords(std::string_view plain) {
  // A word starts at each non-space byte that follows a space (or the start).
  auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; };
  int words = 0;
  size_t i = 0;
  uint64_t prev_space = 1;
#ifdef __SSE2__
  // 64 bytes a step: one mask and one population count per step (the 16-byte
  // version spent ~2% of a build's instructions here).
  for (; i + 64 <= plain.size(); i += 64) {
    uint64_t spaces = 0;
    for (int k = 0; k < 4; ++k)
      spaces |= static_cast<uint64_t>(SpaceMask16(plain.data() + i + 16 * k)) << (16 * k);
    uint64_t before = (spaces << 1) | prev_space;  // bit k: byte k-1 is a space
    words += Popcount64(~spaces & before);
    prev_space = spaces >> 63;
  }
#endif
  for (; i < plain.size(); ++i) {
    uint64_t space = is_space(plain[i]) ? 1 : 0;
    words += static_cast<int>(prev_space & (space ^ 1));
    prev_space = space;
  }
  return words;
}

}  // namespace vetted::markup
