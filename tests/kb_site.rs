//! `kb export --html`: the self-help site written from the demo knowledge
//! base. Every published public article has a page and a search entry;
//! nothing else from the database (internal, draft or archived articles,
//! ticket text, internal notes) is in any file; stored text is escaped;
//! the service catalogue follows the SLA policies; nothing is loaded from
//! elsewhere; a second export replaces the first cleanly.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;
use deskside::search::snippet::plain_markdown;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

/// The demo database (a copy of the template made once per build).
fn demo() -> Env {
    Env::demo()
}

struct Row {
    id: i64,
    title: String,
    body: String,
    category: Option<String>,
    tags: String,
    public: bool,
}

/// Every article as stored; `public` = published and public.
fn articles(env: &Env) -> Vec<Row> {
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let mut stmt = conn
        .prepare("SELECT id, title, body, category, tags, status, audience FROM articles ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| {
        let status: String = r.get(5)?;
        let audience: String = r.get(6)?;
        Ok(Row {
            id: r.get(0)?,
            title: r.get(1)?,
            body: r.get(2)?,
            category: r.get(3)?,
            tags: r.get(4)?,
            public: status == "published" && audience == "public",
        })
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// Ticket subjects and bodies, and every timeline text; internal notes
/// separately.
fn ticket_texts(env: &Env) -> (Vec<String>, Vec<String>) {
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let strings = |sql: &str| -> Vec<String> {
        conn.prepare(sql).unwrap().query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    let mut tickets = strings("SELECT subject FROM tickets");
    tickets.extend(strings("SELECT body FROM tickets WHERE body IS NOT NULL"));
    tickets.extend(strings("SELECT body FROM events WHERE body IS NOT NULL AND internal = 0"));
    let notes = strings("SELECT body FROM events WHERE body IS NOT NULL AND internal = 1");
    (tickets, notes)
}

/// Every file under `dir`, by path relative to it.
fn files(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Lower-case words separated by single spaces: text compared this way
/// ignores markup, punctuation and line breaks.
fn words(text: &str) -> String {
    let mapped: String = text
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn json_strings(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Array(a) => a.iter().for_each(|x| json_strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| json_strings(x, out)),
        _ => {}
    }
}

fn parse_index_js(text: &str) -> Value {
    let json = text.trim().strip_prefix("window.DESKSIDE_SEARCH = ").unwrap().strip_suffix(';').unwrap();
    serde_json::from_str(json).unwrap()
}

/// What anyone could read out of a file: its raw text, its text with tags
/// removed and entities decoded, and the strings of the JSON it carries.
fn readable(path: &str, raw: &str) -> String {
    let mut text = raw.to_string();
    if path.ends_with(".html") {
        let mut stripped = String::new();
        let mut in_tag = false;
        for c in raw.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => {
                    in_tag = false;
                    stripped.push(' ');
                }
                c if !in_tag => stripped.push(c),
                _ => {}
            }
        }
        let decoded = stripped
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        text.push('\n');
        text.push_str(&decoded);
    }
    if path.ends_with(".json") {
        json_strings(&serde_json::from_str(raw).unwrap(), &mut text);
    }
    if path == "search-index.js" {
        json_strings(&parse_index_js(raw), &mut text);
    }
    words(&text)
}

fn export_site(env: &Env, dir: &Path) -> Value {
    env.json(&["kb", "export", "--html", dir.to_str().unwrap()])
}

/// Lines of text of at least `min_words` words, as `words`.
fn fragments(text: &str, min_words: usize) -> Vec<String> {
    text.lines().map(words).filter(|l| l.split(' ').count() >= min_words).collect()
}

const HOSTILE_TITLE: &str = "<script>alert(\"title\")</script> Printer & \"quotes\"";
const HOSTILE_BODY: &str = "<img src=x onerror=alert(1)>\n\n<script>alert('body')</script>\n\n\
    [click me](javascript:alert(2)) and [the guide](https://example.org/guide?a=1&b=2)\n\n\
    **bold** <b>raw bold</b> <iframe src=\"https://evil.example/\"></iframe>\n";

#[test]
fn the_site_holds_every_published_public_article_and_nothing_else() {
    let env = demo();
    let hostile = env.json(&["kb", "add", "--title", HOSTILE_TITLE, "--body", HOSTILE_BODY, "--publish"]);
    let hostile_id = hostile["id"].as_i64().unwrap();
    // A draft and an internal article written now, with text of their own.
    env.json(&[
        "kb",
        "add",
        "--title",
        "Zebra draft about quokka printers",
        "--body",
        "Quokka draft body words here",
    ]);
    env.json(&[
        "kb",
        "add",
        "--title",
        "Internal wombat procedure",
        "--audience",
        "internal",
        "--publish",
        "--body",
        "Wombat internal secret procedure steps",
    ]);
    let site = env.dir.path().join("site");
    let summary = export_site(&env, &site);
    let all = articles(&env);
    let public: Vec<&Row> = all.iter().filter(|a| a.public).collect();
    let hidden: Vec<&Row> = all.iter().filter(|a| !a.public).collect();
    assert!(public.len() >= 40 && hidden.len() >= 12, "{} public, {} hidden", public.len(), hidden.len());
    assert_eq!(summary["articles"], public.len());
    assert_eq!(summary["format"], "html");

    let files = files(&site);
    for need in [
        "index.html",
        "service-catalogue.html",
        "search-index.json",
        "search-index.js",
        "assets/site.css",
        "assets/search.js",
        "assets/search-core.js",
    ] {
        assert!(files.contains_key(need), "missing {need}: {:?}", files.keys());
    }

    // Every published public article: a page with its title, an index entry
    // pointing at it, a link from the index page. Nothing more.
    let index: Value = serde_json::from_str(&files["search-index.json"]).unwrap();
    assert_eq!(parse_index_js(&files["search-index.js"]), index, "the script's copy is the same index");
    let entries = index["articles"].as_array().unwrap();
    let ids: BTreeSet<i64> = entries.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, public.iter().map(|a| a.id).collect::<BTreeSet<_>>());
    let pages: Vec<&String> = files.keys().filter(|k| k.starts_with("articles/")).collect();
    assert_eq!(pages.len(), public.len(), "{pages:?}");
    for a in &public {
        let e = entries.iter().find(|e| e["id"] == a.id).unwrap();
        assert_eq!(e["title"], a.title.as_str());
        let url = e["url"].as_str().unwrap();
        assert!(url.starts_with(&format!("articles/{:02}-", a.id)) && url.ends_with(".html"), "{url}");
        let page = files.get(url).unwrap_or_else(|| panic!("no page {url}"));
        assert!(readable(url, page).contains(&words(&a.title)), "{url} lacks its title");
        assert!(files["index.html"].contains(&format!("href=\"{url}\"")), "index does not link {url}");
        for tag in a.tags.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            assert!(e["tags"].as_array().unwrap().iter().any(|t| t == tag), "{url}: tag {tag}");
        }
        assert_eq!(e["category"].as_str(), a.category.as_deref());
        let body_words = words(&plain_markdown(&a.body));
        assert!(words(e["text"].as_str().unwrap()) == body_words, "index text of #{} is its body", a.id);
    }

    // The vocabulary for typo correction is the published words (and the
    // synonym list's), never a word only a hidden article uses.
    let mut public_words: HashSet<String> = HashSet::new();
    for a in &public {
        let text = format!(
            "{} {} {} {}",
            a.title,
            a.tags,
            a.category.clone().unwrap_or_default(),
            plain_markdown(&a.body)
        );
        public_words.extend(deskside::search::tokenize::words(&text));
    }
    public_words.extend(deskside::search::synonyms::Synonyms::builtin().words().map(str::to_string));
    let vocab = index["vocab"]["terms"].as_array().unwrap();
    assert!(vocab.len() > 500, "{}", vocab.len());
    for t in vocab {
        assert!(
            public_words.contains(t.as_str().unwrap()),
            "{t} is in the index but in no published article"
        );
    }
    assert!(!vocab.iter().any(|t| t == "wombat" || t == "quokka"));

    // Nothing hidden, and no ticket text, in any file. Text that also
    // appears in what is published (or in the site's own wording) is fair.
    let mut allowed = String::new();
    for a in &public {
        allowed.push_str(&format!(
            "{}\n{}\n{}\n{}\n",
            a.title,
            a.category.clone().unwrap_or_default(),
            a.tags,
            plain_markdown(&a.body)
        ));
    }
    for t in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/site")).unwrap() {
        allowed.push_str(&std::fs::read_to_string(t.unwrap().path()).unwrap());
    }
    let allowed = words(&allowed);
    let site_text: Vec<(String, String)> =
        files.iter().map(|(p, raw)| (p.clone(), readable(p, raw))).collect();
    let check = |what: &str, fragment: &str| -> bool {
        if fragment.is_empty() || allowed.contains(fragment) {
            return false;
        }
        for (path, text) in &site_text {
            assert!(!text.contains(fragment), "{what} {fragment:?} leaked into {path}");
        }
        true
    };
    let mut checked = 0;
    for a in &hidden {
        checked += usize::from(check("hidden title", &words(&a.title)));
        for f in fragments(&plain_markdown(&a.body), 5) {
            checked += usize::from(check(&format!("body of #{}", a.id), &f));
        }
    }
    assert!(checked >= 100, "only {checked} hidden fragments were distinctive enough to check");
    assert!(!site_text.iter().any(|(_, t)| t.contains("quokka") || t.contains("wombat")));
    let (tickets, notes) = ticket_texts(&env);
    assert!(!notes.is_empty());
    let mut checked_notes = 0;
    for n in &notes {
        for f in fragments(n, 3).into_iter().collect::<HashSet<_>>() {
            checked_notes += usize::from(check("internal note", &f));
        }
    }
    assert!(checked_notes >= 20, "only {checked_notes} internal-note fragments checked");
    let mut seen = HashSet::new();
    for t in &tickets {
        for f in fragments(t, 4) {
            if seen.insert(f.clone()) {
                check("ticket text", &f);
            }
        }
    }
    for path in files.keys() {
        assert!(
            !hidden.iter().any(|a| path.starts_with(&format!("articles/{:02}-", a.id))),
            "{path} is the page of a hidden article"
        );
    }

    // The hostile article is shown as text, never obeyed.
    let page = files.iter().find(|(p, _)| p.starts_with(&format!("articles/{hostile_id:02}-"))).unwrap().1;
    assert!(page
        .contains("&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; Printer &amp; &quot;quotes&quot;"));
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"), "{page}");
    assert!(page.contains("&lt;b&gt;raw bold&lt;/b&gt;"));
    assert!(page.contains("<a href=\"https://example.org/guide?a=1&amp;b=2\">the guide</a>"));
    for (path, raw) in &files {
        let lower = raw.to_lowercase();
        // Markup from the article survives only escaped (`&lt;` in pages,
        // `\u003c` in the JSON index).
        for bad in ["<script>alert", "<img", "<iframe", "<b>raw", "javascript:"] {
            assert!(!lower.contains(bad), "{bad} in {path}");
        }
    }
    let e = entries.iter().find(|e| e["id"] == hostile_id).unwrap();
    assert_eq!(e["title"], HOSTILE_TITLE, "the index carries the title as data");
    assert!(files["search-index.json"].contains("\\u003cscript\\u003e"));

    // Nothing is loaded from elsewhere: every http(s) URL in any file is a
    // link written in a published article.
    let bodies: String = public.iter().map(|a| a.body.as_str()).collect::<Vec<_>>().join("\n");
    let mut urls = 0;
    for (path, raw) in &files {
        let text = raw.replace("&amp;", "&").replace("\\u0026", "&");
        for (at, _) in text.match_indices("http") {
            let rest = &text[at..];
            if !(rest.starts_with("http://") || rest.starts_with("https://")) {
                continue;
            }
            let url: String =
                rest.chars().take_while(|c| !c.is_whitespace() && !"\"'<>)\\".contains(*c)).collect();
            assert!(bodies.contains(&url), "{path} refers to {url}, which no published article links");
            urls += 1;
        }
    }
    assert!(urls > 0, "the hostile article's link is on its page");
    for page in files.keys().filter(|p| p.ends_with(".html")) {
        check_page(page, &files[page]);
    }
}

/// Values of `attr="..."` in a page.
fn attribute_values<'a>(raw: &'a str, attr: &str) -> Vec<&'a str> {
    let key = format!(" {attr}=\"");
    raw.match_indices(&key)
        .map(|(at, _)| {
            let rest = &raw[at + key.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

/// A page is an English document for phones too, its elements nest
/// properly, its ids are unique and every label it points to exists.
fn check_page(path: &str, raw: &str) {
    assert!(raw.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"), "{path}");
    assert!(
        raw.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"),
        "{path}"
    );
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = raw;
    while let Some(i) = rest.find('<') {
        let after = &rest[i + 1..];
        let end = after.find('>').unwrap();
        let tag = &after[..end];
        rest = &after[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        let name = tag.trim_start_matches('/').split([' ', '/']).next().unwrap();
        if ["meta", "link", "input", "hr", "br"].contains(&name) {
            continue;
        }
        if tag.starts_with('/') {
            assert_eq!(stack.pop(), Some(name), "{path}: </{name}> closes the wrong element");
        } else {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "{path}: unclosed {stack:?}");
    let ids = attribute_values(raw, "id");
    let unique: HashSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{path}: duplicate ids");
    for label in attribute_values(raw, "aria-labelledby").into_iter().chain(attribute_values(raw, "for")) {
        assert!(ids.contains(&label), "{path}: points to a missing id {label}");
    }
    if !raw.contains("http-equiv=\"refresh\"") {
        assert_eq!(raw.matches("<h1").count(), 1, "{path}: one main heading");
        assert!(raw.contains("<main id=\"main\""), "{path}: the skip link's target");
    }
}

fn row<'a>(catalogue: &'a str, priority: &str) -> &'a str {
    let start = catalogue.find(&format!("<tr id=\"priority-{priority}\">")).unwrap();
    let end = start + catalogue[start..].find("</tr>").unwrap();
    &catalogue[start..end]
}

#[test]
fn the_service_catalogue_shows_categories_and_the_sla_policies() {
    let env = demo();
    env.run(&["sla", "policy", "set", "urgent", "--response", "90", "--resolve", "600"]).success();
    let site = env.dir.path().join("site");
    export_site(&env, &site);
    let catalogue = std::fs::read_to_string(site.join("service-catalogue.html")).unwrap();
    let urgent = row(&catalogue, "urgent");
    assert!(urgent.contains("1.5 working hours") && urgent.contains("10 working hours"), "{urgent}");
    for p in env.json(&["sla", "policy", "list"]).as_array().unwrap() {
        let r = row(&catalogue, p["priority"].as_str().unwrap());
        assert!(r.contains(&format!("data-minutes=\"{}\"", p["response_minutes"])), "{r}");
        assert!(r.contains(&format!("data-minutes=\"{}\"", p["resolve_minutes"])), "{r}");
    }
    // Each category with its number of published public articles.
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for a in articles(&env).iter().filter(|a| a.public) {
        *counts.entry(a.category.clone().unwrap()).or_default() += 1;
    }
    for (cat, n) in &counts {
        let link = format!("<a href=\"index.html#cat-{cat}\">");
        let at = catalogue.find(&link).unwrap_or_else(|| panic!("no row for {cat}"));
        let rest = &catalogue[at..];
        let cell = &rest[..rest.find("</tr>").unwrap()];
        assert!(cell.contains(&format!("<td class=\"num\">{n}</td>")), "{cat}: {cell}");
    }
    assert!(catalogue.contains("Mon-Fri 08:00-17:00"), "opening hours are shown");

    // A later change shows on the next export.
    env.run(&["sla", "policy", "set", "low", "--response", "480", "--resolve", "3000"]).success();
    export_site(&env, &site);
    let catalogue = std::fs::read_to_string(site.join("service-catalogue.html")).unwrap();
    assert!(
        row(&catalogue, "low").contains("8 working hours")
            && row(&catalogue, "low").contains("50 working hours")
    );
}

#[test]
fn a_second_export_replaces_the_first_cleanly() {
    let env = demo();
    let site = env.dir.path().join("site");
    let first = export_site(&env, &site);
    assert_eq!(first["removed"].as_array().unwrap().len(), 0);
    let again = export_site(&env, &site);
    assert_eq!(again["written"].as_array().unwrap().len(), 0, "nothing changed, nothing rewritten: {again}");
    assert_eq!(again["unchanged"], first["written"].as_array().unwrap().len());

    let before = files(&site);
    let page_of = |files: &BTreeMap<String, String>, id: i64| {
        files.keys().find(|p| p.starts_with(&format!("articles/{id:02}-"))).cloned()
    };
    let old_title_page = page_of(&before, 2).unwrap();
    assert!(page_of(&before, 1).is_some());
    env.run(&["kb", "archive", "1"]).success();
    env.run(&["kb", "edit", "2", "--title", "Changing the toner"]).success();
    std::fs::write(site.join("articles/999-left-over.html"), "old").unwrap();
    std::fs::write(site.join("robots.txt"), "User-agent: *\n").unwrap();
    let second = export_site(&env, &site);
    let after = files(&site);
    assert!(page_of(&after, 1).is_none(), "an archived article's page is removed");
    // Only files the export wrote (its manifest) are removed: one dropped
    // into articles/ by hand is someone's own (issue 15).
    assert!(after.contains_key("articles/999-left-over.html"), "a file the export did not write is kept");
    assert!(after.contains_key("robots.txt"), "files the export does not own are kept");
    let removed: Vec<&str> =
        second["removed"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(!removed.contains(&"articles/999-left-over.html"), "{removed:?}");
    assert!(removed.iter().any(|r| r.starts_with("articles/01-")), "{removed:?}");
    assert!(!after["index.html"].contains("articles/01-"), "the index no longer links it");
    // The renamed article keeps its old address as a pointer to the new one.
    let new_page = "articles/02-changing-the-toner.html";
    assert!(after.contains_key(new_page), "{:?}", after.keys());
    let redirect = &after[&old_title_page];
    assert!(
        redirect.contains("url=02-changing-the-toner.html") && !redirect.contains("toner cartridge"),
        "{redirect}"
    );
    check_page(&old_title_page, redirect);
    let unchanged = second["unchanged"].as_u64().unwrap();
    assert!(unchanged > 20, "pages of articles that did not change are left alone ({unchanged})");
}

#[test]
fn a_directory_that_is_not_a_site_is_refused() {
    let env = demo();
    let dir = env.dir.path().join("documents");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("report.docx"), "mine").unwrap();
    let (code, err) = env.fail(&["kb", "export", "--html", dir.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not empty"), "{err}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "nothing written");
    let (code, err) = env.fail(&["kb", "export"]);
    assert_eq!(code, 2, "{err}");
    let (code, _) = env.fail(&["kb", "export", "--html", "a", "--markdown", "b"]);
    assert_eq!(code, 2);
    let (code, err) = env.fail(&["kb", "export", "--markdown", "b", "--title", "T"]);
    assert_eq!(code, 2, "{err}");
    assert!(!env.dir.path().join("b").exists() && !Path::new("b").exists());

    // The site's name is the team's, escaped like everything else.
    let site = env.dir.path().join("site");
    env.run(&["kb", "export", "--html", site.to_str().unwrap(), "--title", "Trust <IT> help"]).success();
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains("<title>Trust &lt;IT&gt; help</title>"), "{index}");
}

/// Whether node is here to run the site's script; says so when not.
fn have_node() -> bool {
    match std::process::Command::new("node").arg("--version").output() {
        Ok(out) if out.status.success() => true,
        _ => {
            eprintln!("node is not installed: the site's search script was not run");
            false
        }
    }
}

/// The page's scripts (index, search-core.js, search.js), run under node
/// with a minimal page for `?q=QUERY`: the same code a browser runs from
/// file://, against the generated index.
const PAGE_HARNESS: &str = r#"
const fs = require("fs");
const [dir, query] = process.argv.slice(2);
function el() {
  return { children: [], hidden: false, textContent: "", className: "", href: "",
    appendChild(c) { this.children.push(c); return c; },
    removeChild(c) { this.children.splice(this.children.indexOf(c), 1); },
    get firstChild() { return this.children[0] || null; },
    addEventListener() {} };
}
const ids = {};
for (const id of ["q", "search-form", "search-results", "results", "search-status", "browse", "no-results-wrap"]) ids[id] = el();
ids["no-results-wrap"].hidden = true;
globalThis.window = { location: { search: "?q=" + encodeURIComponent(query) } };
globalThis.document = { getElementById: (id) => ids[id] || null, createElement: el, createTextNode: (t) => ({ textContent: t }) };
globalThis.history = { replaceState() {} };
for (const file of ["search-index.js", "assets/search-core.js", "assets/search.js"]) {
  new Function("window", "document", "history", "module", fs.readFileSync(dir + "/" + file, "utf8"))(
    globalThis.window, globalThis.document, globalThis.history, undefined);
}
const results = ids["results"].children.map((li) => li.children[0].href);
const marked = ids["results"].children.flatMap((li) => li.children[2].children.filter((c) => c.children).map((c) => c.textContent));
console.log(JSON.stringify({ results, marked, status: ids["search-status"].textContent,
  browse_hidden: ids["browse"].hidden, contact_hidden: ids["no-results-wrap"].hidden }));
"#;

/// search-core.js on its own, as node loads a module: queries, and the
/// rules' pieces for comparing with deskside's own.
const CORE_HARNESS: &str = r#"
const fs = require("fs");
const [dir, input] = process.argv.slice(2);
const core = require(dir + "/assets/search-core.js");
const engine = core.create(JSON.parse(fs.readFileSync(dir + "/search-index.json", "utf8")));
const ask = JSON.parse(fs.readFileSync(input, "utf8"));
console.log(JSON.stringify({
  search: ask.search.map((q) => engine.search(q, 10).map((h) => h.article.id)),
  words: ask.words.map((t) => engine.words(t)),
  stem: ask.stem.map((w) => engine.stem(w)),
  corrections: ask.corrections.map((w) => engine.corrections(w, 2)),
  prefix_corrections: ask.corrections.map((w) => engine.prefixCorrections(w, 2)),
  distance: ask.distance.map(([a, b]) => engine.distance(a, b, 2)),
}));
"#;

fn page_search(env: &Env, site: &Path, q: &str) -> Value {
    let script = env.dir.path().join("page-harness.js");
    std::fs::write(&script, PAGE_HARNESS).unwrap();
    let out = std::process::Command::new("node").arg(&script).arg(site).arg(q).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn core(env: &Env, site: &Path, ask: &Value) -> Value {
    let script = env.dir.path().join("core-harness.js");
    std::fs::write(&script, CORE_HARNESS).unwrap();
    let input = env.dir.path().join("ask.json");
    std::fs::write(&input, ask.to_string()).unwrap();
    let out = std::process::Command::new("node").arg(&script).arg(site).arg(&input).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_search_script_finds_articles_in_the_generated_index() {
    if !have_node() {
        return;
    }
    let env = demo();
    let site = env.dir.path().join("site");
    export_site(&env, &site);
    let search = |q: &str| page_search(&env, &site, q);
    let jam = search("paper jam");
    assert!(jam["results"][0].as_str().unwrap().starts_with("articles/01-"), "{jam}");
    assert!(jam["status"].as_str().unwrap().contains("match"), "{jam}");
    assert_eq!(jam["browse_hidden"], true);
    assert_eq!(jam["contact_hidden"], true, "results found: no need to send anyone to IT");
    assert!(jam["marked"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m.as_str().unwrap().eq_ignore_ascii_case("jam")));
    // Tags and word beginnings count: "kyocer" is the start of a tag.
    assert!(search("kyocer")["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r.as_str().unwrap().starts_with("articles/01-")));
    // A word nobody uses finds nothing, and the Contact IT block shows.
    let none = search("zzqx");
    assert_eq!(none["results"].as_array().unwrap().len(), 0);
    assert!(none["status"].as_str().unwrap().starts_with("No articles match"), "{none}");
    assert_eq!(none["contact_hidden"], false, "a failed search leads to IT: {none}");
    assert_eq!(none["browse_hidden"], false);
    // As in suggest, an unknown word beside a known one is not required.
    let mixed = search("zzqx printer");
    assert!(mixed["results"].as_array().unwrap().len() > 2, "{mixed}");
    // A word in the title ranks an article above those that only mention it.
    let toner = search("toner");
    assert!(toner["results"].as_array().unwrap().len() > 1, "{toner}");
    assert!(toner["results"][0].as_str().unwrap().starts_with("articles/02-"), "{toner}");
}

/// The ids of the public articles whose title contains `word`.
fn titled(env: &Env, word: &str) -> BTreeSet<i64> {
    articles(env).iter().filter(|a| a.public && words(&a.title).contains(word)).map(|a| a.id).collect()
}

#[test]
fn the_site_forgives_typos_synonyms_and_half_typed_words_as_suggest_does() {
    if !have_node() {
        return;
    }
    let env = demo();
    let site = env.dir.path().join("site");
    export_site(&env, &site);
    let printer: BTreeSet<i64> = titled(&env, "printer").union(&titled(&env, "copiers")).copied().collect();
    let password = titled(&env, "password");
    let sound = titled(&env, "sound");
    let board: BTreeSet<i64> = titled(&env, "board").union(&titled(&env, "boards")).copied().collect();
    let wifi = titled(&env, "wi fi");
    let projector = titled(&env, "projector");
    assert!([&printer, &password, &sound, &board, &wifi, &projector].iter().all(|s| !s.is_empty()));
    // (query, the articles its first result must be among, how many of the
    // first three must be)
    let cases: Vec<(&str, &BTreeSet<i64>, usize)> = vec![
        ("pritner", &printer, 3),
        ("prniter jamed", &printer, 1),
        ("pasword", &password, 1),
        ("forgotten pasword", &password, 1),
        ("sound not working", &sound, 1),
        ("audio", &sound, 1),
        ("smartbord", &board, 1),
        ("interactive whiteboard", &board, 1),
        ("wif", &wifi, 3),
        ("wireless", &wifi, 1),
        ("porjector", &projector, 2),
    ];
    let queries: Vec<&str> = cases.iter().map(|c| c.0).collect();
    let ask =
        serde_json::json!({"search": queries, "words": [], "stem": [], "corrections": [], "distance": []});
    let got = core(&env, &site, &ask);
    for (i, (q, want, top3)) in cases.iter().enumerate() {
        let ids: Vec<i64> =
            got["search"][i].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
        assert!(!ids.is_empty(), "{q:?} found nothing");
        assert!(want.contains(&ids[0]), "{q:?}: first {ids:?}, expected one of {want:?}");
        let hits = ids.iter().take(3).filter(|id| want.contains(id)).count();
        assert!(hits >= *top3, "{q:?}: {ids:?} has {hits} of {want:?} in its first three");
        // The technicians' search over the same articles agrees on the best answer.
        let theirs = env.json(&["kb", "search", "--audience", "public", "--limit", "3", q]);
        let theirs: Vec<i64> = theirs.as_array().unwrap().iter().map(|h| h["id"].as_i64().unwrap()).collect();
        assert!(
            theirs.contains(&ids[0]) && ids.iter().take(3).any(|id| *id == theirs[0]),
            "{q:?}: site {ids:?}, kb search {theirs:?}"
        );
    }
}

#[test]
fn the_script_applies_deskside_s_own_rules() {
    if !have_node() {
        return;
    }
    use deskside::search::{tokenize, vocab};
    let env = demo();
    let site = env.dir.path().join("site");
    export_site(&env, &site);
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("search-index.json")).unwrap()).unwrap();
    let terms: Vec<String> =
        index["vocab"]["terms"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect();
    let df: Vec<u32> =
        index["vocab"]["df"].as_array().unwrap().iter().map(|n| n.as_u64().unwrap() as u32).collect();
    let docs = index["vocab"]["docs"].as_u64().unwrap() as u32;
    let vocab = vocab::Vocab::new(terms.iter().cloned().zip(df).collect(), docs);
    // Typos made from real words: a letter swapped, dropped, doubled, changed.
    let mut typos: Vec<String> = Vec::new();
    for (n, t) in
        terms.iter().filter(|t| t.len() >= 4 && t.chars().all(|c| c.is_ascii_lowercase())).enumerate()
    {
        let b = t.as_bytes();
        let i = 1 + n % (b.len() - 2);
        let mut swapped = b.to_vec();
        swapped.swap(i, i + 1);
        let mut dropped = b.to_vec();
        dropped.remove(i);
        let mut changed = b.to_vec();
        changed[i] = b'q';
        for w in [swapped, dropped, changed] {
            typos.push(String::from_utf8(w).unwrap());
        }
        if typos.len() > 900 {
            break;
        }
    }
    let texts = ["Wi-Fi on the SchoolStaff network!", "Café déjà vu, Łódź, Ærø", "H: drive_23smithj 😀 ١٢٣"];
    let pairs: Vec<(String, String)> =
        typos.iter().zip(&terms).map(|(a, b)| (a.clone(), b.clone())).collect();
    let ask = serde_json::json!({
        "search": [], "words": texts, "stem": terms, "corrections": typos, "distance": pairs,
    });
    let got = core(&env, &site, &ask);
    for (i, t) in texts.iter().enumerate() {
        assert_eq!(got["words"][i], serde_json::json!(tokenize::words(t)), "{t}");
    }
    for (i, w) in terms.iter().enumerate() {
        assert_eq!(got["stem"][i].as_str(), tokenize::stem(w).as_deref(), "stem of {w}");
    }
    let mut corrected = 0;
    for (i, w) in typos.iter().enumerate() {
        let want = vocab.corrections(w, 2);
        corrected += usize::from(!want.is_empty());
        assert_eq!(got["corrections"][i], serde_json::json!(want), "corrections of {w}");
        assert_eq!(got["prefix_corrections"][i], serde_json::json!(vocab.prefix_corrections(w, 2)), "{w}");
    }
    assert!(corrected > 300, "only {corrected} typos were corrected at all");
    for (i, (a, b)) in pairs.iter().enumerate() {
        let want = vocab::distance(a, b, 2).map_or(-1, |d| d as i64);
        assert_eq!(got["distance"][i].as_i64(), Some(want), "{a} {b}");
    }
}

/// Writes the user's config file (HOME and XDG paths are inside the test's
/// directory).
fn write_config(env: &Env, text: &str) {
    let dir = env.dir.path().join("home/.config/deskside");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), text).unwrap();
}

#[test]
fn every_page_says_how_to_contact_it_from_the_config() {
    let env = demo();
    // Nothing configured: a sensible default, never an empty box.
    let plain = env.dir.path().join("plain");
    export_site(&env, &plain);
    let index = std::fs::read_to_string(plain.join("index.html")).unwrap();
    assert!(index.contains("Contact your IT support team."), "{index}");
    assert!(index.contains("Opening hours: Mon-Fri 08:00-17:00"), "the calendar's hours by default");

    write_config(
        &env,
        r#"[contact]
portal_url = "https://help.trust.example/?from=\"><script>alert('url')</script>"
email = "it-support@trust.example"
phone = "+44 1234 <img src=x onerror=alert(1)> 567"
hours = "Mon-Fri 8-5 & <b>term time</b>"
"#,
    );
    let site = env.dir.path().join("site");
    export_site(&env, &site);
    let files = files(&site);
    let pages: Vec<&String> = files.keys().filter(|p| p.ends_with(".html")).collect();
    assert!(pages.len() > 40);
    for page in pages {
        let raw = &files[page];
        if raw.contains("http-equiv=\"refresh\"") {
            continue;
        }
        assert!(raw.contains("<section id=\"contact\" class=\"contact\""), "{page} has no Contact IT block");
        assert!(
            raw.contains("href=\"https://help.trust.example/?from=&quot;&gt;&lt;script&gt;alert(&#39;url&#39;)&lt;/script&gt;\""),
            "{page}: the portal link, escaped"
        );
        assert!(
            raw.contains("<a href=\"mailto:it-support@trust.example\">it-support@trust.example</a>"),
            "{page}"
        );
        assert!(
            raw.contains("<a href=\"tel:+4412341567\">+44 1234 &lt;img src=x onerror=alert(1)&gt; 567</a>"),
            "{page}"
        );
        assert!(raw.contains("Opening hours: Mon-Fri 8-5 &amp; &lt;b&gt;term time&lt;/b&gt;"), "{page}");
        for bad in ["<script>", "<img", "<b>term", "onerror=alert(1)>"] {
            assert!(!raw.contains(bad), "{bad} in {page}");
        }
        check_page(page, raw);
    }
    // Under the search, prominent and hidden until a search finds nothing.
    let index = &files["index.html"];
    let wrap =
        index.find("<div id=\"no-results-wrap\" class=\"no-results\" hidden>").expect("the no-results block");
    assert!(index[wrap..].contains("No answer here? Contact IT"));
    assert!(index[wrap..].contains("Ask IT Support online"));

    // A link that would run script is refused, naming the file; nothing is written.
    write_config(&env, "[contact]\nportal_url = \"javascript:alert(document.cookie)\"\n");
    let before = files.clone();
    let (code, err) = env.fail(&["kb", "export", "--html", site.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("config.toml") && err.contains("portal_url"), "{err}");
    assert_eq!(self::files(&site), before, "nothing was written");
    write_config(&env, "[contact]\nphone_number = \"1\"\n");
    let (_, err) = env.fail(&["kb", "export", "--html", site.to_str().unwrap()]);
    assert!(err.contains("phone_number"), "a mistyped key is named: {err}");
}
