/* opedarchive site search: the JavaScript implementation of docs/search-spec.md, the query
   language of `opedarchive search`, over the index that opedarchive.site.searchindex writes.
   Every file of the index is a script that calls opedarchiveSearchData(name, data), so the
   page works from file:// (no fetch) and under any path; a query loads the manifest, the term
   files its terms need and the records of the hits it shows (and of candidates it must check).
   Results are built with DOM calls only (textContent), never from HTML strings. */
(function () {
  "use strict";

  // ------------------------------------------------------------------ the search form (spec §2)

  var INVISIBLE = /[\u200b\u200c\u200d\u2060\ufeff\u17b4\u17b5]/g;
  var KHMER = /[\u1780-\u17ff]/;
  // Python's str.isspace, not JavaScript's \s.
  var SPACE = "\\t\\n\\x0b\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  var SPACES = new RegExp("[" + SPACE + "]+");
  var IS_SPACE = new RegExp("^[" + SPACE + "]$");
  var QUOTES = /[\u2018\u2019\u02bc\u201c\u201d]/g;
  // Where Python's str.casefold differs from toLowerCase, one character at a time (made by
  // comparing the two over every code point; the parity test checks them again in Chromium).
  var CASEFOLD = {"\u00b5":"\u03bc","\u00df":"ss","\u0149":"\u02bcn","\u017f":"s","\u01f0":"j\u030c","\u0345":"\u03b9","\u0390":"\u03b9\u0308\u0301","\u03b0":"\u03c5\u0308\u0301","\u03c2":"\u03c3","\u03d0":"\u03b2","\u03d1":"\u03b8","\u03d5":"\u03c6","\u03d6":"\u03c0","\u03f0":"\u03ba","\u03f1":"\u03c1","\u03f5":"\u03b5","\u0587":"\u0565\u0582","\u13a0":"\u13a0","\u13a1":"\u13a1","\u13a2":"\u13a2","\u13a3":"\u13a3","\u13a4":"\u13a4","\u13a5":"\u13a5","\u13a6":"\u13a6","\u13a7":"\u13a7","\u13a8":"\u13a8","\u13a9":"\u13a9","\u13aa":"\u13aa","\u13ab":"\u13ab","\u13ac":"\u13ac","\u13ad":"\u13ad","\u13ae":"\u13ae","\u13af":"\u13af","\u13b0":"\u13b0","\u13b1":"\u13b1","\u13b2":"\u13b2","\u13b3":"\u13b3","\u13b4":"\u13b4","\u13b5":"\u13b5","\u13b6":"\u13b6","\u13b7":"\u13b7","\u13b8":"\u13b8","\u13b9":"\u13b9","\u13ba":"\u13ba","\u13bb":"\u13bb","\u13bc":"\u13bc","\u13bd":"\u13bd","\u13be":"\u13be","\u13bf":"\u13bf","\u13c0":"\u13c0","\u13c1":"\u13c1","\u13c2":"\u13c2","\u13c3":"\u13c3","\u13c4":"\u13c4","\u13c5":"\u13c5","\u13c6":"\u13c6","\u13c7":"\u13c7","\u13c8":"\u13c8","\u13c9":"\u13c9","\u13ca":"\u13ca","\u13cb":"\u13cb","\u13cc":"\u13cc","\u13cd":"\u13cd","\u13ce":"\u13ce","\u13cf":"\u13cf","\u13d0":"\u13d0","\u13d1":"\u13d1","\u13d2":"\u13d2","\u13d3":"\u13d3","\u13d4":"\u13d4","\u13d5":"\u13d5","\u13d6":"\u13d6","\u13d7":"\u13d7","\u13d8":"\u13d8","\u13d9":"\u13d9","\u13da":"\u13da","\u13db":"\u13db","\u13dc":"\u13dc","\u13dd":"\u13dd","\u13de":"\u13de","\u13df":"\u13df","\u13e0":"\u13e0","\u13e1":"\u13e1","\u13e2":"\u13e2","\u13e3":"\u13e3","\u13e4":"\u13e4","\u13e5":"\u13e5","\u13e6":"\u13e6","\u13e7":"\u13e7","\u13e8":"\u13e8","\u13e9":"\u13e9","\u13ea":"\u13ea","\u13eb":"\u13eb","\u13ec":"\u13ec","\u13ed":"\u13ed","\u13ee":"\u13ee","\u13ef":"\u13ef","\u13f0":"\u13f0","\u13f1":"\u13f1","\u13f2":"\u13f2","\u13f3":"\u13f3","\u13f4":"\u13f4","\u13f5":"\u13f5","\u13f8":"\u13f0","\u13f9":"\u13f1","\u13fa":"\u13f2","\u13fb":"\u13f3","\u13fc":"\u13f4","\u13fd":"\u13f5","\u1c80":"\u0432","\u1c81":"\u0434","\u1c82":"\u043e","\u1c83":"\u0441","\u1c84":"\u0442","\u1c85":"\u0442","\u1c86":"\u044a","\u1c87":"\u0463","\u1c88":"\ua64b","\u1c89":"\u1c89","\u1e96":"h\u0331","\u1e97":"t\u0308","\u1e98":"w\u030a","\u1e99":"y\u030a","\u1e9a":"a\u02be","\u1e9b":"\u1e61","\u1e9e":"ss","\u1f50":"\u03c5\u0313","\u1f52":"\u03c5\u0313\u0300","\u1f54":"\u03c5\u0313\u0301","\u1f56":"\u03c5\u0313\u0342","\u1f80":"\u1f00\u03b9","\u1f81":"\u1f01\u03b9","\u1f82":"\u1f02\u03b9","\u1f83":"\u1f03\u03b9","\u1f84":"\u1f04\u03b9","\u1f85":"\u1f05\u03b9","\u1f86":"\u1f06\u03b9","\u1f87":"\u1f07\u03b9","\u1f88":"\u1f00\u03b9","\u1f89":"\u1f01\u03b9","\u1f8a":"\u1f02\u03b9","\u1f8b":"\u1f03\u03b9","\u1f8c":"\u1f04\u03b9","\u1f8d":"\u1f05\u03b9","\u1f8e":"\u1f06\u03b9","\u1f8f":"\u1f07\u03b9","\u1f90":"\u1f20\u03b9","\u1f91":"\u1f21\u03b9","\u1f92":"\u1f22\u03b9","\u1f93":"\u1f23\u03b9","\u1f94":"\u1f24\u03b9","\u1f95":"\u1f25\u03b9","\u1f96":"\u1f26\u03b9","\u1f97":"\u1f27\u03b9","\u1f98":"\u1f20\u03b9","\u1f99":"\u1f21\u03b9","\u1f9a":"\u1f22\u03b9","\u1f9b":"\u1f23\u03b9","\u1f9c":"\u1f24\u03b9","\u1f9d":"\u1f25\u03b9","\u1f9e":"\u1f26\u03b9","\u1f9f":"\u1f27\u03b9","\u1fa0":"\u1f60\u03b9","\u1fa1":"\u1f61\u03b9","\u1fa2":"\u1f62\u03b9","\u1fa3":"\u1f63\u03b9","\u1fa4":"\u1f64\u03b9","\u1fa5":"\u1f65\u03b9","\u1fa6":"\u1f66\u03b9","\u1fa7":"\u1f67\u03b9","\u1fa8":"\u1f60\u03b9","\u1fa9":"\u1f61\u03b9","\u1faa":"\u1f62\u03b9","\u1fab":"\u1f63\u03b9","\u1fac":"\u1f64\u03b9","\u1fad":"\u1f65\u03b9","\u1fae":"\u1f66\u03b9","\u1faf":"\u1f67\u03b9","\u1fb2":"\u1f70\u03b9","\u1fb3":"\u03b1\u03b9","\u1fb4":"\u03ac\u03b9","\u1fb6":"\u03b1\u0342","\u1fb7":"\u03b1\u0342\u03b9","\u1fbc":"\u03b1\u03b9","\u1fbe":"\u03b9","\u1fc2":"\u1f74\u03b9","\u1fc3":"\u03b7\u03b9","\u1fc4":"\u03ae\u03b9","\u1fc6":"\u03b7\u0342","\u1fc7":"\u03b7\u0342\u03b9","\u1fcc":"\u03b7\u03b9","\u1fd2":"\u03b9\u0308\u0300","\u1fd3":"\u03b9\u0308\u0301","\u1fd6":"\u03b9\u0342","\u1fd7":"\u03b9\u0308\u0342","\u1fe2":"\u03c5\u0308\u0300","\u1fe3":"\u03c5\u0308\u0301","\u1fe4":"\u03c1\u0313","\u1fe6":"\u03c5\u0342","\u1fe7":"\u03c5\u0308\u0342","\u1ff2":"\u1f7c\u03b9","\u1ff3":"\u03c9\u03b9","\u1ff4":"\u03ce\u03b9","\u1ff6":"\u03c9\u0342","\u1ff7":"\u03c9\u0342\u03b9","\u1ffc":"\u03c9\u03b9","\ua7cb":"\ua7cb","\ua7cc":"\ua7cc","\ua7ce":"\ua7ce","\ua7d2":"\ua7d2","\ua7d4":"\ua7d4","\ua7da":"\ua7da","\ua7dc":"\ua7dc","\uab70":"\u13a0","\uab71":"\u13a1","\uab72":"\u13a2","\uab73":"\u13a3","\uab74":"\u13a4","\uab75":"\u13a5","\uab76":"\u13a6","\uab77":"\u13a7","\uab78":"\u13a8","\uab79":"\u13a9","\uab7a":"\u13aa","\uab7b":"\u13ab","\uab7c":"\u13ac","\uab7d":"\u13ad","\uab7e":"\u13ae","\uab7f":"\u13af","\uab80":"\u13b0","\uab81":"\u13b1","\uab82":"\u13b2","\uab83":"\u13b3","\uab84":"\u13b4","\uab85":"\u13b5","\uab86":"\u13b6","\uab87":"\u13b7","\uab88":"\u13b8","\uab89":"\u13b9","\uab8a":"\u13ba","\uab8b":"\u13bb","\uab8c":"\u13bc","\uab8d":"\u13bd","\uab8e":"\u13be","\uab8f":"\u13bf","\uab90":"\u13c0","\uab91":"\u13c1","\uab92":"\u13c2","\uab93":"\u13c3","\uab94":"\u13c4","\uab95":"\u13c5","\uab96":"\u13c6","\uab97":"\u13c7","\uab98":"\u13c8","\uab99":"\u13c9","\uab9a":"\u13ca","\uab9b":"\u13cb","\uab9c":"\u13cc","\uab9d":"\u13cd","\uab9e":"\u13ce","\uab9f":"\u13cf","\uaba0":"\u13d0","\uaba1":"\u13d1","\uaba2":"\u13d2","\uaba3":"\u13d3","\uaba4":"\u13d4","\uaba5":"\u13d5","\uaba6":"\u13d6","\uaba7":"\u13d7","\uaba8":"\u13d8","\uaba9":"\u13d9","\uabaa":"\u13da","\uabab":"\u13db","\uabac":"\u13dc","\uabad":"\u13dd","\uabae":"\u13de","\uabaf":"\u13df","\uabb0":"\u13e0","\uabb1":"\u13e1","\uabb2":"\u13e2","\uabb3":"\u13e3","\uabb4":"\u13e4","\uabb5":"\u13e5","\uabb6":"\u13e6","\uabb7":"\u13e7","\uabb8":"\u13e8","\uabb9":"\u13e9","\uabba":"\u13ea","\uabbb":"\u13eb","\uabbc":"\u13ec","\uabbd":"\u13ed","\uabbe":"\u13ee","\uabbf":"\u13ef","\ufb00":"ff","\ufb01":"fi","\ufb02":"fl","\ufb03":"ffi","\ufb04":"ffl","\ufb05":"st","\ufb06":"st","\ufb13":"\u0574\u0576","\ufb14":"\u0574\u0565","\ufb15":"\u0574\u056b","\ufb16":"\u057e\u0576","\ufb17":"\u0574\u056d","\ud803\udd50":"\ud803\udd50","\ud803\udd51":"\ud803\udd51","\ud803\udd52":"\ud803\udd52","\ud803\udd53":"\ud803\udd53","\ud803\udd54":"\ud803\udd54","\ud803\udd55":"\ud803\udd55","\ud803\udd56":"\ud803\udd56","\ud803\udd57":"\ud803\udd57","\ud803\udd58":"\ud803\udd58","\ud803\udd59":"\ud803\udd59","\ud803\udd5a":"\ud803\udd5a","\ud803\udd5b":"\ud803\udd5b","\ud803\udd5c":"\ud803\udd5c","\ud803\udd5d":"\ud803\udd5d","\ud803\udd5e":"\ud803\udd5e","\ud803\udd5f":"\ud803\udd5f","\ud803\udd60":"\ud803\udd60","\ud803\udd61":"\ud803\udd61","\ud803\udd62":"\ud803\udd62","\ud803\udd63":"\ud803\udd63","\ud803\udd64":"\ud803\udd64","\ud803\udd65":"\ud803\udd65","\ud81b\udea0":"\ud81b\udea0","\ud81b\udea1":"\ud81b\udea1","\ud81b\udea2":"\ud81b\udea2","\ud81b\udea3":"\ud81b\udea3","\ud81b\udea4":"\ud81b\udea4","\ud81b\udea5":"\ud81b\udea5","\ud81b\udea6":"\ud81b\udea6","\ud81b\udea7":"\ud81b\udea7","\ud81b\udea8":"\ud81b\udea8","\ud81b\udea9":"\ud81b\udea9","\ud81b\udeaa":"\ud81b\udeaa","\ud81b\udeab":"\ud81b\udeab","\ud81b\udeac":"\ud81b\udeac","\ud81b\udead":"\ud81b\udead","\ud81b\udeae":"\ud81b\udeae","\ud81b\udeaf":"\ud81b\udeaf","\ud81b\udeb0":"\ud81b\udeb0","\ud81b\udeb1":"\ud81b\udeb1","\ud81b\udeb2":"\ud81b\udeb2","\ud81b\udeb3":"\ud81b\udeb3","\ud81b\udeb4":"\ud81b\udeb4","\ud81b\udeb5":"\ud81b\udeb5","\ud81b\udeb6":"\ud81b\udeb6","\ud81b\udeb7":"\ud81b\udeb7","\ud81b\udeb8":"\ud81b\udeb8"};
  var CASED = /[^\u0000-\u0040\u005b-\u00b4\u1780-\u17ff]/gu;

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

  function casefold(text) {
    if (/^[\u0000-\u007f]*$/.test(text)) { return text.toLowerCase(); }
    return text.replace(CASED, function (ch) {
      var folded = CASEFOLD[ch];
      return folded === undefined ? ch.toLowerCase() : folded;
    });
  }

  // One word (no white space) as opedarchive.text.searchform.fold_word folds it.
  function foldWord(word) {
    var text = word.normalize("NFC").replace(INVISIBLE, "");
    if (KHMER.test(text)) {
      text = khnormal(text).replace(/\u17d2\u178a/g, "\u17d2\u178f");
    }
    return casefold(text).replace(/[\u17e0-\u17e9]/g, function (d) { return String(d.charCodeAt(0) - 0x17e0); });
  }

  // opedarchive.text.searchform.search_form.
  function searchForm(text) {
    text = text.replace(QUOTES, function (q) { return q === "\u201c" || q === "\u201d" ? "\"" : "'"; });
    return text.split(SPACES).map(foldWord).filter(function (w) { return w.length > 0; }).join(" ");
  }

  // ------------------------------------------------------------------ the query (spec §3)

  var FILTER_KEYS = ["author", "tag", "lang", "outlet", "kind", "year"];
  var EXAMPLES = { author: "seng", tag: "election", lang: "km", outlet: "vod", kind: "letter", year: "2022" };
  var FILTER_RE = /^(-?)([A-Za-z]+):([\s\S]*)$/;
  var WORD_CHAR = /^[\p{L}\p{N}]$/u;
  var PUNCTUATION = /^[\p{P}\p{S}]$/u;
  var UNPRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

  function QueryError(message, whole) { this.message = whole ? message : "malformed query: " + message; }

  // query.MAX_QUERY_CHARS: a longer query is refused before it is parsed.
  var MAX_QUERY_CHARS = 10000;

  // Python's repr() of a string, as the terminal's messages show a token.
  function pyRepr(text) {
    var quote = text.indexOf("'") >= 0 && text.indexOf("\"") < 0 ? "\"" : "'";
    var out = quote;
    Array.from(text).forEach(function (ch) {
      var code = ch.codePointAt(0);
      if (ch === "\\" || ch === quote) { out += "\\" + ch; }
      else if (ch === "\t") { out += "\\t"; }
      else if (ch === "\n") { out += "\\n"; }
      else if (ch === "\r") { out += "\\r"; }
      else if (ch !== " " && UNPRINTABLE.test(ch)) {
        var hex = code.toString(16);
        out += code < 0x100 ? "\\x" + ("0" + hex).slice(-2)
          : code < 0x10000 ? "\\u" + ("000" + hex).slice(-4) : "\\U" + ("0000000" + hex).slice(-8);
      } else { out += ch; }
    });
    return out + quote;
  }

  function isWordChar(ch) {
    if (!ch) { return false; }
    var code = ch.codePointAt(0);
    return !(code >= 0x1780 && code <= 0x17ff) && WORD_CHAR.test(ch);
  }

  // The code point that ends just before `at`, or "".
  function charBefore(text, at) {
    if (at <= 0) { return ""; }
    var low = text.charCodeAt(at - 1);
    if (low >= 0xdc00 && low <= 0xdfff && at >= 2) {
      var high = text.charCodeAt(at - 2);
      if (high >= 0xd800 && high <= 0xdbff) { return text.slice(at - 2, at); }
    }
    return text[at - 1];
  }

  function charAt(text, at) {
    if (at >= text.length) { return ""; }
    return String.fromCodePoint(text.codePointAt(at));
  }

  function trimmed(ch) {
    if (ch === "\u17d4" || ch === "\u17d5" || ch === "\u17d6") { return true; }
    return ch.codePointAt(0) < 0x2100 && "*#@$%&+".indexOf(ch) < 0 && PUNCTUATION.test(ch);
  }

  function trim(word) {
    var chars = Array.from(word), start = 0, end = chars.length;
    while (start < end && trimmed(chars[start])) { start++; }
    while (end > start && trimmed(chars[end - 1])) { end--; }
    return chars.slice(start, end).join("");
  }

  // Khmer clusters (spec §4; query.splits_cluster): a base (U+1780–U+17B3), then dependent
  // vowels and signs, or a coeng (U+17D2) with the consonant it puts beneath.
  var COENG = 0x17d2;
  function isBase(code) { return code >= 0x1780 && code <= 0x17b3; }
  function isSign(code) { return (code >= 0x17b6 && code <= 0x17d1) || code === 0x17d3 || code === 0x17dd; }
  function inCluster(code) { return (code >= 0x1780 && code <= 0x17d3) || code === 0x17dd; }

  // True when cutting `text` at `at` splits a Khmer cluster.
  function splitsCluster(text, at) {
    if (at <= 0 || at >= text.length || !inCluster(text.charCodeAt(at - 1))) { return false; }
    var code = text.charCodeAt(at);
    if (isSign(code)) { return true; }
    if (code === COENG) { return at + 1 < text.length && isBase(text.charCodeAt(at + 1)); }
    return text.charCodeAt(at - 1) === COENG && isBase(code);
  }

  function Term(text, form, prefix) {
    var chars = Array.from(form);
    this.text = text;
    this.form = form;
    this.prefix = prefix;
    this.edgeStart = isWordChar(chars[0]);
    this.edgeEnd = !prefix && isWordChar(chars[chars.length - 1]);
    // Khmer edges: where a match may cut a cluster, or fall inside a segmenter word.
    this.khmerStart = inCluster(form.charCodeAt(0));
    this.khmerEnd = !prefix && inCluster(form.charCodeAt(form.length - 1));
  }

  // Where the term occurs in a search form (spec §4): [start, end] pairs.
  Term.prototype.occurrences = function (text, first) {
    var found = [], form = this.form, at = text.indexOf(form);
    while (at >= 0) {
      var end = at + form.length;
      if (!(this.edgeStart && isWordChar(charBefore(text, at))) && !(this.edgeEnd && isWordChar(charAt(text, end)))
          && !(this.khmerStart && splitsCluster(text, at)) && !(this.khmerEnd && splitsCluster(text, end))) {
        found.push([at, end]);
        if (first) { break; }
      }
      at = text.indexOf(form, at + 1);
    }
    return found;
  };

  Term.prototype.foundIn = function (forms) {
    for (var i = 0; i < forms.length; i++) {
      if (this.occurrences(forms[i], true).length) { return true; }
    }
    return false;
  };

  function isSpace(ch) { return IS_SPACE.test(ch); }

  function tokens(text) {
    var out = [], i = 0, n = text.length;
    while (i < n) {
      if (isSpace(text[i])) { i++; continue; }
      var start = i;
      while (i < n && !isSpace(text[i])) {
        if (text[i] === "\"") {
          var close = text.indexOf("\"", i + 1);
          if (close < 0) { throw new QueryError("a quote (\") is not closed"); }
          i = close + 1;
        } else { i++; }
      }
      out.push(text.slice(start, i));
    }
    return out;
  }

  function splitSpaces(text) {
    return text.split(SPACES).filter(function (w) { return w.length > 0; });
  }

  function unquoteValue(value, key) {
    if (value[0] === "\"") {
      if (value.length < 2 || value[value.length - 1] !== "\"") {
        throw new QueryError("the quote after '" + key + ":' is not closed");
      }
      value = value.slice(1, -1);
    }
    value = splitSpaces(value).join(" ");
    if (!value) { throw new QueryError("'" + key + ":' needs a value, as in " + key + ":" + EXAMPLES[key]); }
    return value;
  }

  function endsWith(text, suffix) { return text.slice(-suffix.length) === suffix; }

  function makeTerm(token) {
    if (token[0] === "\"") {
      var prefix = endsWith(token, "\"*");
      var inner = token.slice(1, prefix ? -2 : -1);
      if (inner.indexOf("\"") >= 0 || !(endsWith(token, "\"") || endsWith(token, "\"*")) || token.length < 2) {
        throw new QueryError("stray quote in " + pyRepr(token));
      }
      var phrase = searchForm(inner);
      if (!phrase) { throw new QueryError("an empty phrase (\"\")"); }
      return new Term(inner, phrase, prefix);
    }
    var star = endsWith(token, "*");
    var word = star ? token.replace(/\*+$/, "") : token;
    if (word.indexOf("*") >= 0) {
      throw new QueryError("'*' goes only at the end of a word, as in elect* (not " + pyRepr(token) + ")");
    }
    if (word.indexOf("\"") >= 0) { throw new QueryError("stray quote in " + pyRepr(token)); }
    var form = trim(searchForm(word));
    if (!form) {
      if (star) { throw new QueryError("'*' must follow a word, as in elect*"); }
      return null;
    }
    return new Term(word, form, star);
  }

  // query.parse: {groups: [[Term]], excluded: [Term], filters: [[key, value]], negated: [[key, value]]}.
  function parse(text) {
    var length = Array.from(text).length;
    if (length > MAX_QUERY_CHARS) {
      throw new QueryError("the query is too long (" + length.toLocaleString("en-US") + " characters; the limit is "
        + MAX_QUERY_CHARS.toLocaleString("en-US") + ")", true);
    }
    var query = { groups: [], excluded: [], filters: [], negated: [] };
    var list = tokens(text), pendingOr = false;
    for (var index = 0; index < list.length; index++) {
      var token = list[index];
      if (token === "OR") {
        if (!query.groups.length || pendingOr || index === list.length - 1) {
          throw new QueryError("OR must stand between two words, as in nec OR ngo");
        }
        pendingOr = true;
        continue;
      }
      var negated = token[0] === "-";
      var body = negated ? token.slice(1) : token;
      var filter = FILTER_RE.exec(token);
      if (filter && FILTER_KEYS.indexOf(filter[2].toLowerCase()) >= 0) {
        if (pendingOr) { throw new QueryError("OR joins words, not filters"); }
        var key = filter[2].toLowerCase();
        var value = unquoteValue(filter[3], key);
        if (key === "year") {
          value = searchForm(value);
          if (!/^[0-9]{4}$/.test(value)) { throw new QueryError("year:" + filter[3] + " is not a year (four digits)"); }
        }
        (filter[1] ? query.negated : query.filters).push([key, value]);
        continue;
      }
      if (negated && !body) { throw new QueryError("'-' must be followed by a word to exclude, as in -court"); }
      if (negated && body[0] === "-") { throw new QueryError(pyRepr(token) + ": use one '-' to exclude a word"); }
      var term = makeTerm(body);
      if (term === null) {
        if (pendingOr) { throw new QueryError("nothing to search for after OR in " + pyRepr(token)); }
        continue;
      }
      if (negated) {
        if (pendingOr) { throw new QueryError("an excluded word cannot be part of OR"); }
        query.excluded.push(term);
      } else if (pendingOr) {
        query.groups[query.groups.length - 1].push(term);
      } else {
        query.groups.push([term]);
      }
      pendingOr = false;
    }
    if (!query.groups.length && !query.filters.length) {
      if (query.excluded.length || query.negated.length) {
        throw new QueryError("nothing to search for; '-' only excludes, add a word or a filter");
      }
      throw new QueryError("nothing to search for");
    }
    return query;
  }

  function matches(query, forms) {
    return query.groups.every(function (group) {
      return group.some(function (t) { return t.foundIn(forms); });
    }) && !query.excluded.some(function (t) { return t.foundIn(forms); });
  }

  // ------------------------------------------------------------------ loading the index

  var script = typeof document !== "undefined" ? document.currentScript : null;
  var ROOT = script && script.src ? script.src.replace(/static\/search\.js([?#].*)?$/, "") : "";
  var loaded = {}, waiting = {};

  // Every file of the index calls this with its name and its data.
  window.opedarchiveSearchData = function (name, data) {
    loaded[name] = data;
    if (waiting[name]) { waiting[name].resolve(data); }
  };

  function load(name) {
    if (!waiting[name]) {
      var done = {};
      waiting[name] = done;
      done.promise = new Promise(function (resolve, reject) {
        done.resolve = resolve;
        if (Object.prototype.hasOwnProperty.call(loaded, name)) { resolve(loaded[name]); return; }
        var tag = document.createElement("script");
        tag.src = ROOT + "search/" + name + ".js";
        tag.onerror = function () {
          delete waiting[name];
          reject(new Error("the search index file search/" + name + ".js could not be loaded"));
        };
        tag.onload = function () {
          if (!Object.prototype.hasOwnProperty.call(loaded, name)) {
            delete waiting[name];
            reject(new Error("search/" + name + ".js is not a search index file"));
          }
          tag.parentNode.removeChild(tag);
        };
        document.head.appendChild(tag);
      });
    }
    return waiting[name].promise;
  }

  var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var DIGIT = {};
  for (var a = 0; a < ALPHABET.length; a++) { DIGIT[ALPHABET[a]] = a; }

  // A score for the documents of a term that keeps no scores (searchindex.DENSE_SHARE).
  var DENSE_SCORE = 32;

  // A term's row ([term, count, posting, dense]) as a Map doc → score: the posting is numbers
  // gap << 6 | score (searchindex.encode_posting), or gaps alone for a dense term.
  function decode(row) {
    var text = row[2], dense = row[3] === 1;
    var docs = new Map(), doc = -1, i = 0, n = text.length;
    while (i < n) {
      var value, shift = 1, number = 0;
      do {
        value = DIGIT[text[i++]];
        number += (value & 31) * shift;
        shift *= 32;
      } while (value >= 32);
      if (dense) {
        doc += number;
        docs.set(doc, DENSE_SCORE);
      } else {
        doc += Math.floor(number / 64);
        docs.set(doc, number % 64);
      }
    }
    return docs;
  }

  function Index(manifest) {
    this.manifest = manifest;
    this.docs = manifest.docs;
    this.terms = {};  // term file number → {term: [count, posting]}
  }

  // The term file that holds `term` if any file does: the last whose first term is <= it.
  Index.prototype.fileOf = function (term) {
    var firsts = this.manifest.terms, lo = 0, hi = firsts.length - 1;
    if (hi < 0 || term < firsts[0]) { return -1; }
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (firsts[mid] <= term) { lo = mid; } else { hi = mid - 1; }
    }
    return lo;
  };

  Index.prototype.termFile = function (n) {
    var self = this;
    if (self.terms[n]) { return Promise.resolve(self.terms[n]); }
    return load("t/" + n).then(function (rows) {
      var map = new Map();
      rows.forEach(function (row) { map.set(row[0], row); });
      self.terms[n] = map;
      return map;
    });
  };

  // Postings of one exact term: Map doc → score (empty when no document holds it).
  Index.prototype.posting = function (term) {
    var n = this.fileOf(term);
    if (n < 0) { return Promise.resolve(new Map()); }
    return this.termFile(n).then(function (map) {
      var row = map.get(term);
      return row ? decode(row) : new Map();
    });
  };

  // Postings of every word that starts with `prefix`: [Map doc → best score, number of words].
  Index.prototype.prefixPosting = function (prefix) {
    var self = this, firsts = self.manifest.terms, files = [];
    var n = Math.max(0, self.fileOf(prefix));
    for (; n < firsts.length && (files.length === 0 || firsts[n] <= prefix + "\uffff"); n++) { files.push(n); }
    return Promise.all(files.map(function (f) { return self.termFile(f); })).then(function (maps) {
      var docs = new Map();
      maps.forEach(function (map) {
        map.forEach(function (row, term) {
          if (term.slice(0, prefix.length) !== prefix) { return; }
          decode(row).forEach(function (score, doc) {
            if (!(docs.get(doc) >= score)) { docs.set(doc, score); }
          });
        });
      });
      return docs;
    });
  };

  Index.prototype.facets = function () {
    return load("facets");
  };

  // The record of document `doc`: {id, lang, url, title, date, authors, body, language}.
  Index.prototype.record = function (doc) {
    var pieces = this.manifest.pieces, lo = 0, hi = pieces.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (pieces[mid][1] <= doc) { lo = mid; } else { hi = mid - 1; }
    }
    var piece = pieces[lo];
    return load("d/" + piece[0] + "/" + (doc - piece[1]));
  };

  Index.prototype.allDocs = function () {
    var docs = new Map();
    this.manifest.pieces.forEach(function (piece) {
      for (var i = 0; i < piece[2]; i++) { docs.set(piece[1] + i, 0); }
    });
    return docs;
  };

  // ------------------------------------------------------------------ candidates (spec §4, §5)

  var WORD_RUN = /[\p{L}\p{N}]+/gu;
  var KHMER_RUN = /[\u1780-\u17ff]+/g;

  function chars(text) { return Array.from(text); }

  // Keys that find every document holding a Khmer run `run` (all of them must be there).
  function khmerKeys(run) {
    var list = chars(run);
    if (list.length <= 3) { return [run]; }
    var keys = [];
    for (var i = 0; i + 3 <= list.length; i += 3) { keys.push(list.slice(i, i + 3).join("")); }
    if (list.length % 3) { keys.push(list.slice(-3).join("")); }
    return keys;
  }

  // What the index knows of a term: {docs: Map doc → score, exact: bool}. `exact` means
  // that the documents are exactly those in which the term occurs; otherwise they are
  // candidates, a superset, to be checked against the text.
  function termDocs(index, term) {
    var form = term.form, list = chars(form);
    var allWord = list.every(isWordChar);
    if (allWord) {
      return (term.prefix ? index.prefixPosting(form) : index.posting(form)).then(function (docs) {
        return { docs: docs, exact: true };
      });
    }
    var allKhmer = list.every(function (ch) { return KHMER.test(ch); });
    var parts = [];  // [key, prefix]
    if (allKhmer) {
      khmerKeys(form).forEach(function (key) { parts.push([key, false]); });
    } else {
      var words = [];
      form.replace(WORD_RUN, function (word, at) {
        var clean = chars(word).every(isWordChar);  // a run with Khmer digits etc. is checked as text
        if (clean) { words.push([word, at]); }
        return word;
      });
      words.forEach(function (w) {
        var last = w[1] + w[0].length === form.length;
        parts.push([w[0], term.prefix && last]);
      });
      (form.match(KHMER_RUN) || []).forEach(function (run) {
        khmerKeys(run).forEach(function (key) { parts.push([key, false]); });
      });
    }
    // A short Khmer term's n-gram is exact, unless a match may cut a cluster at a Khmer edge.
    var exact = allKhmer && list.length <= 3 && !term.khmerStart && !term.khmerEnd;
    if (!parts.length) { return Promise.resolve({ docs: index.allDocs(), exact: false }); }
    return Promise.all(parts.map(function (p) {
      return p[1] ? index.prefixPosting(p[0]) : index.posting(p[0]);
    })).then(function (maps) {
      maps.sort(function (x, y) { return x.size - y.size; });
      var docs = new Map();
      maps[0].forEach(function (score, doc) {
        var least = score;
        for (var m = 1; m < maps.length; m++) {
          var other = maps[m].get(doc);
          if (other === undefined) { return; }
          least = Math.min(least, other);
        }
        docs.set(doc, least);
      });
      return { docs: docs, exact: exact };
    });
  }

  function filterDocs(index, key, value) {
    var form = key === "lang" ? value.replace(/[A-Z]/g, function (c) { return c.toLowerCase(); })
      : key === "year" ? value : searchForm(value);
    if ((key === "author" || key === "outlet") && !form) { return Promise.resolve(index.allDocs()); }
    var mark = "\u0001" + key + "\u0001";
    if (key !== "author" && key !== "outlet") { return index.posting(mark + form); }
    return index.facets().then(function (facets) {
      var values = (facets[key] || []).filter(function (v) { return v.indexOf(form) >= 0; });
      return Promise.all(values.map(function (v) { return index.posting(mark + v); }));
    }).then(function (maps) {
      var docs = new Map();
      maps.forEach(function (map) { map.forEach(function (score, doc) { docs.set(doc, 0); }); });
      return docs;
    });
  }

  // A score of the index (1–63, on a log scale: searchindex._quantised) as the BM25-like value.
  var TOP = 2.2;  // BM25's k1 + 1
  function dequantised(score) { return Math.expm1(score / 63 * Math.log1p(TOP)); }

  // BM25's inverse document frequency as SQLite FTS5 computes it for the terminal.
  function idf(index, count) {
    return Math.max(1e-6, Math.log((index.docs - count + 0.5) / (count + 0.5)));
  }

  // Every candidate of the query, best first: [{doc, score, sure}]; `sure` when the postings
  // alone prove that it matches.
  function candidates(index, query) {
    var terms = [];
    query.groups.forEach(function (group) { group.forEach(function (t) { terms.push(t); }); });
    return Promise.all([
      Promise.all(terms.map(function (t) { return termDocs(index, t); })),
      Promise.all(query.excluded.map(function (t) { return termDocs(index, t); })),
      Promise.all(query.filters.map(function (f) { return filterDocs(index, f[0], f[1]); })),
      Promise.all(query.negated.map(function (f) { return filterDocs(index, f[0], f[1]); }))
    ]).then(function (found) {
      var termFound = found[0], excluded = found[1], filters = found[2], negated = found[3];
      var result = null;  // Map doc → {score, sure}
      var at = 0;
      query.groups.forEach(function (group) {
        var groupDocs = new Map();
        group.forEach(function () {
          var got = termFound[at++], weight = idf(index, got.docs.size);
          got.docs.forEach(function (score, doc) {
            var value = weight * dequantised(score), old = groupDocs.get(doc);
            if (!old) { groupDocs.set(doc, { score: value, sure: got.exact }); }
            else { old.score = Math.max(old.score, value); old.sure = old.sure || got.exact; }
          });
        });
        if (result === null) { result = groupDocs; return; }
        var joined = new Map();
        result.forEach(function (hit, doc) {
          var other = groupDocs.get(doc);
          if (other) { joined.set(doc, { score: hit.score + other.score, sure: hit.sure && other.sure }); }
        });
        result = joined;
      });
      if (result === null) {
        result = new Map();
        index.allDocs().forEach(function (_, doc) { result.set(doc, { score: 0, sure: true }); });
      }
      filters.forEach(function (docs) {
        result.forEach(function (_, doc) { if (!docs.has(doc)) { result.delete(doc); } });
      });
      negated.forEach(function (docs) { docs.forEach(function (_, doc) { result.delete(doc); }); });
      excluded.forEach(function (got) {
        got.docs.forEach(function (_, doc) {
          var hit = result.get(doc);
          if (!hit) { return; }
          if (got.exact) { result.delete(doc); } else { hit.sure = false; }
        });
      });
      var list = [];
      result.forEach(function (hit, doc) { list.push({ doc: doc, score: hit.score, sure: hit.sure }); });
      list.sort(function (x, y) { return (y.score - x.score) || (x.doc - y.doc); });
      return list;
    });
  }

  // True when the document's own text satisfies the query's words (the filters are exact).
  function verified(query, record) {
    return matches(query, [searchForm(record.title), searchForm(record.body)]);
  }

  // ------------------------------------------------------------------ running a query

  var manifestPromise = null;

  function openIndex() {
    if (!manifestPromise) {
      manifestPromise = load("manifest").then(function (manifest) { return new Index(manifest); });
      manifestPromise.catch(function () { manifestPromise = null; });
    }
    return manifestPromise;
  }

  // ------------------------------------------------------------------ whole words first (spec §6)

  // The best hits by score that are reordered whole words first (index.WHOLE_WORD_POOL).
  var WHOLE_WORD_POOL = 20;
  var WHOLE_CHECKS = 16;  // query.WHOLE_CHECKS: matches per term and text looked at
  // What opedarchive.text.words segments: a run of Khmer letters, signs and digits.
  var SEGMENTED = /[\u1780-\u17d3\u17dc\u17dd\u17e0-\u17e9\u19e0-\u19ff]/;
  var segmenter = null, runBreaks = new Map();

  // Offsets inside an unspaced Khmer run where the browser's word segmenter (ICU's dictionary,
  // where the terminal uses khmercut) ends a word; null when the browser has none.
  function breaksOf(run) {
    if (segmenter === null) {
      if (typeof Intl === "undefined" || !Intl.Segmenter) { return null; }
      segmenter = new Intl.Segmenter("km", { granularity: "word" });
    }
    var known = runBreaks.get(run);
    if (known) { return known; }
    known = new Set();
    for (var part of segmenter.segment(run)) { if (part.index > 0) { known.add(part.index); } }
    if (runBreaks.size > 4096) { runBreaks.clear(); }
    runBreaks.set(run, known);
    return known;
  }

  // index.word_break: `at` is not inside an unspaced Khmer run, or the segmenter ends a word there.
  function wordBreak(form, at) {
    if (at <= 0 || at >= form.length || !SEGMENTED.test(form[at - 1]) || !SEGMENTED.test(form[at])) { return true; }
    var start = at - 1, end = at + 1;
    while (start > 0 && SEGMENTED.test(form[start - 1])) { start--; }
    while (end < form.length && SEGMENTED.test(form[end])) { end++; }
    var breaks = breaksOf(form.slice(start, end));
    return breaks === null || breaks.has(at - start);
  }

  // query.Term.whole_in: the term occurs in `form` with each Khmer edge on a word boundary.
  Term.prototype.wholeIn = function (form) {
    var found = this.occurrences(form, false).slice(0, WHOLE_CHECKS), self = this;
    return found.some(function (o) {
      return (!self.khmerStart || wordBreak(form, o[0])) && (!self.khmerEnd || wordBreak(form, o[1]));
    });
  };

  function ranksWords(query) {
    return query.groups.some(function (g) { return g.some(function (t) { return t.khmerStart || t.khmerEnd; }); });
  }

  // index.whole_words_first: the pool reordered, more groups found as whole words first.
  function wholeWordsFirst(query, hits) {
    var pool = hits.slice(0, WHOLE_WORD_POOL);
    if (pool.length < 2) { return hits; }
    var whole = pool.map(function (hit) {
      var forms = [searchForm(hit.record.title), searchForm(hit.record.body)];
      return query.groups.filter(function (g) {
        return g.some(function (t) { return forms.some(function (f) { return t.wholeIn(f); }); });
      }).length;
    });
    var order = pool.map(function (_, n) { return n; });
    order.sort(function (a, b) { return (whole[b] - whole[a]) || (a - b); });
    return order.map(function (n) { return pool[n]; }).concat(hits.slice(WHOLE_WORD_POOL));
  }

  // A search in progress: its candidates, checked and shown a page at a time.
  function Search(index, query, list) {
    this.index = index;
    this.query = query;
    this.list = list;          // [{doc, score, sure}], best first
    this.next = 0;             // the first candidate not yet looked at
    this.hits = [];            // [{doc, score, record}] in order, handed out
    this.ready = [];           // hits checked but not handed out yet
    this.reorder = ranksWords(query);  // the first WHOLE_WORD_POOL hits, once found
    this.unsure = list.filter(function (c) { return !c.sure; }).length;
    this.rejected = 0;
  }

  // Whether hits may remain to hand out.
  Search.prototype.hasMore = function () {
    return this.ready.length > 0 || this.next < this.list.length;
  };

  // The next `count` hits (fewer at the end), checking candidates on the way.
  Search.prototype.more = function (count) {
    var self = this, wanted = self.reorder ? Math.max(count, WHOLE_WORD_POOL) : count;
    function step() {
      if (self.ready.length >= wanted || self.next >= self.list.length) { return Promise.resolve(); }
      var batch = self.list.slice(self.next, self.next + Math.max(wanted - self.ready.length, 8));
      self.next += batch.length;
      return Promise.all(batch.map(function (c) { return self.index.record(c.doc); })).then(function (records) {
        batch.forEach(function (c, n) {
          if (!c.sure) {
            self.unsure--;
            if (!verified(self.query, records[n])) { self.rejected++; return; }
          }
          self.ready.push({ doc: c.doc, score: c.score, record: records[n] });
        });
        return step();
      });
    }
    return step().then(function () {
      if (self.reorder) {
        self.ready = wholeWordsFirst(self.query, self.ready);
        self.reorder = false;
      }
      var found = self.ready.splice(0, count);
      found.forEach(function (hit) { self.hits.push(hit); });
      return found;
    });
  };

  // Check every candidate the postings could not settle (their records are loaded), so that
  // the count is exact; the sure ones are not loaded until shown.
  Search.prototype.checkUnsure = function () {
    var self = this, unsure = self.list.filter(function (c) { return !c.sure; });
    return Promise.all(unsure.map(function (c) { return self.index.record(c.doc); })).then(function (records) {
      var rejected = new Set();
      unsure.forEach(function (c, n) {
        if (verified(self.query, records[n])) { c.sure = true; } else { rejected.add(c.doc); }
      });
      self.list = self.list.filter(function (c) { return !rejected.has(c.doc); });
      self.unsure = 0;
    });
  };

  // How many hits there are, as far as known: [count, exact].
  Search.prototype.count = function () {
    return [this.list.length - this.rejected, this.unsure === 0];
  };

  function run(text, options) {
    var query;
    try {
      query = parse(text);
    } catch (e) {
      if (e instanceof QueryError) { return Promise.resolve({ error: e.message, hits: [], total: 0, exact: true }); }
      throw e;
    }
    return openIndex().then(function (index) {
      return candidates(index, query).then(function (list) {
        var search = new Search(index, query, list);
        var wanted = options && options.all ? list.length : (options && options.count) || 10;
        return search.more(wanted).then(function (hits) {
          var count = search.count();
          return {
            error: null, search: search, total: count[0], exact: count[1],
            hits: hits.map(function (h) {
              return { id: h.record.id, lang: h.record.lang, title: h.record.title, date: h.record.date, score: h.score };
            })
          };
        });
      });
    });
  }

  // ------------------------------------------------------------------ snippets (snippet.py)

  var CLUSTER = /[\u1780-\u17b3](?:\u17d2[\u1780-\u17b3]|[\u17b4-\u17d1\u17d3\u17dd\u200c\u200d])*|[\s\S]/gu;
  var BLANK_LINE = /\n[ \t]*\n/;
  var WINDOW = 220;

  function paragraphs(body) {
    return body.split(BLANK_LINE).map(function (p) { return splitSpaces(p).join(" "); })
      .filter(function (p) { return p.length > 0; });
  }

  // Spans of `text` (as written) where any term occurs, merged, in order.
  function highlight(text, terms) {
    if (!terms.length || !text) { return []; }
    var units = text.match(CLUSTER) || [], starts = [], owner = [], folded = [], pos = 0;
    units.forEach(function (unit, n) {
      starts.push(pos);
      pos += unit.length;
      var form = IS_SPACE.test(unit) ? " " : searchForm(unit);
      folded.push(form);
      for (var k = 0; k < form.length; k++) { owner.push(n); }
    });
    var form = folded.join(""), spans = [];
    terms.forEach(function (term) {
      term.occurrences(form, false).forEach(function (o) {
        var first = owner[o[0]], last = owner[o[1] - 1];
        spans.push([starts[first], starts[last] + units[last].length]);
      });
    });
    spans.sort(function (x, y) { return (x[0] - y[0]) || (x[1] - y[1]); });
    var merged = [];
    spans.forEach(function (s) {
      var top = merged[merged.length - 1];
      if (top && s[0] <= top[1]) { top[1] = Math.max(top[1], s[1]); } else { merged.push([s[0], s[1]]); }
    });
    return merged;
  }

  function boundaries(text) {
    var out = [0];
    (text.match(CLUSTER) || []).forEach(function (unit) { out.push(out[out.length - 1] + unit.length); });
    return out;
  }

  // snippet.window: at most about `width` characters around `around`, cut between clusters.
  function windowOf(text, around, width) {
    if (text.length <= width) { return [0, text.length]; }
    var cuts = boundaries(text);
    var start = Math.max(0, Math.min(around - Math.floor(width / 3), text.length - width));
    start = Math.max.apply(null, cuts.filter(function (c) { return c <= start; }));
    var space = text.slice(start, Math.min(around, start + 40)).indexOf(" ");
    if (start > 0 && space !== -1) { start = start + space + 1; }
    var limit = Math.min(text.length, start + width);
    var end = Math.min.apply(null, cuts.filter(function (c) { return c >= limit; }));
    var from = Math.max(around + 1, end - 40), back = from < end ? text.slice(from, end).lastIndexOf(" ") : -1;
    if (end < text.length && back !== -1 && from + back > start) { end = from + back; }
    return [start, end];
  }

  function snippetOf(body, terms) {
    var paras = paragraphs(body);
    if (!paras.length) { return { text: "", spans: [] }; }
    var best = 0, bestCount = 0;
    for (var n = 0; n < paras.length; n++) {
      var form = searchForm(paras[n]);
      var count = terms.filter(function (t) { return t.occurrences(form, true).length; }).length;
      if (count > bestCount) {
        best = n;
        bestCount = count;
        if (count === terms.length) { break; }
      }
    }
    var text = paras[best], spans = bestCount ? highlight(text, terms) : [];
    var cut = windowOf(text, spans.length ? spans[0][0] : 0, WINDOW);
    var head = cut[0] > 0 ? "…" : "", shift = head.length - cut[0];
    return {
      text: head + text.slice(cut[0], cut[1]) + (cut[1] < text.length ? "…" : ""),
      spans: spans.filter(function (s) { return s[0] < cut[1] && s[1] > cut[0]; }).map(function (s) {
        return [Math.max(s[0], cut[0]) + shift, Math.min(s[1], cut[1]) + shift];
      })
    };
  }

  // ------------------------------------------------------------------ the page

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function marked(node, text, spans) {
    var at = 0;
    spans.forEach(function (s) {
      node.appendChild(document.createTextNode(text.slice(at, s[0])));
      node.appendChild(element("mark", "", text.slice(s[0], s[1])));
      at = s[1];
    });
    node.appendChild(document.createTextNode(text.slice(at)));
    return node;
  }

  function hitItem(hit, terms) {
    var r = hit.record, li = element("li", "entry result");
    li.lang = r.lang;
    var title = element("p", "entry-title"), a = element("a", "");
    a.setAttribute("href", r.url);  // relative: search.html is at the site's root
    marked(a, r.title, highlight(r.title, terms));
    title.appendChild(a);
    li.appendChild(title);
    var meta = element("p", "entry-meta");
    var time = element("time", "", r.date.slice(0, 10));
    time.dateTime = r.date;
    meta.appendChild(time);
    meta.appendChild(document.createTextNode(" · "));
    meta.appendChild(element("span", "language", r.language || r.lang));
    if (r.authors && r.authors.length) {
      meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(element("span", "authors", r.authors.join(", ")));
    }
    li.appendChild(meta);
    var snippet = snippetOf(r.body, terms);
    if (snippet.text) { li.appendChild(marked(element("p", "snippet"), snippet.text, snippet.spans)); }
    return li;
  }

  function countText(search, query) {
    var count = search.count(), n = count[0];
    var noun = n === 1 ? " result" : " results";
    if (n === 0) { return "Nothing matches “" + query + "”."; }
    return (count[1] ? n + noun : "Up to " + n + noun) + " for “" + query + "”"
      + (search.hits.length < n ? "; " + search.hits.length + " shown." : ".");
  }

  var PAGE = 10;
  // Below this many candidates to check, all are checked before the count is shown.
  var CHECK_ALL = 30;

  function main() {
    var input = document.getElementById("q");
    var list = document.getElementById("results");
    var status = document.getElementById("status");
    var moreLine = document.getElementById("more-line");
    var moreButton = document.getElementById("more");
    if (!input || !list || !status) { return; }
    var current = null, generation = 0;

    function finish() {
      document.documentElement.dataset.search = "done";
      document.documentElement.dataset.searchMs = String(Math.round(performance.now()));
    }

    function fail(error) {
      status.textContent = "The search could not run: " + error.message + ".";
      status.className = "count error";
      finish();
    }

    function showMore(search, query, mine) {
      return search.more(PAGE).then(function (hits) {
        if (mine !== generation) { return; }
        var terms = [];
        search.query.groups.forEach(function (g) { g.forEach(function (t) { terms.push(t); }); });
        hits.forEach(function (hit) { list.appendChild(hitItem(hit, terms)); });
        status.textContent = countText(search, query);
        if (moreLine) { moreLine.hidden = !search.hasMore(); }
        finish();
      });
    }

    function start(text) {
      var mine = ++generation;
      while (list.firstChild) { list.removeChild(list.firstChild); }
      if (moreLine) { moreLine.hidden = true; }
      status.className = "count";
      var query = text.trim();
      if (!query) {
        status.textContent = "Type a word and press Enter.";
        finish();
        return;
      }
      status.textContent = "Searching…";
      var parsed;
      try {
        parsed = parse(text);  // as typed: the terminal does not trim it either
      } catch (e) {
        if (!(e instanceof QueryError)) { throw e; }
        status.textContent = e.message + ".";
        status.className = "count error";
        finish();
        return;
      }
      openIndex().then(function (index) {
        return candidates(index, parsed).then(function (found) {
          if (mine !== generation) { return; }
          current = new Search(index, parsed, found);
          if (current.unsure > 0 && current.unsure <= CHECK_ALL) {
            return current.checkUnsure().then(function () { return showMore(current, query, mine); });
          }
          return showMore(current, query, mine);
        });
      }).catch(fail);
    }

    function fromAddress() {
      var query = new URLSearchParams(window.location.search).get("q") || "";
      input.value = query;
      start(query);
    }

    var form = input.form;
    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var url = new URL(window.location.href);
        url.searchParams.set("q", input.value);
        if (url.href !== window.location.href) { history.pushState(null, "", url.href); }
        start(input.value);
      });
    }
    window.addEventListener("popstate", fromAddress);
    if (moreButton) {
      moreButton.addEventListener("click", function () {
        if (current) { showMore(current, input.value.trim(), generation).catch(fail); }
      });
    }
    // Arrow keys move between the search box and the results' links.
    document.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") { return; }
      var links = Array.prototype.slice.call(list.querySelectorAll(".entry-title a"));
      if (!links.length) { return; }
      var at = links.indexOf(document.activeElement);
      if (document.activeElement !== input && at < 0) { return; }
      event.preventDefault();
      var next = event.key === "ArrowDown" ? at + 1 : at - 1;
      if (next < 0) { input.focus(); } else if (next < links.length) { links[next].focus(); }
    });
    fromAddress();
    input.focus();
  }

  window.opedarchiveSearch = {
    searchForm: searchForm,
    parse: function (text) {
      try { parse(text); return { error: null }; } catch (e) {
        if (e instanceof QueryError) { return { error: e.message }; }
        throw e;
      }
    },
    run: function (text, options) {
      return run(text, options).then(function (result) { delete result.search; return result; });
    },
    snippet: function (body, text) {
      var query = parse(text), terms = [];
      query.groups.forEach(function (g) { g.forEach(function (t) { terms.push(t); }); });
      return snippetOf(body, terms);
    }
  };
  window.opedarchiveFold = searchForm;  // the name the older tests use
  if (typeof document !== "undefined" && document.getElementById("q")) { main(); }
})();
