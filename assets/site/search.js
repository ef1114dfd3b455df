/* Self-help search on the page: it runs entirely in the browser over the
   index that `deskside kb export --html` wrote (search-index.js sets
   window.DESKSIDE_SEARCH; the matching is in search-core.js), so it works
   offline and straight from the file system, with no server. Results are
   built with DOM text nodes only: nothing from the index is ever parsed as
   HTML. A search that finds nothing shows the "Contact IT" block. */
(function () {
  "use strict";

  var data = window.DESKSIDE_SEARCH;
  var core = window.DesksideSearch;
  var input = document.getElementById("q");
  var form = document.getElementById("search-form");
  var section = document.getElementById("search-results");
  var list = document.getElementById("results");
  var status = document.getElementById("search-status");
  var browse = document.getElementById("browse");
  var stuck = document.getElementById("no-results-wrap");
  if (!data || !data.articles || !core || !input || !form || !section || !list || !status) {
    return;
  }
  var engine = core.create(data);

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
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    if (engine.words(query).length === 0) {
      section.hidden = true;
      if (browse) {
        browse.hidden = false;
      }
      if (stuck) {
        stuck.hidden = true;
      }
      status.textContent = "";
      return;
    }
    var found = engine.search(query, 30);
    for (var j = 0; j < found.length; j++) {
      var a = found[j].article;
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = a.url;
      link.textContent = a.title;
      li.appendChild(link);
      var where = document.createElement("p");
      where.className = "where";
      where.textContent = a.category_label + " \u00b7 KB #" + a.id;
      li.appendChild(where);
      li.appendChild(snippet(a.text, found[j].words));
      list.appendChild(li);
    }
    section.hidden = found.length === 0;
    if (browse) {
      browse.hidden = found.length > 0;
    }
    if (stuck) {
      stuck.hidden = found.length > 0;
    }
    status.textContent = found.length === 0
      ? "No articles match \u201c" + query.trim() + "\u201d. Try other words, contact IT, or browse the categories."
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
