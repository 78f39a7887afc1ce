/* opedarchive site search: runs in the browser over the index shards that search.html loads
   (each adds its records to window.OPEDARCHIVE_SEARCH), so it works from file:// too.
   A record: [url, title, lang, date, summary, [[lang, folded text], ...]].
   The query is folded exactly as the index was at export time (opedarchive.text.khmer.fold):
   NFC, zero-width characters dropped, Khmer spelling normalised (SIL khnormal), coeng-da as
   coeng-ta, case folded, Khmer digits as ASCII; then every word must occur as a substring,
   so a Khmer word is found inside a longer unspaced run. Results are built with DOM calls
   only (textContent), never from HTML strings. */
(function () {
  "use strict";

  var INVISIBLE = /[\u200b\u200c\u200d\u2060\ufeff\u17b4\u17b5]/g;
  var KHMER = /[\u1780-\u17ff]/;
  // khnormal's character categories for U+1780..U+17DD.
  var CATS = (function () {
    var out = [];
    var runs = [[1, 35], [0, 2], [1, 15], [0, 2], [9, 1], [8, 4], [7, 3], [6, 8], [10, 1], [11, 2],
                [4, 2], [10, 1], [2, 1], [10, 5], [3, 1], [10, 1], [0, 9], [10, 1]];
    runs.forEach(function (run) { for (var i = 0; i < run[1]; i++) { out.push(run[0]); } });
    return out;
  })();
  var BASE = 1, COENG = 3;

  function category(ch) {
    var code = ch.charCodeAt(0);
    if (code >= 0x1780 && code <= 0x17dd) { return CATS[code - 0x1780]; }
    if (code === 0x200c) { return 5; }
    if (code === 0x200d) { return 12; }
    return 0;
  }

  // Port of khmerspell.khnormal (SIL Global, MIT): each syllable's characters sorted by
  // category, then the spelling variants rewritten. Its shifter rules never apply there
  // (their patterns are compiled without re.VERBOSE), so they are not ported.
  function khnormal(text) {
    var n = text.length, cats = new Array(n), i;
    for (i = 0; i < n; i++) { cats[i] = category(text[i]); }
    for (i = 1; i < n; i++) {
      if ((text[i - 1] === "\u200d" || text[i - 1] === "\u17d2") && (cats[i] === BASE || cats[i] === COENG)) {
        cats[i] = cats[i - 1];
      }
    }
    var out = [];
    i = 0;
    while (i < n) {
      if (cats[i] !== BASE) { out.push(text[i]); i++; continue; }
      var j = i + 1;
      while (j < n && cats[j] > BASE) { j++; }
      var order = [];
      for (var k = i; k < j; k++) { order.push(k); }
      order.sort(function (a, b) { return (cats[a] - cats[b]) || (a - b); });
      var s = order.map(function (k) { return text[k]; }).join("");
      s = s.replace(/(\u200d?\u17d2)[\u17d2\u200c\u200d]+/g, "$1")
        .replace(/\u17be\u17b6/g, "\u17c4\u17b8")
        .replace(/\u17c1([\u17bb-\u17bd]?)\u17b8/g, "\u17be$1")
        .replace(/\u17c1([\u17bb-\u17bd]?)\u17b6/g, "\u17c4$1")
        .replace(/(\u17be)(\u17bb)/g, "$2$1")
        .replace(/(\u17d2\u179a)(\u17d2[\u1780-\u17b3])/g, "$2$1")
        .replace(/(\u17d2)\u178a/g, "$1\u178f");
      out.push(s);
      i = j;
    }
    return out.join("");
  }

  function fold(text) {
    text = text.normalize("NFC").replace(INVISIBLE, "");
    if (KHMER.test(text)) {
      text = khnormal(text).replace(/\u17d2\u178a/g, "\u17d2\u178f");
    }
    // Python's str.casefold, for the letters where it differs from toLowerCase.
    text = text.toLowerCase().replace(/\u00df/g, "ss").replace(/\u03c2/g, "\u03c3");
    return text.replace(/[\u17e0-\u17e9]/g, function (d) { return String(d.charCodeAt(0) - 0x17e0); });
  }

  function terms(query) {
    return fold(query).split(/\s+/).filter(function (t) { return t.length > 0; });
  }

  function search(records, words) {
    var hits = [];
    records.forEach(function (r) {
      var score = 0, where = null;
      for (var w = 0; w < words.length; w++) {
        var found = false;
        for (var v = 0; v < r[5].length; v++) {
          var text = r[5][v][1], at = text.indexOf(words[w]);
          if (at < 0) { continue; }
          found = true;
          var lineEnd = text.indexOf("\n");
          score += (lineEnd < 0 || at < lineEnd) ? 10 : 1;  // the first line is the title
          if (where === null) { where = [r[5][v][0], text, at, words[w].length]; }
        }
        if (!found) { return; }
      }
      hits.push({ record: r, score: score, where: where });
    });
    hits.sort(function (a, b) {
      return (b.score - a.score) || (a.record[3] < b.record[3] ? 1 : a.record[3] > b.record[3] ? -1 : 0);
    });
    return hits;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function snippet(where) {
    var lang = where[0], text = where[1], at = where[2], len = where[3];
    var start = Math.max(0, at - 70), end = Math.min(text.length, at + len + 90);
    var p = element("p", "snippet");
    p.lang = lang;
    p.appendChild(document.createTextNode((start > 0 ? "…" : "") + text.slice(start, at).replace(/\s+/g, " ")));
    p.appendChild(element("mark", "", text.slice(at, at + len)));
    p.appendChild(document.createTextNode(text.slice(at + len, end).replace(/\s+/g, " ") + (end < text.length ? "…" : "")));
    return p;
  }

  function show(hits, list, status, query) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    var shown = hits.slice(0, 200);
    status.textContent = hits.length === 0 ? "No post matches “" + query + "”."
      : hits.length + (hits.length === 1 ? " post matches" : " posts match") + " “" + query + "”"
        + (shown.length < hits.length ? "; the first " + shown.length + " are shown." : ".");
    shown.forEach(function (hit) {
      var r = hit.record, li = element("li", "entry result");
      var title = element("p", "entry-title"), a = element("a", "", r[1]);
      a.href = r[0];
      a.lang = r[2];
      title.appendChild(a);
      li.appendChild(title);
      var meta = element("p", "entry-meta");
      var time = element("time", "", r[3]);
      time.dateTime = r[3];
      meta.appendChild(time);
      li.appendChild(meta);
      if (r[4]) {
        var summary = element("p", "summary", r[4]);
        summary.lang = r[2];
        li.appendChild(summary);
      }
      if (hit.where) { li.appendChild(snippet(hit.where)); }
      list.appendChild(li);
    });
  }

  function main() {
    if (typeof document === "undefined") { return; }  // loaded outside a page (the tests' node)
    var input = document.getElementById("q");
    var list = document.getElementById("results");
    var status = document.getElementById("status");
    if (!input || !list || !status) { return; }
    var records = [];
    (window.OPEDARCHIVE_SEARCH || []).forEach(function (shard) { records = records.concat(shard); });
    var query = new URLSearchParams(window.location.search).get("q") || "";
    input.value = query;
    if (query.trim()) {
      show(search(records, terms(query)), list, status, query.trim());
    } else {
      status.textContent = records.length + " posts searchable. Type a word and press Enter.";
    }
    input.focus();
  }

  window.opedarchiveFold = fold;  // for tests: the same folding as the index
  main();
})();
