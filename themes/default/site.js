// vetted default theme: progressive enhancement only. Every page works without it.
(function () {
  "use strict";
  var doc = document;

  // Print button: shown only when printing is possible.
  doc.querySelectorAll(".js-print").forEach(function (button) {
    if (typeof window.print !== "function") return;
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // Native share sheet where the browser has one; the mailto link stays as the fallback.
  if (navigator.share) {
    doc.querySelectorAll(".js-share").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var canonical = doc.querySelector('link[rel="canonical"]');
        navigator.share({ title: doc.title, url: canonical ? canonical.href : location.href }).catch(function () {});
      });
    });
  }

  // The table of contents starts collapsed on small screens.
  var toc = doc.querySelector("details.toc");
  if (toc && window.matchMedia && window.matchMedia("(max-width: 40em)").matches) toc.open = false;

  // Escape hides a glossary definition shown by keyboard focus (WCAG 1.4.13).
  doc.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var active = doc.activeElement;
    if (active && active.classList && active.classList.contains("term")) active.blur();
  });
})();
