// deskside portal: answers as you type. Only an enhancement: without this
// file every page works through plain links and forms. Text goes in with
// textContent, never as HTML.
(function () {
  "use strict";
  var counted = false;
  function render(target, hits, q, fromForm) {
    while (target.firstChild) target.removeChild(target.firstChild);
    if (!hits.length) {
      var p = document.createElement("p");
      p.className = "muted";
      p.textContent = q.trim() ? "No article matches that yet." : "";
      target.appendChild(p);
      return;
    }
    var ol = document.createElement("ol");
    ol.className = "hits";
    hits.forEach(function (h) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      var params = new URLSearchParams();
      params.set("q", q);
      if (fromForm) params.set("from", "request");
      a.href = h.url + "?" + params.toString();
      a.textContent = h.title;
      var s = document.createElement("p");
      s.textContent = h.snippet;
      li.appendChild(a);
      li.appendChild(s);
      ol.appendChild(li);
    });
    target.appendChild(ol);
  }
  function wire(input) {
    var target = document.getElementById(input.getAttribute("data-suggest"));
    if (!target) return;
    var fromForm = input.id === "subject";
    var timer = null, seq = 0;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value;
        var mine = ++seq;
        if (!q.trim()) { render(target, [], q, fromForm); return; }
        var params = new URLSearchParams();
        params.set("q", q);
        var cat = document.getElementById("category");
        if (cat && cat.value) params.set("category", cat.value);
        if (!counted) { params.set("n", "1"); counted = true; }
        fetch("/api/suggest?" + params.toString(), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (hits) { if (mine === seq) render(target, hits, q, fromForm); })
          .catch(function () {});
      }, 150);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-suggest]"), wire);
  });
})();
