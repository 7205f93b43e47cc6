// Render(): a body split at callout fences, each piece through md4c, sharing
// one DocState so numbering, ids and glossary first use span the document.
#include "markup/markup.h"

#include "markup/renderer.h"
#include "util/util.h"

namespace vetted::markup {
namespace {

void IncludeCallout(DocState& st, const Source& src, const Piece& piece) {
  const Callout* callout = st.ctx.find_callout ? st.ctx.find_callout(piece.name) : nullptr;
  if (callout == nullptr) {
    if (!src.quiet) {
      std::string close = st.ctx.suggest_callout ? st.ctx.suggest_callout(piece.name) : std::string();
      st.Diagnose(src, src.LineOf(piece.begin), Severity::kError, "unknown-callout",
                  "unknown callout '" + piece.name + "': there is no callouts/" + piece.name + ".md" +
                      (close.empty() ? "" : "; did you mean '" + close + "'?"));
    }
    return;
  }
  std::string& html = st.doc.html;
  AppendCalloutOpen(html, callout->kind, callout->title);
  st.BlockBreak();
  st.AddPlain(callout->title);
  st.BlockBreak();
  // The callout reports its own problems when rendered on its own (RenderSite).
  Source body{callout->body_markdown, callout->file, callout->body_line, true};
  RenderBody(st, body, RenderOptions{false, false}, false);
  if (!callout->disclosure.empty()) {
    html += "<p class=\"disclosure\">";
    util::AppendEscaped(html, callout->disclosure);
    html += "</p>\n";
    st.BlockBreak();
    st.AddPlain(callout->disclosure);
  }
  html += "</aside>\n";
  st.BlockBreak();
}

}  // namespace

void RenderBody(DocState& st, const Source& given, RenderOptions opts, bool allow_include) {
  // md4c 0.4.8 reads the byte after the text it is given when a link's
  // destination runs to the end ("[a](e"), and acts on it: a ')' there made
  // it crash (valgrind on the fuzz corpus; docs/reliability.md, Sanitizers).
  // A text that does not end a line gets a line break, which Markdown ignores.
  Source src = given;
  std::string padded;
  if (!src.text.empty() && src.text.back() != '\n') {
    padded.reserve(src.text.size() + 1);
    padded.append(src.text).push_back('\n');
    src.text = padded;
  }
  if (src.text.find(":::") == std::string_view::npos) {
    RenderMarkdown(st, src, 0, src.text.size(), opts);
    return;
  }
  for (const Piece& piece : SplitFencedDivs(src.text)) {
    switch (piece.kind) {
      case Piece::kMarkdown:
        RenderMarkdown(st, src, piece.begin, piece.end, opts);
        break;
      case Piece::kOpen:
        if (!piece.known_kind && !src.quiet) {
          st.Diagnose(src, src.LineOf(piece.begin), Severity::kWarning, "unknown-callout",
                      "unknown callout kind '" + piece.callout_kind +
                          "' shown as a note; use note, tip, warning, help, crisis or takeaways");
        }
        AppendCalloutOpen(st.doc.html, piece.callout_kind, piece.title);
        st.BlockBreak();
        st.AddPlain(piece.title);
        st.BlockBreak();
        break;
      case Piece::kClose:
        st.doc.html += "</aside>\n";
        st.BlockBreak();
        break;
      case Piece::kInclude:
        if (allow_include) IncludeCallout(st, src, piece);
        break;
    }
  }
}

Document RenderTransient(std::string_view markdown, const Context& ctx) {
  Document doc;
  doc.html.reserve(markdown.size() + markdown.size() / 2 + 64);
  doc.plain_text.reserve(markdown.size());
  try {
    DocState state(ctx, doc);
    Source src{markdown, ctx.file, ctx.first_line, false};
    RenderBody(state, src, RenderOptions{ctx.glossary != nullptr, true}, true);
  } catch (const std::exception& e) {
    Diagnostic d{{ctx.file, ctx.first_line},
                 Severity::kError,
                 std::string("rendering failed: ") + e.what(),
                 "render-failure",
                 "markup"};
    doc.diagnostics.push_back(std::move(d));
  }
  doc.words = CountWords(doc.plain_text);
  return doc;
}

void ShrinkToKeep(Document& doc) {
  for (std::string* s : {&doc.html, &doc.plain_text})
    if (s->capacity() > s->size() + s->size() / 4 + 256) s->shrink_to_fit();
}

Document Render(std::string_view markdown, const Context& ctx) {
  Document doc = RenderTransient(markdown, ctx);
  // A site keeps every document in memory: give back generous reservations.
  ShrinkToKeep(doc);
  return doc;
}

}  // namespace vetted::markup
