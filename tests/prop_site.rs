//! Property tests for the knowledge base as files: any article body renders
//! to HTML made only of the tags and attributes the site uses, balanced,
//! with no script-capable link; any file text is read without a panic and
//! refused with its name; and an import that fails changes nothing.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

use deskside::clock::FixedClock;
use deskside::service::kb_files::{self, parse_all, parse_markdown};
use deskside::service::{Desk, InitOptions};
use deskside::site::html::render;
use deskside::store::Store;
use proptest::prelude::*;
use std::collections::HashMap;

const TAGS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "pre",
    "code",
    "blockquote",
    "hr",
    "div",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "strong",
    "em",
    "a",
];
const ATTRIBUTES: &[&str] = &["href", "id", "class", "start", "scope"];

/// Asserts `html` is made of the site's own tags, balanced, with safe links
/// and no stray `>` in text.
fn check(html: &str, source: &str) {
    let mut open: HashMap<&str, i64> = HashMap::new();
    let mut rest = html;
    loop {
        let next = rest.find('<');
        let text = &rest[..next.unwrap_or(rest.len())];
        assert!(!text.contains('>'), "raw > in text of {source:?}: {html}");
        let Some(i) = next else { break };
        let after = &rest[i + 1..];
        let end = after.find('>').unwrap_or_else(|| panic!("unclosed tag for {source:?}: {html}"));
        let tag = &after[..end];
        let (closing, body) = match tag.strip_prefix('/') {
            Some(t) => (true, t),
            None => (false, tag),
        };
        let mut parts = body.split(' ');
        let name = parts.next().unwrap_or("");
        assert!(TAGS.contains(&name), "tag <{tag}> from {source:?}: {html}");
        for attr in parts {
            let (key, value) = attr.split_once('=').unwrap_or_else(|| panic!("attribute {attr} in {html}"));
            assert!(ATTRIBUTES.contains(&key), "attribute {key} from {source:?}: {html}");
            let value = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).expect("quoted value");
            assert!(!value.contains(['"', '<', '>']), "{value}");
            if key == "href" {
                let lower = value.to_ascii_lowercase();
                if let Some(colon) = lower.find(':') {
                    let scheme = &lower[..colon];
                    let before_path = lower.find(['/', '?', '#']).is_none_or(|p| colon < p);
                    assert!(
                        !before_path || ["http", "https", "mailto", "tel"].contains(&scheme),
                        "href {value} from {source:?}"
                    );
                }
            }
        }
        if name != "hr" {
            *open.entry(name).or_default() += if closing { -1 } else { 1 };
            assert!(open[name] >= 0, "</{name}> before <{name}> from {source:?}: {html}");
        }
        rest = &after[end + 1..];
    }
    assert!(open.values().all(|&n| n == 0), "unbalanced {open:?} from {source:?}: {html}");
}

fn markdownish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "*",
        "**",
        "_",
        "__",
        "`",
        "``",
        "```\n",
        "~~~\n",
        "[",
        "](",
        ")",
        "(",
        "![",
        "<",
        ">",
        "<script>",
        "</p>",
        "<b onclick=x>",
        "&",
        "&amp;",
        "\"",
        "'",
        "\\",
        "# ",
        "## ",
        "###### ",
        "- ",
        "* ",
        "+ ",
        "1. ",
        "12) ",
        "> ",
        ">> ",
        "|",
        "| a | b |\n|---|---|\n",
        "---\n",
        "\n",
        "\n\n",
        "  ",
        "    ",
        "\t",
        "javascript:alert(1)",
        "JaVaScRiPt:x",
        "data:text/html,x",
        "https://x.org/a_(b)",
        "mailto:a@b.c",
        "<https://x.org>",
        "word",
        "Word.",
        "é",
        "\u{0}",
        "\u{2028}",
        "\r\n",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
}

fn desk() -> Desk {
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().to_utc();
    let mut desk =
        Desk::with_store(Store::open_in_memory().unwrap(), Box::new(FixedClock(now)), "lead", "lead");
    desk.seed(&InitOptions::default()).unwrap();
    desk
}

fn dump(desk: &Desk) -> Vec<String> {
    let conn = desk.store().conn();
    let mut stmt = conn
        .prepare("SELECT id, title, body, category, tags, status, audience, version FROM articles")
        .unwrap();
    stmt.query_map([], |r| {
        Ok((0..8).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|"))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn front() -> impl Strategy<Value = String> {
    let lines = prop::sample::select(vec![
        "id = 1\n",
        "id = 2\n",
        "id = -3\n",
        "id = \"x\"\n",
        "title = \"Printer\"\n",
        "title = \"\"\n",
        "title = \"<script>\"\n",
        "category = \"printing\"\n",
        "tags = [\"a\", \"b\"]\n",
        "tags = [1]\n",
        "audience = \"public\"\n",
        "audience = \"internal\"\n",
        "audience = \"everyone\"\n",
        "status = \"draft\"\n",
        "status = \"published\"\n",
        "status = \"archived\"\n",
        "author = \"x\"\n",
        "title = \"unclosed\n",
        "+++\n",
        "= =\n",
    ]);
    (prop::collection::vec(lines, 0..8), markdownish())
        .prop_map(|(l, body)| format!("+++\n{}+++\n{body}", l.concat()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_body_renders_to_safe_balanced_html(md in markdownish()) {
        check(&render(&md), &md);
    }

    #[test]
    fn any_text_renders_to_safe_balanced_html(md in "\\PC{0,300}") {
        check(&render(&md), &md);
    }

    #[test]
    fn any_file_is_read_or_refused_by_name(text in prop_oneof![front(), "\\PC{0,200}"]) {
        if let Err(e) = parse_markdown("f.md", &text) {
            prop_assert_eq!(e.exit_code(), 2);
            prop_assert!(e.to_string().starts_with("f.md: "), "{}", e);
        }
    }

    #[test]
    fn an_import_either_applies_or_changes_nothing(texts in prop::collection::vec(front(), 1..4)) {
        let mut desk = desk();
        let seeded = vec![("seed.md".to_string(), "+++\nid = 1\ntitle = \"Seed\"\naudience = \"public\"\nstatus = \"published\"\n+++\nBody.\n".to_string())];
        let seed = parse_all(&seeded).unwrap();
        desk.write(|cx| kb_files::import(cx, "seed", &seed)).unwrap();
        let before = dump(&desk);
        let files: Vec<(String, String)> = texts.into_iter().enumerate().map(|(i, t)| (format!("{i}.md"), t)).collect();
        let result = parse_all(&files).and_then(|parsed| desk.write(|cx| kb_files::import(cx, "dir", &parsed)));
        match result {
            Ok(report) => {
                let after = dump(&desk);
                prop_assert_eq!(report.created.len() + report.updated.len() + report.unchanged, files.len());
                prop_assert_eq!(after.len(), before.len() + report.created.len());
            }
            Err(e) => {
                prop_assert!(files.iter().any(|(name, _)| e.to_string().starts_with(&format!("{name}: "))), "{}", e);
                prop_assert_eq!(dump(&desk), before);
            }
        }
    }
}
