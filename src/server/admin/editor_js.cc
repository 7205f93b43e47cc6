// GET /admin/editor.js and /admin/editor.css (editor_routes.h): the editor's
// live preview, a progressive enhancement (without it the "Preview" button
// does the same), and the writing pages' styles.
#include <string_view>

namespace vetted::server::admin {

std::string_view EditorScript() {
  return R"JS(// vetted newsroom: refreshes the editor's Checks and Preview as the writer types.
// It sends the form as the Preview button does (action=preview; nothing is saved)
// and swaps in the two sections of the answer.
(function () {
  'use strict';
  var form = document.querySelector('form.admin-editor');
  if (!form || !window.fetch || !window.DOMParser || !window.URLSearchParams) return;
  var timer = null, busy = false, again = false;
  function place(fresh, old, after) {
    if (fresh && old) old.replaceWith(fresh);
    else if (fresh && after) after.insertAdjacentElement('afterend', fresh);
  }
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    var data = new URLSearchParams(new FormData(form));
    data.set('action', 'preview');
    // Not form.action: the form's buttons named "action" shadow that property.
    var target = new URL(form.getAttribute('action'), document.baseURI);
    fetch(target, {method: 'POST', body: data, credentials: 'same-origin'})
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (text) {
        if (text === null) return;
        var doc = new DOMParser().parseFromString(text, 'text/html');
        place(doc.querySelector('section.admin-findings'), document.querySelector('section.admin-findings'),
              document.querySelector('.editor-body'));
        place(doc.querySelector('section.admin-preview'), document.querySelector('section.admin-preview'),
              document.querySelector('details.admin-kept') || form);
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }
  form.addEventListener('input', function () {
    if (timer) clearTimeout(timer);
    timer = setTimeout(refresh, 1200);
  });
})();
)JS";
}

std::string_view EditorStylesheet() {
  return R"css(/* vetted newsroom: the writing pages (article list, editor), on top of admin.css. */
.admin-main { max-width: 80rem; }
.admin-form.admin-editor, .admin-form.admin-filters { max-width: none; }
.admin-editor input[type="text"], .admin-editor input[type="date"], .admin-editor select,
.admin-editor textarea, .admin-filters input, .admin-filters select, .admin-conflict textarea {
  font: inherit;
  width: 100%;
  padding: 0.5rem 0.6rem;
  border: 1px solid var(--muted);
  border-radius: 4px;
  background: var(--bg);
  color: var(--text);
}
.admin-editor textarea, .admin-conflict textarea {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 0.95rem;
  line-height: 1.45;
}
.admin-editor fieldset {
  display: grid;
  gap: 0.35rem;
  margin: 0.75rem 0 0;
  padding: 0.5rem 1rem 1rem;
  border: 1px solid var(--line);
  border-radius: 4px;
}
.admin-editor legend { font-weight: 600; }
.editor-text { display: grid; gap: 1rem; }
.editor-body { display: grid; gap: 0.35rem; }
@media (min-width: 64rem) {
  .editor-text { grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); align-items: start; }
  .editor-text .admin-findings { position: sticky; top: 1rem; margin-top: 0.75rem; }
}
.admin-findings {
  padding: 0.75rem 1rem;
  background: var(--soft);
  border: 1px solid var(--line);
  border-radius: 4px;
}
.admin-findings h2 { font-size: 1.2rem; margin: 0 0 0.5rem; }
.admin-findings ul { margin: 0; padding-left: 1.1rem; }
.admin-findings li { margin: 0.4rem 0; }
.admin-findings .admin-error strong { color: var(--crisis); }
.admin-presence {
  padding: 0.75rem 1rem;
  background: #fff6e0;
  border-left: 4px solid var(--focus);
  border-radius: 4px;
}
.admin-note {
  padding: 0.75rem 1rem;
  color: var(--ok);
  background: var(--ok-bg);
  border-left: 4px solid var(--ok);
  border-radius: 4px;
}
.admin-check { display: flex; gap: 0.5rem; align-items: center; margin-top: 0.75rem; }
.admin-check input { width: 1.2rem; height: 1.2rem; }
.admin-form .admin-check label { margin: 0; }
.admin-actions { display: flex; flex-wrap: wrap; gap: 0.75rem; }
.admin-filters { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: end; }
.admin-filter { display: grid; gap: 0.25rem; min-width: 10rem; flex: 1; }
.admin-form .admin-filter label { margin-top: 0; }
.admin-table { width: 100%; margin-top: 1.5rem; border-collapse: collapse; }
.admin-table caption { text-align: left; color: var(--muted); }
.admin-table th, .admin-table td {
  padding: 0.5rem;
  text-align: left;
  vertical-align: top;
  border-bottom: 1px solid var(--line);
}
.admin-table tbody th { font-weight: 600; }
.admin-table tbody th .admin-help { font-weight: normal; }
.admin-conflict { display: grid; gap: 0.35rem; margin: 1rem 0; }
.admin-conflict label { font-weight: 600; }
.admin-kept pre { white-space: pre-wrap; padding: 0.5rem; background: var(--soft); }
.admin-preview { margin-top: 2rem; padding-top: 1rem; border-top: 2px solid var(--line); }
.admin-preview img, .admin-preview svg { max-width: 100%; height: auto; }
.editor-cite {
  display: grid;
  gap: 0.5rem;
  margin-top: 1rem;
  padding: 0.75rem 1rem;
  border: 1px solid var(--line);
  border-radius: 4px;
}
.editor-cite h2 { font-size: 1.2rem; margin: 0; }
.editor-cite p { margin: 0; }
.cite-status:empty { display: none; }
.cite-filter, .cite-search { display: grid; gap: 0.25rem; }
.admin-form .cite-filter label, .admin-form .cite-search label { margin-top: 0; }
.admin-form .cite-search button { margin-top: 0.25rem; }
.cite-list { max-height: 24rem; overflow: auto; border: 1px solid var(--line); border-radius: 4px; }
.cite-table { width: 100%; border-collapse: collapse; }
.cite-table caption { text-align: left; color: var(--muted); padding: 0.5rem; }
.cite-table th, .cite-table td {
  padding: 0.4rem 0.5rem;
  text-align: left;
  vertical-align: top;
  border-top: 1px solid var(--line);
  overflow-wrap: anywhere;
}
.cite-table tbody th { font-weight: 600; }
.cite-table code { white-space: nowrap; }
.admin-form .cite-table button.cite-insert { display: block; margin-top: 0.4rem; padding: 0.25rem 0.6rem; }
)css";
}

}  // namespace vetted::server::admin
