//! The self-help site `kb export --html` writes: an index by category, one
//! page per article, a service catalogue, and search that runs in the
//! browser over a generated index. Pure functions from the data to the
//! files; `dir` puts them on disk.
//!
//! Only published public articles are ever rendered (checked here again,
//! whatever the caller passes); nothing about tickets is an input at all.

pub mod contact;
pub mod dir;
pub mod escape;
pub mod html;
mod index;
pub mod inline;
mod pages;

use crate::domain::ArticleId;
use crate::domain::{Article, ArticleStatus, Audience, SlaPolicy};
use serde::Serialize;

pub const LAYOUT: &str = include_str!("../../assets/site/layout.html");
pub const INDEX: &str = include_str!("../../assets/site/index.html");
pub const ARTICLE: &str = include_str!("../../assets/site/article.html");
pub const CATALOGUE: &str = include_str!("../../assets/site/catalogue.html");
pub const REDIRECT: &str = include_str!("../../assets/site/redirect.html");
pub const CSS: &str = include_str!("../../assets/site/site.css");
pub const SEARCH_JS: &str = include_str!("../../assets/site/search.js");
/// The matching and ranking, with no page access (so tests run it in node).
pub const SEARCH_CORE_JS: &str = include_str!("../../assets/site/search-core.js");

/// Where the article pages live inside the site.
pub const ARTICLES_DIR: &str = "articles";
/// Where the stylesheet and script live.
pub const ASSETS_DIR: &str = "assets";
/// The search index, for the script (`search-index.js`) and for anything
/// else that wants it (`search-index.json`): the same data in both.
pub const INDEX_JSON: &str = "search-index.json";
pub const INDEX_JS: &str = "search-index.js";
/// Marks a directory as a site this exporter wrote, so a later export may
/// replace what is in it.
pub const MARKER: &str = ".deskside-site";

pub const DEFAULT_TITLE: &str = "IT Support self-help";

/// Everything the site shows.
#[derive(Debug, Clone)]
pub struct SiteData {
    pub title: String,
    pub articles: Vec<Article>,
    pub policies: Vec<SlaPolicy>,
    pub hours: Vec<OpeningHours>,
    /// Dates on the pages are shown in this zone.
    pub tz: chrono_tz::Tz,
    /// The "Contact IT" block on every page.
    pub contact: contact::Contact,
}

/// One calendar's opening hours and the schools on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpeningHours {
    pub hours: String,
    pub tz: String,
    pub schools: Vec<String>,
}

/// A file of the site: a path relative to its root (always `/`) and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    pub path: String,
    pub contents: String,
}

/// What the site can show: published and public, nothing else.
pub fn is_public(a: &Article) -> bool {
    a.status == ArticleStatus::Published && a.audience == Audience::Public
}

/// A title as a file-name slug: lower-case ASCII letters and digits joined
/// by hyphens, at most 60 characters, cut at a word.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c != '\'' && c != '\u{2019}' && !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut s = out.trim_end_matches('-').to_string();
    if s.len() > 60 {
        s.truncate(60);
        if let Some(cut) = s.rfind('-') {
            s.truncate(cut);
        }
    }
    if s.is_empty() {
        "article".to_string()
    } else {
        s
    }
}

/// Common accented Latin letters as their base letter, so "Café" slugs as "cafe".
fn fold_accent(c: char) -> Vec<char> {
    let base = match c {
        'à'..='å' | 'À'..='Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è'..='ë' | 'È'..='Ë' => 'e',
        'ì'..='ï' | 'Ì'..='Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò'..='ö' | 'ø' | 'Ò'..='Ö' | 'Ø' => 'o',
        'ù'..='ü' | 'Ù'..='Ü' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        'ß' => return vec!['s', 's'],
        'æ' | 'Æ' => return vec!['a', 'e'],
        c => c,
    };
    vec![base]
}

/// The page of an article inside `articles/`: stable while its title stays.
pub fn article_file(a: &Article) -> String {
    format!("{:02}-{}.html", a.id, slug(&a.title))
}

/// The id an article page's file name starts with (`12-...html`).
pub fn id_of_file(name: &str) -> Option<ArticleId> {
    let (id, rest) = name.split_once('-')?;
    (rest.ends_with(".html") && !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()))
        .then(|| id.parse().ok())
        .flatten()
}

/// Words of category names that are written differently in prose.
const WORDS: &[(&str, &str)] = &[
    ("av", "AV"),
    ("ict", "ICT"),
    ("it", "IT"),
    ("mis", "MIS"),
    ("mfa", "MFA"),
    ("pc", "PC"),
    ("pcs", "PCs"),
    ("sims", "SIMS"),
    ("ipad", "iPad"),
    ("ipads", "iPads"),
    ("office365", "Office 365"),
    ("m365", "Microsoft 365"),
    ("wifi", "Wi-Fi"),
];

/// A category as shown: "shared-pcs" reads "Shared PCs", "classroom-av"
/// "Classroom AV"; none is "Other".
pub fn category_label(category: Option<&str>) -> String {
    let words: Vec<String> = category
        .unwrap_or("")
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| WORDS.iter().find(|(k, _)| *k == w).map_or_else(|| w.to_string(), |(_, v)| v.to_string()))
        .collect();
    let text = words.join(" ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Other".to_string(),
    }
}

/// A title's sort key: quotes and other leading punctuation do not count.
pub fn title_key(title: &str) -> String {
    title.trim_start_matches(|c: char| !c.is_alphanumeric()).to_lowercase()
}

/// JSON safe to put anywhere: `<`, `>` and `&` are written as `\u` escapes
/// (inside strings, the only place they can be), so no `</script>` or
/// markup appears even in the raw file.
pub fn safe_json<T: Serialize>(value: &T) -> String {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "null".to_string());
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Renders the whole site. `existing` names the article pages already in
/// the directory: an old page of an article still published (its title
/// changed) becomes a redirect to the new one, so links keep working.
pub fn render(data: &SiteData, existing: &[String]) -> Vec<SiteFile> {
    let mut articles: Vec<&Article> = data.articles.iter().filter(|a| is_public(a)).collect();
    articles.sort_by(|a, b| {
        (a.category.is_none(), &a.category, title_key(&a.title), a.id).cmp(&(
            b.category.is_none(),
            &b.category,
            title_key(&b.title),
            b.id,
        ))
    });
    let groups = pages::groups(&articles);
    let mut files = vec![
        SiteFile { path: "index.html".into(), contents: pages::index(data, &groups) },
        SiteFile { path: "service-catalogue.html".into(), contents: pages::catalogue(data, &groups) },
        SiteFile { path: format!("{ASSETS_DIR}/site.css"), contents: CSS.to_string() },
        SiteFile { path: format!("{ASSETS_DIR}/search-core.js"), contents: SEARCH_CORE_JS.to_string() },
        SiteFile { path: format!("{ASSETS_DIR}/search.js"), contents: SEARCH_JS.to_string() },
    ];
    let index = index::search_index(&data.title, &articles);
    files.push(SiteFile { path: INDEX_JS.into(), contents: format!("window.DESKSIDE_SEARCH = {index};\n") });
    files.push(SiteFile { path: INDEX_JSON.into(), contents: format!("{index}\n") });
    for a in &articles {
        files.push(SiteFile {
            path: format!("{ARTICLES_DIR}/{}", article_file(a)),
            contents: pages::article(data, a, &groups),
        });
    }
    for old in existing {
        let Some(id) = id_of_file(old) else { continue };
        if let Some(a) = articles.iter().find(|a| a.id == id && article_file(a) != *old) {
            files.push(SiteFile {
                path: format!("{ARTICLES_DIR}/{old}"),
                contents: fill(REDIRECT, &[("target", &html::escape(&article_file(a)))]),
            });
        }
    }
    files.push(SiteFile {
        path: MARKER.into(),
        contents: "Written by `deskside kb export --html`: the next export replaces the pages in this \
                   directory and removes those of articles no longer published.\n"
            .into(),
    });
    files
}

/// Fills `{{name}}` placeholders in one pass (values are already HTML, and
/// a value that itself contains `{{...}}` is never expanded again).
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        match after.find("}}") {
            Some(close) => {
                let key = &after[..close];
                match values.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => out.push_str(&rest[open..open + 2 + close + 2]),
                }
                rest = &after[close + 2..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_stable_and_plain() {
        assert_eq!(
            slug("Clearing a paper jam on the Kyocera copiers"),
            "clearing-a-paper-jam-on-the-kyocera-copiers"
        );
        assert_eq!(slug("A pupil can't log on: <script>!"), "a-pupil-cant-log-on-script");
        assert_eq!(slug("Café Wi-Fi"), "cafe-wi-fi");
        assert_eq!(slug("!!!"), "article");
        let long = slug(&"word ".repeat(40));
        assert!(long.len() <= 60 && !long.ends_with('-'), "{long}");
        assert_eq!(id_of_file("12-clearing.html"), Some(ArticleId(12)));
        assert_eq!(id_of_file("readme.html"), None);
        assert_eq!(id_of_file("12-x.md"), None);
    }

    #[test]
    fn json_never_carries_markup() {
        let s = safe_json(&serde_json::json!({"t": "</script><b>&"}));
        assert_eq!(s, r#"{"t":"\u003c/script\u003e\u003cb\u003e\u0026"}"#);
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["t"], "</script><b>&");
    }

    #[test]
    fn templates_fill_once() {
        assert_eq!(fill("a {{x}} b {{y}} {{z", &[("x", "{{y}}"), ("y", "2")]), "a {{y}} b 2 {{z");
        for t in [LAYOUT, INDEX, ARTICLE, CATALOGUE, REDIRECT, CSS, SEARCH_JS, SEARCH_CORE_JS] {
            assert!(!t.contains("http:") && !t.contains("https:"), "templates load nothing from elsewhere");
        }
    }

    #[test]
    fn categories_read_as_words() {
        assert_eq!(category_label(Some("shared-pcs")), "Shared PCs");
        assert_eq!(category_label(Some("classroom-av")), "Classroom AV");
        assert_eq!(category_label(Some("mis")), "MIS");
        assert_eq!(category_label(Some("web-filter")), "Web filter");
        assert_eq!(category_label(None), "Other");
    }
}
