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

  // Feedback: sent as JSON when fetch exists; without it, or when the network fails, the form posts as usual.
  function paragraph(text, className) {
    var p = doc.createElement("p");
    p.textContent = text;
    if (className) p.className = className;
    return p;
  }
  if (window.fetch) {
    doc.querySelectorAll("form.js-feedback").forEach(function (form) {
      var errorBox = form.parentNode.querySelector(".js-feedback-error");
      var button = form.querySelector('button[type="submit"]');
      var sending = false;
      function done() {
        var status = doc.createElement("div");
        status.className = "feedback-thanks";
        status.setAttribute("role", "status");
        status.tabIndex = -1;
        status.appendChild(paragraph("Thank you for your feedback.", "feedback-thanks-title"));
        status.appendChild(paragraph("Our editors read all feedback and use it to correct mistakes and improve " +
          "our articles. We do not store your name or IP address, and we cannot reply to feedback."));
        if (errorBox) errorBox.hidden = true;
        form.parentNode.replaceChild(status, form);
        status.focus();
      }
      function fail(message) {
        sending = false;
        if (button) button.disabled = false;
        if (!errorBox) return;
        errorBox.textContent = "";
        errorBox.appendChild(paragraph("Your feedback was not sent", "error-summary-title"));
        errorBox.appendChild(paragraph(message));
        errorBox.hidden = false;
        errorBox.focus();
      }
      function fallback() {
        HTMLFormElement.prototype.submit.call(form);
      }
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (sending) return;
        sending = true;
        if (button) button.disabled = true;
        var data = new FormData(form);
        var field = function (name) { var v = data.get(name); return v === null ? "" : String(v); };
        var body = { article: field("article"), revision: field("revision"), comment: field("comment"),
          website: field("website") };
        if (field("helpful")) body.helpful = field("helpful") === "yes";
        // A Yes without a follow-up answer is "helpful", a No without one "other" (as the form post).
        if (field("category")) body.category = field("category");
        else if (field("helpful")) body.category = body.helpful ? "helpful" : "other";
        // The form posts to ".../feedback"; its JSON twin is ".../api/feedback" beside it (a path prefix, an endpoint).
        var api = form.action.replace(/feedback\/?$/, "api/feedback");
        fetch(api, { method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body), credentials: "same-origin" }).then(function (response) {
          if (response.status === 201) return done();
          if (response.status < 400 || response.status >= 500) return fallback();
          return response.json().catch(function () { return {}; }).then(function (json) {
            fail(json && typeof json.error === "string" && json.error ? json.error
              : "Please check your answers and try again.");
          });
        }, fallback);
      });
    });
  }

  // Escape hides a glossary definition shown by keyboard focus (WCAG 1.4.13).
  doc.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var active = doc.activeElement;
    if (active && active.classList && active.classList.contains("term")) active.blur();
  });
})();
