/* Self-help search: the forgiving matching of `deskside suggest`, run in
   the browser over the index `deskside kb export --html` wrote. The rules
   are deskside's own (src/search: tokenize, synonyms, vocab, query,
   matching, rank); their data (synonym sets, stopwords, folded letters,
   word endings, limits, weights) and a vocabulary counted over the
   published public articles come from the index, so this file only holds
   the steps. No page access here: tests run it in node.
   Usage: DesksideSearch.create(index).search(text) -> hits, best first. */
(function (root) {
  "use strict";

  function create(index) {
    var rules = index.rules;
    var foldMap = index.fold || {};
    var stop = Object.create(null);
    index.stopwords.forEach(function (w) { stop[w] = true; });
    var endings = Object.create(null);
    index.endings.forEach(function (e) { endings[e] = true; });

    /* ---- tokenize.rs ---- */
    var letter = /[\p{Alphabetic}\p{N}]/u;
    function words(text) {
      var out = [];
      var cur = "";
      for (var ch of String(text || "")) {
        if (/[A-Za-z0-9]/.test(ch)) {
          cur += ch.toLowerCase();
        } else if (ch.charCodeAt(0) > 127 && letter.test(ch)) {
          for (var c of ch.toLowerCase()) {
            cur += foldMap[c] || c;
          }
        } else if (cur) {
          out.push(cur);
          cur = "";
        }
      }
      if (cur) {
        out.push(cur);
      }
      return out;
    }
    function isStop(w) { return stop[w] === true; }
    function chars(s) { return Array.from(s); }
    function len(s) { return chars(s).length; }

    function undouble(base) {
      var n = base.length;
      if (n >= 4 && base[n - 1] === base[n - 2] && "lszf".indexOf(base[n - 1]) < 0) {
        return base.slice(0, n - 1);
      }
      return base;
    }
    function stem(word) {
      if (!/^[A-Za-z]+$/.test(word)) {
        return null;
      }
      function strip(suffix, min) {
        if (!word.endsWith(suffix)) { return null; }
        var base = word.slice(0, word.length - suffix.length);
        return base.length >= min ? undouble(base) : null;
      }
      var s = null;
      if (word.endsWith("ies")) { s = strip("ies", 4); }
      else if (word.endsWith("ing")) { s = strip("ing", 3); }
      else if (word.endsWith("ed")) { s = strip("ed", 3); }
      else if (word.endsWith("ers")) { s = strip("ers", 4); }
      else if (word.endsWith("er")) { s = strip("er", 4); }
      else if (word.endsWith("es") && !word.endsWith("ses")) { s = strip("es", 4); }
      else if (word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us") && !word.endsWith("is")) {
        s = strip("s", 3);
      }
      return s !== null && s.length >= 3 && s !== word ? s : null;
    }

    /* ---- vocab.rs ---- */
    var terms = index.vocab.terms;
    var dfs = index.vocab.df;
    var docsCount = index.vocab.docs;
    var dfOf = Object.create(null);
    terms.forEach(function (t, i) { dfOf[t] = dfs[i]; });
    function contains(t) { return t in dfOf; }
    function df(t) { return dfOf[t] || 0; }
    function lowerBound(list, key) {
      var lo = 0;
      var hi = list.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (list[mid] < key) { lo = mid + 1; } else { hi = mid; }
      }
      return lo;
    }
    function withPrefix(prefix) {
      var out = [];
      for (var i = lowerBound(terms, prefix); i < terms.length && terms[i].startsWith(prefix); i++) {
        out.push(i);
      }
      return out;
    }
    function hasPrefix(p) { return withPrefix(p).length > 0; }
    function prefixDf(p) {
      return withPrefix(p).reduce(function (m, i) { return Math.max(m, dfs[i]); }, 0);
    }
    function byDfThenWord(a, b) {
      return b.df - a.df || (a.t < b.t ? -1 : a.t > b.t ? 1 : 0);
    }
    function forms(base, max) {
      var cs = chars(base);
      var last = cs[cs.length - 1];
      var found = [];
      withPrefix(base).forEach(function (i) {
        var rest = terms[i].slice(base.length);
        var rc = chars(rest);
        if (last !== undefined && rc.length > 0 && rc[0] === last && rest.length > 1) {
          rest = rc.slice(1).join("");
        }
        if (endings[rest]) {
          found.push({ t: terms[i], df: dfs[i] });
        }
      });
      found.sort(byDfThenWord);
      return found.slice(0, max).map(function (f) { return f.t; });
    }
    function completions(start, max) {
      var n = len(start);
      var found = [];
      withPrefix(start).forEach(function (i) {
        if (dfs[i] > 0 && len(terms[i]) <= n + 4 && terms[i] !== start) {
          found.push({ t: terms[i], df: dfs[i] });
        }
      });
      found.sort(byDfThenWord);
      return found.slice(0, max).map(function (f) { return f.t; });
    }
    function idf(d) {
      var n = Math.max(docsCount, 1);
      return Math.max(Math.log(1 + (n - d + 0.5) / (d + 0.5)), 0.1);
    }
    /* Optimal-string-alignment distance (a swap of two letters is one
       edit), or -1 when it is more than max. */
    function distance(a, b, max) {
      a = chars(a);
      b = chars(b);
      if (Math.abs(a.length - b.length) > max) { return -1; }
      var w = b.length + 1;
      var prev2 = new Array(w).fill(0);
      var prev = [];
      for (var k = 0; k < w; k++) { prev.push(k); }
      var cur = new Array(w).fill(0);
      for (var i = 1; i <= a.length; i++) {
        cur[0] = i;
        var rowMin = cur[0];
        for (var j = 1; j <= b.length; j++) {
          var cost = a[i - 1] === b[j - 1] ? 0 : 1;
          var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
          if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
            v = Math.min(v, prev2[j - 2] + 1);
          }
          cur[j] = v;
          rowMin = Math.min(rowMin, v);
        }
        if (rowMin > max) { return -1; }
        var t = prev2; prev2 = prev; prev = cur; cur = t;
      }
      return prev[b.length] <= max ? prev[b.length] : -1;
    }
    function sameInitial(word) {
      var first = chars(word)[0] || "";
      return withPrefix(first);
    }
    /* The first two letters swapped back ("poen" -> "op"), or null. */
    function swappedStart(word) {
      var c = chars(word);
      if (c.length < 2 || c[0] === c[1]) { return null; }
      return c[1] + c[0];
    }
    /* Terms a typo may stand for: the same first letter, or the first two
       letters swapped. */
    function candidates(word) {
      var s = swappedStart(word);
      return s === null ? sameInitial(word) : sameInitial(word).concat(withPrefix(s));
    }
    function consonants(word) {
      return chars(word).filter(function (c) { return "aeiou".indexOf(c) < 0; }).join("");
    }
    function corrections(word, max) {
      var n = len(word);
      if (n <= 3) { return []; }
      var limit = n <= 5 ? 1 : 2;
      var best = [];
      var bestD = limit + 1;
      candidates(word).forEach(function (i) {
        var term = terms[i];
        var tl = len(term);
        if (Math.abs(tl - n) > Math.min(bestD, limit) || tl < 3) { return; }
        var d = distance(word, term, Math.min(bestD, limit));
        if (d <= 0) { return; }
        if (d < bestD) { bestD = d; best = []; }
        if (d === bestD) { best.push({ t: term, df: dfs[i] }); }
      });
      /* Words that differ only in vowels first (see vocab.rs). */
      var skeleton = consonants(word);
      best.sort(function (a, b) {
        var sa = consonants(a.t) === skeleton, sb = consonants(b.t) === skeleton;
        return (sa === sb ? 0 : sa ? -1 : 1) || byDfThenWord(a, b);
      });
      return best.slice(0, max).map(function (b) { return b.t; });
    }
    function prefixCorrections(prefix, max) {
      var n = len(prefix);
      if (n < 4) { return []; }
      var found = [];
      candidates(prefix).forEach(function (i) {
        var tc = chars(terms[i]);
        [n + 1, n].forEach(function (cut) {
          if (tc.length < cut) { return; }
          var p = tc.slice(0, cut).join("");
          if (distance(prefix, p, 1) === 1) {
            var f = found.find(function (x) { return x.t === p; });
            if (f) { f.df = Math.max(f.df, dfs[i]); } else { found.push({ t: p, df: dfs[i] }); }
          }
        });
      });
      found.sort(function (a, b) {
        return b.df - a.df || b.t.length - a.t.length || (a.t < b.t ? -1 : a.t > b.t ? 1 : 0);
      });
      return found.slice(0, max).map(function (f) { return f.t; });
    }

    /* ---- synonyms.rs ---- */
    var sets = index.synonyms;
    var synIndex = Object.create(null);
    sets.forEach(function (set, id) {
      set.forEach(function (term) {
        var key = term.join(" ");
        (synIndex[key] = synIndex[key] || []).push(id);
      });
    });
    function synContains(tokens) { return tokens.join(" ") in synIndex; }
    function synAlternatives(tokens) {
      var key = tokens.join(" ");
      var out = [];
      (synIndex[key] || []).forEach(function (id) {
        sets[id].forEach(function (other) {
          var k = other.join(" ");
          if (k !== key && !out.some(function (o) { return o.join(" ") === k; })) {
            out.push(other);
          }
        });
      });
      return out;
    }

    /* ---- query.rs ---- */
    function variant(tokens, prefix, loose, formsList, origin) {
      return { tokens: tokens.slice(), prefix: prefix, loose: loose, forms: formsList || [], origin: origin };
    }
    function isPrefix(v, i) { return v.prefix && i + 1 === v.tokens.length; }
    function alternatives(v, i) {
      var f = v.forms[i];
      return v.loose && f && f.length ? f : [v.tokens[i]];
    }
    function telling(v) {
      var t = [];
      v.tokens.forEach(function (w, i) { if (!isStop(w)) { t.push(i); } });
      return t.length ? t : v.tokens.map(function (_, i) { return i; });
    }
    function push(g, v) {
      var same = g.variants.some(function (x) {
        return x.tokens.join(" ") === v.tokens.join(" ") && x.loose === v.loose && x.prefix === v.prefix;
      });
      if (!same) { g.variants.push(v); }
    }
    function addForms(g, base, origin) {
      var fs = forms(base, rules.max_forms);
      fs.forEach(function (f) { push(g, variant([f], false, false, null, origin)); });
      return fs.length > 0;
    }
    function addSynonyms(g, term, origin) {
      var o = origin === "typed" || origin === "compound" ? "synonym" : origin;
      synAlternatives(term).forEach(function (alt) {
        push(g, variant(alt, false, false, null, o));
        if (alt.length === 1) { addForms(g, alt[0], o); }
      });
    }
    function wordForms(w) {
      var out = [w];
      var s = stem(w);
      [w].concat(s ? [s] : []).forEach(function (base) {
        forms(base, rules.max_forms).forEach(function (f) {
          if (out.indexOf(f) < 0) { out.push(f); }
        });
      });
      return out;
    }
    function newGroup(typed, last) {
      return { typed: typed, variants: [], known: false, weight: 0, last: last, common: false };
    }
    function phraseGroup(tokens, last) {
      var g = newGroup(tokens.join(" "), last);
      var prefix = last && len(tokens[tokens.length - 1]) >= rules.min_prefix;
      push(g, variant(tokens, prefix, true, tokens.map(wordForms), "typed"));
      addSynonyms(g, tokens, "typed");
      g.known = g.variants.some(function (v) { return v.tokens.every(contains); }) || synContains(tokens);
      return g;
    }
    function splitCompound(w) {
      var cs = chars(w);
      var best = null;
      var bestScore = -1;
      for (var k = 2; k < cs.length - 1; k++) {
        var a = cs.slice(0, k).join("");
        var b = cs.slice(k).join("");
        if (df(a) > 0 && df(b) > 0 && Math.min(df(a), df(b)) >= bestScore) {
          best = [a, b];
          bestScore = Math.min(df(a), df(b));
        }
      }
      return best;
    }
    function wordGroup(w, last) {
      var g = newGroup(w, last);
      var n = len(w);
      var prefix = last && n >= rules.min_prefix;
      push(g, variant([w], prefix, false, null, "typed"));
      var known = prefix ? hasPrefix(w) : contains(w);
      known = addForms(g, w, "stem") || known;
      var s = stem(w);
      if (s) { known = addForms(g, s, "stem") || known; }
      addSynonyms(g, [w], "typed");
      if (w.endsWith("s") && w.length - 1 >= 3) { addSynonyms(g, [w.slice(0, -1)], "typed"); }
      known = known || synContains([w]);
      if (!known && n >= rules.min_completion) {
        completions(w, rules.max_forms).forEach(function (t) {
          push(g, variant([t], false, false, null, "stem"));
          known = true;
        });
      }
      if (!known) {
        var fixes = corrections(w, 2);
        if (fixes.length === 0 && last) {
          fixes = prefixCorrections(w, 2);
          fixes.forEach(function (p) { push(g, variant([p], true, false, null, "correction")); });
        } else {
          fixes.forEach(function (f) {
            push(g, variant([f], false, false, null, "correction"));
            addForms(g, f, "related");
            addSynonyms(g, [f], "related");
          });
        }
        if (fixes.length === 0) {
          var parts = splitCompound(w);
          if (parts) {
            push(g, variant(parts, false, false, null, "compound"));
            known = true;
          }
        }
        known = known || fixes.length > 0;
      }
      g.known = known;
      return g;
    }
    function groupWeight(g) {
      if (!g.known) { return 0; }
      var d = 0;
      for (var k = 0; k < g.variants.length && d === 0; k++) {
        var v = g.variants[k];
        var ds = v.tokens.map(function (t, i) { return isPrefix(v, i) ? prefixDf(t) : df(t); })
          .filter(function (x) { return x > 0; });
        d = ds.length ? Math.min.apply(null, ds) : 0;
      }
      return idf(d || 1);
    }
    function isCommon(v) {
      var half = Math.floor(docsCount / 2);
      return half > 0 && telling(v).every(function (i) {
        return !isPrefix(v, i) && alternatives(v, i).every(function (a) { return df(a) > half; });
      });
    }
    /* What someone typed as groups of alternatives (one per thing meant);
       the last word may be half-typed. */
    function parse(text) {
      var raw = words(text);
      var groups = [];
      var i = 0;
      function isLast(end) { return end === raw.length; }
      while (i < raw.length && groups.length < rules.max_groups) {
        var phrase = 0;
        for (var n = Math.min(rules.max_phrase, raw.length - i); n >= 2; n--) {
          var part = raw.slice(i, i + n);
          if (synContains(part) && !part.every(isStop)) { phrase = n; break; }
        }
        if (phrase) {
          groups.push(phraseGroup(raw.slice(i, i + phrase), isLast(i + phrase)));
          i += phrase;
          continue;
        }
        if (i + 1 < raw.length && !isStop(raw[i])) {
          var joined = raw[i] + raw[i + 1];
          if (df(joined) > 0 && joined.length >= 4) {
            var g = phraseGroup(raw.slice(i, i + 2), isLast(i + 2));
            push(g, variant([joined], false, false, null, "compound"));
            addSynonyms(g, [joined], "compound");
            g.known = true;
            groups.push(g);
            i += 2;
            continue;
          }
        }
        if (!isStop(raw[i])) { groups.push(wordGroup(raw[i], isLast(i + 1))); }
        i += 1;
      }
      groups.forEach(function (g) {
        g.variants = g.variants.slice(0, rules.max_variants);
        g.weight = groupWeight(g);
        g.variants.forEach(function (v) { v.common = isCommon(v); });
        g.common = g.variants.some(function (v) { return v.common && v.tokens.length === 1; });
      });
      return groups;
    }

    /* ---- matching.rs ---- */
    function field(text) {
      var seq = words(text);
      var set = Object.create(null);
      seq.forEach(function (w) { set[w] = (set[w] || 0) + 1; });
      return { seq: seq, set: set, sorted: Object.keys(set).sort() };
    }
    function has(f, token, prefix) {
      if (!prefix) { return token in f.set; }
      var i = lowerBound(f.sorted, token);
      return i < f.sorted.length && f.sorted[i].startsWith(token);
    }
    function tokenMatches(v, i, word) {
      return isPrefix(v, i) ? word.startsWith(v.tokens[i]) : alternatives(v, i).indexOf(word) >= 0;
    }
    function matches(f, v) {
      var n = v.tokens.length;
      for (var i = 0; i < n; i++) {
        var ok = isPrefix(v, i) ? has(f, v.tokens[i], true)
          : alternatives(v, i).some(function (a) { return has(f, a, false); });
        if (!ok) { return false; }
      }
      if (n === 1 || v.loose) { return true; }
      for (var s = 0; s + n <= f.seq.length; s++) {
        var all = true;
        for (var k = 0; k < n && all; k++) { all = tokenMatches(v, k, f.seq[s + k]); }
        if (all) { return true; }
      }
      return false;
    }
    var fieldNames = ["title", "tags", "category", "body"];
    var docs = index.articles.map(function (a) {
      var fields = {
        title: field(a.title),
        tags: field((a.tags || []).join(", ")),
        category: field(a.category || ""),
        body: field(a.text)
      };
      var length = fieldNames.reduce(function (n, k) { return n + fields[k].seq.length; }, 0);
      return { article: a, fields: fields, length: length };
    });
    var avgLength = docs.reduce(function (n, d) { return n + d.length; }, 0) / Math.max(docs.length, 1);

    function groupMatches(d, g, variants) {
      return variants.some(function (v) {
        return fieldNames.some(function (k) { return matches(d.fields[k], v); });
      });
    }
    function coverage(groups, d) {
      var total = groups.reduce(function (n, g) { return n + g.weight; }, 0);
      if (total <= 0) { return 0; }
      var got = 0;
      groups.forEach(function (g) {
        if (g.weight <= 0) { return; }
        var best = 0;
        g.variants.forEach(function (v) {
          fieldNames.forEach(function (k) {
            if (matches(d.fields[k], v)) {
              best = Math.max(best, rules.fields[k] * rules.quality[v.origin]);
            }
          });
        });
        got += g.weight * best;
      });
      return Math.min(Math.max(got / total, 0), 1);
    }
    /* The words of a document a group's alternatives stand for. */
    function matchedWords(d, g, out) {
      g.variants.forEach(function (v) {
        telling(v).forEach(function (i) {
          fieldNames.forEach(function (k) {
            var f = d.fields[k];
            if (isPrefix(v, i)) {
              for (var j = lowerBound(f.sorted, v.tokens[i]); j < f.sorted.length && f.sorted[j].startsWith(v.tokens[i]); j++) {
                out[f.sorted[j]] = true;
              }
            } else {
              alternatives(v, i).forEach(function (a) { if (a in f.set) { out[a] = true; } });
            }
          });
        });
      });
    }
    /* bm25 as the database's index computes it (weighted fields). */
    function bm25(d, found) {
      var k1 = 1.2;
      var b = 0.75;
      var n = Math.max(docsCount, 1);
      var score = 0;
      Object.keys(found).forEach(function (w) {
        var tf = fieldNames.reduce(function (t, k) { return t + rules.bm25_weights[k] * (d.fields[k].set[w] || 0); }, 0);
        var dfw = df(w);
        var wIdf = Math.log((n - dfw + 0.5) / (dfw + 0.5));
        if (wIdf <= 0) { wIdf = 1e-6; }
        score += wIdf * (tf * (k1 + 1)) / (tf + k1 * (1 - b + b * d.length / avgLength));
      });
      return score;
    }

    /* ---- suggest.rs: candidates, then rank ---- */
    function search(text, limit) {
      var groups = parse(text);
      if (groups.length === 0) { return []; }
      var known = groups.filter(function (g) { return g.known; });
      var picked = [];
      if (known.length > 1) {
        picked = docs.filter(function (d) {
          return known.every(function (g) { return groupMatches(d, g, g.variants); });
        });
      }
      if (picked.length < rules.strict_enough) {
        var telling = groups.filter(function (g) { return !g.common; });
        var by = telling.length ? telling : groups;
        docs.forEach(function (d) {
          if (picked.indexOf(d) < 0 && by.some(function (g) {
            var vs = telling.length ? g.variants.filter(function (v) { return !v.common; }) : g.variants;
            return groupMatches(d, g, vs);
          })) {
            picked.push(d);
          }
        });
      }
      var hits = picked.map(function (d) {
        var found = Object.create(null);
        groups.forEach(function (g) { matchedWords(d, g, found); });
        var ws = Object.keys(found).sort(function (x, y) { return y.length - x.length; });
        return { doc: d, coverage: coverage(groups, d), bm25: bm25(d, found), words: ws };
      });
      var top = hits.reduce(function (m, h) { return Math.max(m, h.bm25); }, 0);
      hits.forEach(function (h) {
        var rel = top > 0 ? h.bm25 / top : h.coverage;
        h.score = rules.coverage_share * h.coverage + (1 - rules.coverage_share) * rel;
      });
      hits = hits.filter(function (h) { return h.coverage >= rules.min_coverage; });
      hits.sort(function (x, y) { return y.score - x.score || x.doc.article.id - y.doc.article.id; });
      return hits.slice(0, limit || 30).map(function (h) {
        return { article: h.doc.article, score: h.score, coverage: h.coverage, words: h.words };
      });
    }

    return {
      search: search,
      parse: parse,
      words: words,
      stem: stem,
      distance: distance,
      corrections: corrections,
      prefixCorrections: prefixCorrections,
      forms: forms
    };
  }

  var api = { create: create };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.DesksideSearch = api;
  }
}(typeof window !== "undefined" ? window : this));
