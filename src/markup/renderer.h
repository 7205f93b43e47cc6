// The HTML renderer over md4c's callbacks, and the per-document state that
// outlives one md_parse call (a document is several calls when it has
// callouts).
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "markup/internal.h"

namespace vetted::markup {

// The text being rendered: offsets in diagnostics refer to it.
struct Source {
  std::string_view text;
  std::string_view file;
  int first_line = 1;
  bool quiet = false;  // diagnostics dropped (an included callout reports its own)

  int LineOf(size_t offset) const;
};

struct RenderOptions {
  bool glossary = true;  // mark glossary terms
  bool toc = true;       // collect headings into Document::toc
};

// State shared by every part of one document.
class DocState {
 public:
  DocState(const Context& ctx, Document& doc);

  const Context& ctx;
  Document& doc;

  // A heading id from its text: unique in the document, never a reserved id.
  std::string UniqueId(std::string_view text);
  // The number of a cited key (assigned on first citation).
  int CiteNumber(const std::string& key);
  // True once: the first link to source n carries id="cite-n".
  bool TakeAnchor(int n);
  // Glossary: true the first time a term is marked; counts marks.
  bool TakeTerm(uint32_t term);
  bool GlossaryDone() const { return glossary_left_ == 0; }
  const std::vector<uint16_t>& live_slots() const { return live_slots_; }
  int glossary_marks = 0;

  // Visible text for Document::plain_text; soft breaks become spaces.
  void AddPlain(std::string_view s);
  void BlockBreak() { plain_break_ = true; }

  void Diagnose(const Source& src, int line, Severity severity, std::string rule, std::string message);

 private:
  std::unordered_set<std::string> ids_;
  std::unordered_map<std::string, int> cite_numbers_;
  std::vector<char> anchored_;
  std::vector<char> term_used_;
  std::vector<uint16_t> live_slots_;  // see Glossary::Impl::Match
  size_t glossary_left_ = 0;
  bool plain_break_ = false;
};

// Renders src.text[begin, end) as Markdown, appending to state.doc.
void RenderMarkdown(DocState& state, const Source& src, size_t begin, size_t end, RenderOptions opts);

// Renders src.text: Markdown with fenced-div callouts (includes resolved
// through the context when allow_include).
void RenderBody(DocState& state, const Source& src, RenderOptions opts, bool allow_include);

// Words in plain text: runs of non-space bytes (as Hugo's WordCount).
int CountWords(std::string_view plain);

// Render() without giving back spare capacity: for a Document dropped as soon
// as its page is written (the streaming build), where shrinking only copies.
Document RenderTransient(std::string_view markdown, const Context& ctx);
// Gives back generous reservations of a Document that will be kept.
void ShrinkToKeep(Document& doc);

}  // namespace vetted::markup
