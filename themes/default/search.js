// vetted default theme: search on a static host. Only the static build's search page (search/index.html) loads
// this; `vetted serve` answers /search/ itself. It reads ?q=, ?section= and ?page=, fetches the index shards of the
// query's words (format: src/render/search_index.h), ranks as the server does (FTS5 bm25, title 10, description 5,
// headings 4, tags 4, body 1, glossary 0.5; every word, else any word) and writes the server's results markup.
// Words are cut, spelled (util::SearchSpelling's rules on the lists in data-spelling) and stemmed as
// src/render/search_words.cc and src/render/search_index.cc do (Porter, as FTS5's porter tokenizer): keep them in step.
(function () {
  "use strict";
  var doc = document;
  var root = doc.getElementById("static-search");
  var form = doc.querySelector("form.search-form");
  if (!root || !form || !window.fetch || !window.URLSearchParams) return;

  var PER_PAGE = 10, MAX_PAGE = 100, MAX_WORDS = 12, MAX_WORD_BYTES = 64, SNIPPET = 24;
  var buckets = +root.getAttribute("data-buckets") || 1;
  var chunk = +root.getAttribute("data-chunk") || 16;
  var total = +root.getAttribute("data-docs") || 0;
  var base = new URL("./", form.action);                             // ".../search/"
  var sitePath = new URL("../", base).pathname.replace(/\/$/, "");  // "" or "/health"
  var utf8 = new TextEncoder();

  // ---- words: runs of letters and digits, ASCII lower-cased; Porter's stemmer as FTS5 runs it.
  // Letters and digits (src/render/search_words.cc IsSearchWordChar).
  function isWordChar(c) {
    if (c < 0x80) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (c < 0xC0) return c === 0xAA || c === 0xB5 || c === 0xBA;
    if (c === 0xD7 || c === 0xF7 || c === 0xFFFD || (c >= 0xD800 && c <= 0xDFFF)) return false;
    if ((c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F)) return false;
    if ((c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF0F)) return false;
    return !(c >= 0xE000 && c <= 0xF8FF);
  }
  function words(text, callback) {  // callback(word, start, end), offsets in text
    var start = -1;
    for (var i = 0; i <= text.length;) {
      var c = i < text.length ? text.codePointAt(i) : -1;
      var isWord = c >= 0 && isWordChar(c);
      if (isWord && start < 0) start = i;
      if (!isWord && start >= 0) {
        callback(text.slice(start, i).replace(/[A-Z]/g, function (a) { return a.toLowerCase(); }), start, i);
        start = -1;
      }
      i += c > 0xFFFF ? 2 : 1;
    }
  }

  function vowel(c, yIsVowel) { return c === "a" || c === "e" || c === "i" || c === "o" || c === "u" || (yIsVowel && c === "y"); }
  function gobbleVC(w, from, n, prevConsonant) {  // one past the first vowel-consonant pair of w[from, n), or 0
    var cons = prevConsonant, i = from;
    for (; i < n; i++) { cons = !vowel(w[i], cons); if (!cons) break; }
    for (i++; i < n; i++) { cons = !vowel(w[i], cons); if (cons) return i + 1 - from; }
    return 0;
  }
  function m0(w, n) { return gobbleVC(w, 0, n, false) !== 0; }
  function m1(w, n) { var k = gobbleVC(w, 0, n, false); return k !== 0 && gobbleVC(w, k, n, true) !== 0; }
  function meq1(w, n) { var k = gobbleVC(w, 0, n, false); return k !== 0 && gobbleVC(w, k, n, true) === 0; }
  function ostar(w, n) {
    var last = w[n - 1];
    if (last === "w" || last === "x" || last === "y") return false;
    var mask = 0, cons = false;
    for (var i = 0; i < n; i++) { cons = !vowel(w[i], cons); mask = ((mask << 1) + (cons ? 1 : 0)) & 7; }
    return mask === 5;
  }
  function hasVowel(w, n) { for (var i = 0; i < n; i++) if (vowel(w[i], i > 0)) return true; return false; }
  function ends(w, s) { return w.length > s.length && w.slice(w.length - s.length) === s; }
  var STEP2 = "ational ate 0,tional tion 0,enci ence 0,anci ance 0,izer ize 0,logi log 0,bli ble 0,alli al 0,entli ent 0,eli e 0,ousli ous 0,ization ize 0,ation ate 0,ator ate 0,alism al 0,iveness ive 0,fulness ful 0,ousness ous 0,aliti al 0,iviti ive 0,biliti ble 0";
  var STEP3 = "icate ic 0,ative  0,alize al 0,iciti ic 0,ical ic 0,ful  0,ness  0";
  var STEP4 = "al  1,ance  1,ence  1,er  1,ic  1,able  1,ible  1,ant  1,ement  1,ment  1,ent  1,ion  2,ou  1,ism  1,ate  1,iti  1,ous  1,ive  1,ize  1";
  function rules(text) { return text.split(",").map(function (r) { return r.split(" "); }); }
  var steps = [rules(STEP2), rules(STEP3), rules(STEP4)];
  function holds(cond, w, n) {
    if (cond === "0") return m0(w, n);
    if (cond === "1") return m1(w, n);
    return n > 0 && (w[n - 1] === "s" || w[n - 1] === "t") && m1(w, n);
  }
  function apply(w, list) {
    for (var i = 0; i < list.length; i++) {
      if (!ends(w, list[i][0])) continue;
      var n = w.length - list[i][0].length;
      return holds(list[i][2], w, n) ? w.slice(0, n) + list[i][1] : w;
    }
    return w;
  }
  // The stemmer works on bytes, as FTS5's does: a word with other letters than ASCII goes through as Latin-1.
  function stem(word) {
    var bytes = utf8.encode(word);
    if (bytes.length < 3 || bytes.length > MAX_WORD_BYTES) return word;
    if (bytes.length === word.length) return stemBytes(word);
    var out = stemBytes(String.fromCharCode.apply(null, bytes));
    return new TextDecoder().decode(Uint8Array.from(out, function (c) { return c.charCodeAt(0); }));
  }
  function stemBytes(w) {
    var n = w.length;
    if (w[n - 1] === "s") {
      if (w[n - 2] === "e") w = w.slice(0, (n > 4 && w[n - 4] === "s" && w[n - 3] === "s") || (n > 3 && w[n - 3] === "i") ? n - 2 : n - 1);
      else if (w[n - 2] !== "s") w = w.slice(0, n - 1);
    }
    n = w.length;
    var cut = false;
    if (ends(w, "eed")) { if (m0(w, n - 3)) w = w.slice(0, n - 1); }
    else if (n > 2 && ends(w, "ed")) { if (hasVowel(w, n - 2)) { w = w.slice(0, n - 2); cut = true; } }
    else if (ends(w, "ing")) { if (hasVowel(w, n - 3)) { w = w.slice(0, n - 3); cut = true; } }
    if (cut) {
      if (ends(w, "at") || ends(w, "bl") || ends(w, "iz")) w += "e";
      else {
        n = w.length;
        var c = w[n - 1];
        if (n >= 2 && !vowel(c, false) && c !== "l" && c !== "s" && c !== "z" && c === w[n - 2]) w = w.slice(0, n - 1);
        else if (meq1(w, n) && ostar(w, n)) w += "e";
      }
    }
    if (w[w.length - 1] === "y" && hasVowel(w, w.length - 1)) w = w.slice(0, -1) + "i";
    for (var s = 0; s < steps.length; s++) w = apply(w, steps[s]);
    n = w.length;
    if (w[n - 1] === "e" && (m1(w, n - 1) || (meq1(w, n - 1) && !ostar(w, n - 1)))) w = w.slice(0, n - 1);
    n = w.length;
    if (n > 1 && w[n - 1] === "l" && w[n - 2] === "l" && m1(w, n - 1)) w = w.slice(0, n - 1);
    return w;
  }

  // The spelling step before stemming (src/util/spelling.cc SearchSpelling: British -> American, so that "anaemia"
  // finds "anemia"): the same rules, applied to the lists the build writes into the page (data-spelling, from
  // util::SearchSpellingTable: "infixes|our-stems|re-stems|words|anywhere").
  var lists = (root.getAttribute("data-spelling") || "").split("|");
  function pairs(text) { return text ? text.split(",").map(function (r) { return r.split(">"); }) : []; }
  var INFIXES = pairs(lists[0]), OUR = lists[1] ? lists[1].split(",") : [], RE = lists[2] ? lists[2].split(",") : [];
  var WHOLE = {}, ALWAYS = pairs(lists[4]);
  pairs(lists[3]).forEach(function (r) { WHOLE[r[0]] = r[1]; });
  function replaceIn(w, from, to) {
    for (var at = w.indexOf(from); at >= 0; at = w.indexOf(from, at + to.length)) w = w.slice(0, at) + to + w.slice(at + from.length);
    return w;
  }
  function reStem(w, s) {  // "centre" -> "center", "centres" -> "centers", "centred" -> "centered", "centring"
    for (var at = w.indexOf(s); at >= 0; at = w.indexOf(s, at + 1)) {
      var end = at + s.length;
      if (w.substr(end, 2) === "re") {
        var past = w.charAt(end + 2) === "d";
        return w.slice(0, end) + (past ? "ered" : "er") + w.slice(end + (past ? 3 : 2));
      }
      if ((s === "cent" || s === "maneuv") && w.substr(end, 4) === "ring") return w.slice(0, end) + "ering" + w.slice(end + 4);
    }
    return w;
  }
  function spell(word) {
    var digraph = false, our = false, re = false, i;
    for (i = 1; i < word.length; i++) {
      var c = word[i], p = word[i - 1], pp = i >= 2 ? word[i - 2] : " ";
      if (c === "e" && (p === "a" || p === "o")) digraph = true;
      if (c === "r" && p === "u" && pp === "o") our = true;
      if (p === "r" && (c === "e" || c === "i") && "tbgvh".indexOf(pp) >= 0) re = true;
    }
    if (/[\u00C0-\u00FF\u0140-\u017F]/.test(word)) {  // æ, œ (and Æ, Œ) read as "ae", "oe"
      var w2 = word.replace(/[\u00E6\u00C6]/g, "ae").replace(/[\u0153\u0152]/g, "oe");
      return w2 === word ? word : spell(w2);
    }
    if (Object.prototype.hasOwnProperty.call(WHOLE, word)) return WHOLE[word];
    var w = word;
    ALWAYS.forEach(function (r) { if (w.indexOf(r[0]) >= 0) w = replaceIn(w, r[0], r[1]); });
    if (digraph) INFIXES.forEach(function (r) { if (w.indexOf(r[0]) >= 0) w = replaceIn(w, r[0], r[1]); });
    if (our) OUR.forEach(function (s) { var at = w.indexOf(s); if (at >= 0) w = w.slice(0, at + s.length - 2) + w.slice(at + s.length - 1); });
    if (re) RE.forEach(function (s) { w = reStem(w, s); });
    return w;
  }
  function key(word) { return stem(spell(word)); }  // a word as the index holds it

  // The reader's words as the server takes them: at most 12, without duplicates, none over 64 bytes.
  function queryWords(text) {
    var out = [];
    words(text.slice(0, 1024), function (w) {
      if (out.length < MAX_WORDS && out.indexOf(w) < 0 && utf8.encode(w).length <= MAX_WORD_BYTES) out.push(w);
    });
    return out;
  }

  function hash(s) {  // FNV-1a, 32 bits, of the UTF-8 bytes
    var h = 0x811c9dc5, b = utf8.encode(s);
    for (var i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 16777619) >>> 0;
    return h;
  }

  var cache = {};
  function load(path) {
    if (!cache[path]) {
      cache[path] = fetch(new URL(path, base)).then(function (r) {
        if (!r.ok) throw new Error(path + ": " + r.status);
        return r.json();
      });
    }
    return cache[path];
  }

  // Postings of one stem: {docs, scores} (typed arrays, docs increasing), or null when no article has it.
  function postings(s) {
    return load("t/" + (hash(s) & (buckets - 1)).toString(16) + ".json").then(function (shard) {
      var list = Object.prototype.hasOwnProperty.call(shard, s) ? shard[s] : null;
      if (!list) return null;
      var n = (list.length - 1) >> 1, docs = new Int32Array(n), scores = new Float64Array(n), idf = list[0], d = 0;
      for (var i = 0; i < n; i++) {
        d += list[1 + 2 * i];
        docs[i] = d;
        scores[i] = idf * list[2 + 2 * i] / 10000;
      }
      return { docs: docs, scores: scores };
    });
  }

  // Articles with every list (or any, when `any`), in the section when one is given: how many, and the best
  // `keep` as [score, doc], best first (ties: the first article first, as the server).
  function rank(lists, sectionOf, any, keep) {
    var score = new Float64Array(total), found = new Uint8Array(total), best = [], count = 0;
    lists.forEach(function (l) {
      if (!l) return;
      for (var i = 0; i < l.docs.length; i++) { score[l.docs[i]] += l.scores[i]; found[l.docs[i]]++; }
    });
    for (var d = 0; d < total; d++) {
      if (!found[d] || (!any && found[d] !== lists.length) || (sectionOf && !sectionOf(d))) continue;
      count++;
      if (best.length === keep && score[d] <= best[keep - 1][0]) continue;
      var at = best.length;
      while (at > 0 && best[at - 1][0] < score[d]) at--;
      best.splice(at, 0, [score[d], d]);
      if (best.length > keep) best.pop();
    }
    return { count: count, best: best };
  }

  // ---- the results markup, as themes/default/search.mustache writes it on the server.
  function el(tag, attrs, text) {
    var e = doc.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  function url(path) { return path.charAt(0) === "/" && path.charAt(1) !== "/" ? sitePath + path : path; }
  function pageUrl(q, section, page) {
    var u = sitePath + "/search/?q=" + encodeURIComponent(q);
    if (section) u += "&section=" + encodeURIComponent(section);
    return page > 1 ? u + "&page=" + page : u;
  }

  // The description around its best matches (the server's snippet rules, on the description).
  function snippet(text, stems) {
    var tokens = [];
    words(text, function (w, start, end) { tokens.push([start, end, stems.indexOf(key(w))]); });
    var n = tokens.length, best = -1, bestScore = 0;
    for (var f = 0; f < n; f++) {
      if (tokens[f][2] < 0) continue;
      var seen = new Set(), hits = 0;
      for (var i = f; i < Math.min(n, f + SNIPPET); i++) if (tokens[i][2] >= 0) { seen.add(stems[tokens[i][2]]); hits++; }
      var score = seen.size * 1000 + hits;
      if (score > bestScore) { bestScore = score; best = f; }
    }
    var p = el("p", { class: "snippet" });
    var first = Math.max(0, Math.min(Math.max(best, 0) - 3, n - SNIPPET)), last = Math.min(n, first + SNIPPET);
    if (first >= last) return null;
    if (first > 0) p.append("\u2026");
    for (var t = first; t < last; t++) {
      if (t > first) p.append(text.slice(tokens[t - 1][1], tokens[t][0]).replace(/[ \n\r\t]+/g, " "));
      var word = text.slice(tokens[t][0], tokens[t][1]);
      p.append(tokens[t][2] >= 0 ? el("mark", {}, word) : word);
    }
    if (last < n) p.append("\u2026");
    return p;
  }

  function show(q, section, sectionTitle, count, page, docs, stems) {
    var h1 = doc.querySelector("main h1"), after = form, titles = {};
    form.querySelectorAll("#search_section option").forEach(function (o) { if (o.value) titles[o.value] = o.textContent; });
    h1.textContent = "Search results";
    doc.title = "Search results for \u201c" + q + "\u201d" + doc.title.slice(doc.title.indexOf(" | "));
    function add(node) { after.after(node); after = node; }
    var line = el("p", { class: "result-count" }, (count === 1 ? "1 result" : count + " results") + " for ");
    line.append(el("q", {}, q));
    if (sectionTitle) line.append(" in " + sectionTitle);
    add(line);
    var offset = (page - 1) * PER_PAGE, pages = Math.ceil(count / PER_PAGE);
    if (docs.length) {
      var ol = el("ol", { class: "search-results", start: String(offset + 1) });
      docs.forEach(function (d) {
        var li = el("li");
        li.append(el("a", { href: url(d[0]) }, d[1] || d[0]), "\n");
        var s = snippet(d[3], stems);
        if (s) li.append(s, "\n");
        if (titles[d[2]]) li.append(el("p", { class: "hit-section" }, "In " + titles[d[2]]), "\n");
        ol.append(li);
      });
      add(ol);
      var browse = doc.querySelector(".search-browse");
      if (browse) browse.hidden = true;
    } else if (count) {
      add(el("p", {}, "There are no more results for this search."));
    }
    if (offset > 0 || pages > 1) {
      var ul = el("ul");
      function link(text, to) {
        var a = el("a", { href: pageUrl(q, section, to) }, text);
        a.append(el("span", { class: "visually-hidden" }, " page of results"));
        var li = el("li");
        li.append(a);
        ul.append(li);
      }
      if (offset > 0) link("Previous", Math.max(1, Math.min(page - 1, pages)));
      if (page <= pages) ul.append(el("li", { class: "page-of" }, "Page " + page + " of " + pages));
      if (offset + PER_PAGE < count) link("Next", page + 1);
      var nav = el("nav", { class: "pagination", "aria-label": "Search results pages" });
      nav.append(ul);
      add(nav);
    }
    if (!count) {
      var help = doc.getElementById("search-no-results");
      if (help) add(help.content.firstElementChild.cloneNode(true));
    }
  }

  function fail() {
    var p = el("p", { class: "search-error" }, "Search is not available right now; please try again, or browse our topics below.");
    form.after(p);
  }

  var params = new URLSearchParams(location.search);
  var q = (params.get("q") || "").slice(0, 256), section = params.get("section") || "";
  var page = Math.min(MAX_PAGE, Math.max(1, parseInt(params.get("page"), 10) || 1));
  var input = doc.getElementById("search_q"), select = doc.getElementById("search_section");
  var sectionTitle = "";
  if (select) {
    var known = Array.prototype.some.call(select.options, function (o) { return o.value && o.value === section; });
    if (!known) section = "";
    select.value = section;
    if (section) sectionTitle = select.options[select.selectedIndex].textContent;
  } else {
    section = "";
  }
  if (input) input.value = q;
  var terms = queryWords(q);
  if (!q.trim() || !terms.length) {
    if (q.trim()) show(q, section, sectionTitle, 0, page, [], []);
    return;
  }
  function mark(name) { if (window.performance && performance.mark) performance.mark("vetted-search-" + name); }
  mark("start");
  var stems = terms.map(key);
  Promise.all([Promise.all(stems.map(postings)), section ? load("sections.json") : null]).then(function (got) {
    mark("loaded");
    var lists = got[0], table = got[1], sectionOf = null;
    if (table) {
      var k = table.sections.indexOf(section);
      sectionOf = function (d) { return table.of[d] === k; };
    }
    var rows = rank(lists, sectionOf, false, page * PER_PAGE);
    if (!rows.count && lists.length > 1) rows = rank(lists, sectionOf, true, page * PER_PAGE);
    mark("ranked");
    var shown = rows.best.slice((page - 1) * PER_PAGE);
    return Promise.all(shown.map(function (r) {
      return load("d/" + Math.floor(r[1] / chunk) + ".json").then(function (c) { return c[r[1] % chunk]; });
    })).then(function (docs) {
      show(q, section, sectionTitle, rows.count, page, docs, stems);
      mark("done");
    });
  }).catch(fail);
})();
