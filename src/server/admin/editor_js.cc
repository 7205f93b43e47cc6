// GET /admin/editor.js (editor_routes.h): the editor's live preview, a
// progressive enhancement. Without it the "Preview" button does the same.
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
        place(doc.querySelector('section.admin-findings'), document.querySelector('section.admin-findings'), null);
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

}  // namespace vetted::server::admin
