/* Self-help search. It runs entirely in the browser over the index that
   `deskside kb export --html` wrote (search-index.js sets
   window.DESKSIDE_SEARCH), so it works offline and straight from the file
   system, with no server. Results are built with DOM text nodes only:
   nothing from the index is ever parsed as HTML. */
(function () {
  "use strict";

  var data = window.DESKSIDE_SEARCH;
  var input = document.getElementById("q");
  var form = document.getElementById("search-form");
  var section = document.getElementById("search-results");
  var list = document.getElementById("results");
  var status = document.getElementById("search-status");
  var browse = document.getElementById("browse");
  if (!data || !data.articles || !input || !form || !section || !list || !status) {
    return;
  }

  /* Lower case, accents folded ("café" finds "cafe"). */
  function fold(text) {
    return String(text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function words(text) {
    return fold(text).split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 0; });
  }

  var docs = data.articles.map(function (a) {
    return {
      article: a,
      title: words(a.title),
      tags: words((a.tags || []).join(" ")),
      category: words(a.category_label + " " + (a.category || "")),
      body: words(a.text)
    };
  });

  /* How many words in the list start with the term ("print" finds "printer"). */
  function hits(list, term) {
    var n = 0;
    for (var i = 0; i < list.length; i++) {
      if (list[i].lastIndexOf(term, 0) === 0) {
        n++;
      }
    }
    return n;
  }

  /* Every term must appear somewhere; the title counts most, then tags,
     then the category, then the body. */
  function score(doc, terms) {
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i];
      var s = 10 * hits(doc.title, t) + 6 * hits(doc.tags, t) + 4 * hits(doc.category, t) +
        Math.min(hits(doc.body, t), 8);
      if (s === 0) {
        return 0;
      }
      total += s;
    }
    return total;
  }

  /* Some text around the first place a term appears, with the terms marked. */
  function snippet(text, terms) {
    var lower = text.toLowerCase();
    var at = -1;
    for (var i = 0; i < terms.length && at < 0; i++) {
      at = lower.indexOf(terms[i]);
    }
    var start = Math.max(0, at - 60);
    var end = Math.min(text.length, Math.max(at, 0) + 160);
    var piece = (start > 0 ? "\u2026" : "") + text.slice(start, end).trim() + (end < text.length ? "\u2026" : "");
    var p = document.createElement("p");
    var lowerPiece = piece.toLowerCase();
    var pos = 0;
    while (pos < piece.length) {
      var next = -1;
      var len = 0;
      for (var k = 0; k < terms.length; k++) {
        var found = lowerPiece.indexOf(terms[k], pos);
        if (found >= 0 && (next < 0 || found < next)) {
          next = found;
          len = terms[k].length;
        }
      }
      if (next < 0) {
        p.appendChild(document.createTextNode(piece.slice(pos)));
        break;
      }
      p.appendChild(document.createTextNode(piece.slice(pos, next)));
      var mark = document.createElement("mark");
      mark.textContent = piece.slice(next, next + len);
      p.appendChild(mark);
      pos = next + len;
    }
    return p;
  }

  function show(query) {
    var terms = words(query);
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    if (terms.length === 0) {
      section.hidden = true;
      if (browse) {
        browse.hidden = false;
      }
      status.textContent = "";
      return;
    }
    var found = [];
    for (var i = 0; i < docs.length; i++) {
      var s = score(docs[i], terms);
      if (s > 0) {
        found.push({ doc: docs[i], score: s });
      }
    }
    found.sort(function (a, b) {
      return b.score - a.score || a.doc.article.title.localeCompare(b.doc.article.title);
    });
    for (var j = 0; j < found.length && j < 30; j++) {
      var a = found[j].doc.article;
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = a.url;
      link.textContent = a.title;
      li.appendChild(link);
      var where = document.createElement("p");
      where.className = "where";
      where.textContent = a.category_label + " \u00b7 KB #" + a.id;
      li.appendChild(where);
      li.appendChild(snippet(a.text, terms));
      list.appendChild(li);
    }
    section.hidden = false;
    if (browse) {
      browse.hidden = found.length > 0;
    }
    status.textContent = found.length === 0
      ? "No articles match \u201c" + query.trim() + "\u201d. Try fewer or different words, or browse the categories."
      : (found.length === 1 ? "1 article matches" : found.length + " articles match") + " \u201c" + query.trim() + "\u201d.";
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { show(input.value); }, 150);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    show(input.value);
    try {
      history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
    } catch (e) {
      /* Some browsers refuse history changes for file:// pages: the results still show. */
    }
  });

  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    show(initial);
  }
}());
