// Picking references while writing (cite_picker.h): the editor's "Cite a
// source" section, the search page behind it and its script.
#include "server/admin/cite_picker.h"

#include <algorithm>
#include <set>

#include "cite/cite.h"
#include "server/admin/internal.h"
#include "server/app_internal.h"
#include "util/util.h"

namespace vetted::server::admin {
namespace {

std::string Esc(std::string_view s) {
  return util::Escape(s);
}

bool KeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         std::string_view(":.#$%&-+?<>~/").find(c) != std::string_view::npos;
}

bool Word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The references sorted by key.
std::vector<const Reference*> ByKey(const std::vector<Reference>& library) {
  std::vector<const Reference*> out;
  out.reserve(library.size());
  for (const Reference& r : library) out.push_back(&r);
  std::sort(out.begin(), out.end(), [](const Reference* a, const Reference* b) { return a->id < b->id; });
  return out;
}

// The AMA entry as readers see it; its links open in a new tab, so that
// following one never leaves the editor's unsaved text.
std::string AmaHtml(const Reference& r) {
  return util::ReplaceAll(cite::FormatHtml(r), "<a href=", "<a target=\"_blank\" rel=\"noopener\" href=");
}

// The table both the editor and the search page show (cite.js reads it).
std::string Table(const std::vector<const Reference*>& refs, const std::string& caption,
                  const std::string& none) {
  std::string html =
      "<table class=\"cite-table\">\n<caption id=\"cite-caption\">" + Esc(caption) +
      "</caption>\n<thead><tr><th scope=\"col\">Key</th><th scope=\"col\">Reference, as readers see it</th>"
      "<th scope=\"col\">Type in the text</th></tr></thead>\n<tbody>\n";
  for (const Reference* r : refs) {
    html += "<tr data-cite-key=\"" + Esc(r->id) + "\"><th scope=\"row\">" + Esc(r->id) + "</th><td>" +
            AmaHtml(*r) + "</td><td><code>[@" + Esc(r->id) + "]</code></td></tr>\n";
  }
  if (refs.empty()) html += "<tr><td colspan=\"3\">" + Esc(none) + "</td></tr>\n";
  return html + "</tbody>\n</table>\n";
}

std::string Plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::vector<std::string> CitedKeys(std::string_view body) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (size_t at = body.find('@'); at != std::string_view::npos; at = body.find('@', at + 1)) {
    if (at > 0 && Word(body[at - 1])) continue;  // an e-mail address, not a citation
    size_t end = at + 1;
    while (end < body.size() && KeyChar(body[end])) ++end;
    // Pandoc: punctuation only inside a key.
    while (end > at + 1 && !Word(body[end - 1])) --end;
    if (end == at + 1 || !Word(body[at + 1])) continue;
    std::string key(body.substr(at + 1, end - at - 1));
    if (seen.insert(key).second) out.push_back(std::move(key));
  }
  return out;
}

std::vector<const Reference*> FindReferences(const std::vector<Reference>& library, std::string_view query,
                                             size_t max, size_t* total) {
  std::vector<std::string> words;
  // Named: a range-for keeps only Split's result alive, not the lowered text
  // its views point into (app_fuzz under ASan: stack-use-after-scope).
  const std::string lowered = util::ToLower(query);
  for (std::string_view w : util::Split(lowered, ' '))
    if (!util::Trim(w).empty()) words.emplace_back(util::Trim(w));
  std::vector<const Reference*> out;
  size_t count = 0;
  for (const Reference* r : ByKey(library)) {
    std::string text = util::ToLower(r->id + " " + cite::FormatText(*r));
    bool all = !words.empty();
    for (const std::string& w : words) all = all && text.find(w) != std::string::npos;
    if (!all) continue;
    ++count;
    if (out.size() < max) out.push_back(r);
  }
  if (total != nullptr) *total = count;
  return out;
}

CitePicker CitePickerHtml(const std::vector<Reference>& library, std::string_view body, std::string_view up) {
  CitePicker out;
  std::string& html = out.section;
  html =
      "<section class=\"editor-cite\" aria-labelledby=\"cite-heading\"" +
      std::string(library.size() > kCitePickerAll ? " data-cite-search=\"1\"" : "") +
      ">\n<h2 id=\"cite-heading\">Cite a source</h2>\n<p class=\"admin-help\">Type a source's key in square "
      "brackets where it supports the text, as in the last column: <code>[@key]</code>, or several as "
      "<code>[@one; @two]</code>. Readers see numbered references in AMA style. New sources are imported in "
      "the <a href=\"" +
      Esc(up) + "library/references\">Library</a>.</p>\n";
  if (library.empty()) {
    html += "<p>The library has no sources yet.</p>\n</section>\n";
    return out;
  }
  html += "<p class=\"cite-status\" role=\"status\"></p>\n";
  std::vector<const Reference*> shown;
  std::string caption;
  if (library.size() <= kCitePickerAll) {
    shown = ByKey(library);
    caption = "All " + Plural(library.size(), "source", "sources") + " in the library";
  } else {
    // Too many to list: the ones this text cites, and a search.
    std::set<std::string> cited;
    for (std::string& k : CitedKeys(body)) cited.insert(std::move(k));
    for (const Reference* r : ByKey(library))
      if (cited.count(r->id)) shown.push_back(r);
    caption = "Sources this article cites: " + std::to_string(shown.size());
    html += "<p>The library has " + Plural(library.size(), "source", "sources") +
            ", too many to list here: below are the ones this article cites. Search the library for others" +
            "<span class=\"cite-newtab\">; the results open in a new tab, and your text here stays as it "
            "is</span>" +
            ".</p>\n<div class=\"cite-search\">\n<label for=\"cite-q\">Search the library's sources</label>\n"
            "<p id=\"cite-q-help\" class=\"admin-help\">An author, words of the title, a year or a key.</p>\n"
            "<input id=\"cite-q\" name=\"cite_q\" type=\"search\" form=\"cite-search\" "
            "aria-describedby=\"cite-q-help\">\n<button type=\"submit\" form=\"cite-search\">Search sources"
            "<span class=\"cite-newtab\"> (opens a new tab)</span></button>\n</div>\n";
    out.outside = "<form id=\"cite-search\" method=\"get\" action=\"" + Esc(up) +
                  "articles/cite\" target=\"_blank\"></form>\n";
  }
  html += "<div class=\"cite-list\" role=\"region\" aria-labelledby=\"cite-caption\" tabindex=\"0\">\n" +
          Table(shown, caption, "None of the library's sources is cited in this text yet.") + "</div>\n";
  return out;
}

Response CiteSearchPage(const std::vector<Reference>& library, const Request& req) {
  std::string q(util::Trim(QueryValue(req.Query(), "cite_q")));
  std::string html =
      "<h1>Find a source to cite</h1>\n<p>Copy the key as shown under \"Type in the text\" into the article, "
      "then close this tab to go back to it. All references: <a href=\"../library/references\">the "
      "Library</a>.</p>\n"
      "<form class=\"admin-form\" method=\"get\" action=\"cite\" role=\"search\" aria-label=\"Sources\">\n"
      "<label for=\"cite-q\">Search the library's sources</label>\n"
      "<p id=\"cite-q-help\" class=\"admin-help\">An author, words of the title, a year or a key.</p>\n"
      "<input id=\"cite-q\" name=\"cite_q\" type=\"search\" aria-describedby=\"cite-q-help\" value=\"" +
      Esc(q) + "\">\n<button type=\"submit\">Search sources</button>\n</form>\n";
  if (q.empty()) {
    html += "<p>The library has " + Plural(library.size(), "source", "sources") +
            ". Type what you look for.</p>\n";
  } else {
    size_t total = 0;
    std::vector<const Reference*> found = FindReferences(library, q, kCiteSearchMax, &total);
    std::string caption =
        Plural(total, "source matches", "sources match") + " \"" + q + "\"" +
        (total > found.size() ? ": the first " + std::to_string(found.size()) + " shown" : "");
    html += Table(found, caption, "No source matches: try fewer or other words.");
  }
  return HtmlResponse(200, Page("Find a source to cite", req.actor, req.csrf, html, "../"), "admin_cite");
}

std::string_view CiteScript() {
  return R"JS(// vetted newsroom: the editor's "Cite a source" section. Adds an "Insert citation"
// button to each source (it puts [@key] at the cursor in the article text) and a
// filter box; for a large library, the search fills the section in place.
(function () {
  'use strict';
  var section = document.querySelector('section.editor-cite');
  var body = document.getElementById('f-body');
  if (!section || !body) return;
  var table = section.querySelector('table.cite-table');
  var status = section.querySelector('.cite-status');
  if (!table) return;
  function say(text) { if (status) status.textContent = text; }
  function insert(cite) {
    var start = body.selectionStart, end = body.selectionEnd;
    if (typeof start !== 'number') { start = end = body.value.length; }
    body.focus();
    if (typeof body.setRangeText === 'function') {
      body.setRangeText(cite, start, end, 'end');
    } else {
      body.value = body.value.slice(0, start) + cite + body.value.slice(end);
      body.selectionStart = body.selectionEnd = start + cite.length;
    }
    body.dispatchEvent(new Event('input', {bubbles: true}));
    say('Inserted ' + cite + ' into the article text.');
  }
  function addButtons() {
    var rows = table.querySelectorAll('tr[data-cite-key]');
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      if (row.querySelector('button.cite-insert')) continue;
      var cite = '[@' + row.getAttribute('data-cite-key') + ']';
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'cite-insert';
      b.textContent = 'Insert citation';
      b.setAttribute('aria-label', 'Insert citation ' + cite);
      b.addEventListener('click', insert.bind(null, cite));
      row.lastElementChild.appendChild(b);
    }
  }
  function words(text) { return text.toLowerCase().split(/\s+/).filter(Boolean); }
  addButtons();
  var list = section.querySelector('.cite-list');
  if (!section.hasAttribute('data-cite-search')) {
    // The whole library is listed: filter it here.
    var box = document.createElement('div');
    box.className = 'cite-filter';
    box.innerHTML = '<label for="cite-filter">Filter sources</label>' +
      '<p id="cite-filter-help" class="admin-help">Shows the sources whose key or reference contain every word ' +
      'you type.</p><input id="cite-filter" type="search" aria-describedby="cite-filter-help">';
    list.parentNode.insertBefore(box, list);
    var input = box.querySelector('input');
    var rows = table.querySelectorAll('tr[data-cite-key]');
    input.addEventListener('keydown', function (e) { if (e.key === 'Enter') e.preventDefault(); });
    input.addEventListener('input', function () {
      var want = words(input.value), shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var text = (rows[i].cells[0].textContent + ' ' + rows[i].cells[1].textContent).toLowerCase();
        var ok = want.every(function (w) { return text.indexOf(w) >= 0; });
        rows[i].hidden = !ok;
        if (ok) shown++;
      }
      say(want.length ? shown + ' of ' + rows.length + ' sources shown.' : '');
    });
    return;
  }
  // A large library: the search page's results, here.
  var form = document.getElementById('cite-search');
  var q = document.getElementById('cite-q');
  if (!form || !q || !window.fetch || !window.DOMParser) return;
  var notes = section.querySelectorAll('.cite-newtab');
  for (var n = 0; n < notes.length; n++) notes[n].remove();
  var cited = table.tBodies[0].cloneNode(true), citedCaption = table.caption.textContent;
  var timer = null, asked = 0;
  function search() {
    var mine = ++asked;
    if (!words(q.value).length) {
      table.replaceChild(cited.cloneNode(true), table.tBodies[0]);
      table.caption.textContent = citedCaption;
      addButtons();
      say('');
      return;
    }
    var url = new URL(form.getAttribute('action'), document.baseURI);
    url.searchParams.set('cite_q', q.value);
    fetch(url, {credentials: 'same-origin'})
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (text) {
        if (text === null || mine !== asked) return;
        var doc = new DOMParser().parseFromString(text, 'text/html');
        var fresh = doc.querySelector('table.cite-table tbody');
        var caption = doc.querySelector('table.cite-table caption');
        if (!fresh) return;
        table.replaceChild(document.importNode(fresh, true), table.tBodies[0]);
        table.caption.textContent = caption ? caption.textContent : '';
        addButtons();
        say(table.caption.textContent + '.');
      })
      .catch(function () {});
  }
  form.addEventListener('submit', function (e) { e.preventDefault(); search(); });
  q.addEventListener('input', function () {
    if (timer) clearTimeout(timer);
    timer = setTimeout(search, 400);
  });
})();
)JS";
}

}  // namespace vetted::server::admin
