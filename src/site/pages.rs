//! The pages of the self-help site, filled into the templates in
//! `assets/site/`. Every value from the database goes through
//! `html::escape` (or the Markdown renderer, which escapes too).

use super::html::{anchor, escape};
use super::{article_file, category_label, fill, SiteData, ARTICLE, CATALOGUE, INDEX, LAYOUT};
use crate::domain::{Article, Priority, SlaPolicy};
use std::collections::HashSet;

/// Longest summary under a title in lists.
const SUMMARY_CHARS: usize = 180;
/// Other articles of the same category listed under an article.
const RELATED: usize = 6;

/// The gist of an article for lists: its fix, or its first paragraph.
pub fn short_summary(body: &str) -> String {
    let s = crate::domain::markdown::summary(body);
    if s.chars().count() <= SUMMARY_CHARS {
        return s;
    }
    let mut cut: String = s.chars().take(SUMMARY_CHARS).collect();
    if let Some(space) = cut.rfind(' ') {
        cut.truncate(space);
    }
    cut.push('…');
    cut
}

/// A category of the index: its label, anchor and articles.
pub struct Group<'a> {
    label: String,
    anchor: String,
    articles: Vec<&'a Article>,
}

/// Articles grouped by category, in the order given (already sorted), each
/// group with an anchor unique on the page.
pub fn groups<'a>(articles: &[&'a Article]) -> Vec<Group<'a>> {
    let mut out: Vec<(Option<&str>, Group<'a>)> = Vec::new();
    let mut used = HashSet::new();
    for a in articles {
        let key = a.category.as_deref();
        if let Some((_, g)) = out.iter_mut().find(|(k, _)| *k == key) {
            g.articles.push(a);
            continue;
        }
        let base = match key {
            Some(c) if !anchor(c).is_empty() => format!("cat-{}", anchor(c)),
            Some(_) => "cat".to_string(),
            None => "no-category".to_string(),
        };
        let mut id = base.clone();
        let mut n = 2;
        while !used.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        out.push((key, Group { label: category_label(key), anchor: id, articles: vec![a] }));
    }
    out.into_iter().map(|(_, g)| g).collect()
}

fn page(data: &SiteData, root: &str, title: &str, current: &str, main: &str, scripts: &str) -> String {
    let page_title = if title == data.title {
        escape(title)
    } else {
        format!("{} - {}", escape(title), escape(&data.title))
    };
    let mark = |name: &str| if name == current { " aria-current=\"page\"" } else { "" };
    fill(
        LAYOUT,
        &[
            ("page_title", &page_title),
            ("root", root),
            ("site_title", &escape(&data.title)),
            ("current_index", mark("index")),
            ("current_catalogue", mark("catalogue")),
            ("main", main),
            ("contact", &super::contact::render(&data.contact, &data.hours, "contact", "Contact IT")),
            ("scripts", scripts),
        ],
    )
}

pub fn index(data: &SiteData, groups: &[Group<'_>]) -> String {
    let links: Vec<String> = groups
        .iter()
        .map(|g| {
            format!(
                "<li><a href=\"#{}\">{} <span class=\"count\">({})</span></a></li>",
                escape(&g.anchor),
                escape(&g.label),
                g.articles.len()
            )
        })
        .collect();
    let mut sections = String::new();
    for g in groups {
        let heading = format!("{}-heading", g.anchor);
        sections.push_str(&format!(
            "<section id=\"{}\" aria-labelledby=\"{}\">\n<h3 id=\"{}\">{}</h3>\n<ul class=\"articles\">\n",
            escape(&g.anchor),
            escape(&heading),
            escape(&heading),
            escape(&g.label)
        ));
        for a in &g.articles {
            sections.push_str(&format!(
                "<li><a href=\"articles/{}\">{}</a><p>{}</p></li>\n",
                escape(&article_file(a)),
                escape(&a.title),
                escape(&short_summary(&a.body))
            ));
        }
        sections.push_str("</ul>\n</section>\n");
    }
    if groups.is_empty() {
        sections.push_str("<p>There are no published help articles yet.</p>\n");
    }
    // Shown by the script under a search that found nothing.
    let stuck =
        super::contact::render(&data.contact, &data.hours, "no-results", "No answer here? Contact IT");
    let main = fill(
        INDEX,
        &[("category_links", &links.join("\n")), ("categories", &sections), ("no_results", &stuck)],
    );
    let scripts =
        "<script src=\"search-index.js\"></script>\n<script src=\"assets/search-core.js\"></script>\n\
                   <script src=\"assets/search.js\"></script>";
    page(data, "", &data.title, "index", &main, scripts)
}

pub fn article(data: &SiteData, a: &Article, groups: &[Group<'_>]) -> String {
    let group = groups.iter().find(|g| g.articles.iter().any(|x| x.id == a.id));
    let (label, cat_anchor) = group.map(|g| (g.label.clone(), g.anchor.clone())).unwrap_or_default();
    let tags = if a.tags.is_empty() {
        String::new()
    } else {
        let items: Vec<String> = a.tags.iter().map(|t| format!("<li>{}</li>", escape(t))).collect();
        format!(
            "<section class=\"tags\" aria-labelledby=\"tags-heading\">\n<h2 id=\"tags-heading\">Tags</h2>\n<ul>{}</ul>\n</section>",
            items.join("")
        )
    };
    let related: Vec<String> = group
        .map(|g| g.articles.iter().filter(|x| x.id != a.id).take(RELATED).collect::<Vec<_>>())
        .unwrap_or_default()
        .iter()
        .map(|x| format!("<li><a href=\"{}\">{}</a></li>", escape(&article_file(x)), escape(&x.title)))
        .collect();
    let related = if related.is_empty() {
        String::new()
    } else {
        format!(
            "<nav class=\"related\" aria-labelledby=\"related-heading\">\n<h2 id=\"related-heading\">More in {}</h2>\n<ul>\n{}\n</ul>\n</nav>",
            escape(&label),
            related.join("\n")
        )
    };
    let updated = a.updated_at.with_timezone(&data.tz);
    let main = fill(
        ARTICLE,
        &[
            ("title", &escape(&a.title)),
            ("id", &a.id.to_string()),
            ("category", &escape(&label)),
            ("category_anchor", &escape(&cat_anchor)),
            ("updated", &updated.format("%-d %B %Y").to_string()),
            ("updated_iso", &updated.format("%Y-%m-%d").to_string()),
            ("body", &super::html::render(&a.body)),
            ("tags", &tags),
            ("related", &related),
        ],
    );
    page(data, "../", &a.title, "", &main, "")
}

/// Minutes as working hours: 240 -> "4 working hours", 90 -> "1.5 working
/// hours", 30 -> "0.5 working hours (30 minutes)".
pub fn working_hours(minutes: i64) -> String {
    let number = if minutes % 60 == 0 {
        (minutes / 60).to_string()
    } else {
        let s = format!("{:.2}", minutes as f64 / 60.0);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    let unit = if number == "1" { "working hour" } else { "working hours" };
    if minutes < 60 {
        format!("{number} {unit} ({minutes} minutes)")
    } else {
        format!("{number} {unit}")
    }
}

fn when_to_use(p: Priority) -> &'static str {
    match p {
        Priority::Urgent => "A whole class, department or school cannot work: no internet, the MIS is down, a room's screens all fail before a lesson.",
        Priority::High => "You cannot teach or work and there is no way round it.",
        Priority::Normal => "Something is broken but there is a way round it for now.",
        Priority::Low => "Requests, questions and small annoyances.",
    }
}

fn targets(policies: &[SlaPolicy]) -> String {
    if policies.is_empty() {
        return "<p>No response targets are set at the moment.</p>".to_string();
    }
    let rows: Vec<String> = policies
        .iter()
        .map(|p| {
            format!(
                "<tr id=\"priority-{name}\"><th scope=\"row\">{label}</th><td>{use_}</td>\
                 <td data-minutes=\"{r}\">{rh}</td><td data-minutes=\"{f}\">{fh}</td></tr>",
                name = p.priority.as_str(),
                label = category_label(Some(p.priority.as_str())),
                use_ = escape(when_to_use(p.priority)),
                r = p.response_minutes,
                rh = working_hours(p.response_minutes),
                f = p.resolve_minutes,
                fh = working_hours(p.resolve_minutes),
            )
        })
        .collect();
    format!(
        "<div class=\"table-wrap\">\n<table>\n<caption>Targets by priority, in working hours</caption>\n\
         <thead><tr><th scope=\"col\">Priority</th><th scope=\"col\">When it applies</th>\
         <th scope=\"col\">First response within</th><th scope=\"col\">Fixed or answered within</th></tr></thead>\n\
         <tbody>\n{}\n</tbody>\n</table>\n</div>",
        rows.join("\n")
    )
}

fn zone(tz: &str) -> String {
    if tz == "Europe/London" {
        "UK time".to_string()
    } else {
        format!("{} time", escape(tz))
    }
}

fn hours(data: &SiteData) -> String {
    if data.hours.is_empty() {
        return String::new();
    }
    let items: Vec<String> = data
        .hours
        .iter()
        .map(|h| {
            let schools = if h.schools.is_empty() || data.hours.len() == 1 {
                String::new()
            } else {
                format!(": {}", escape(&h.schools.join(", ")))
            };
            format!("<li><strong>{}</strong> ({}){schools}</li>", escape(&h.hours), zone(&h.tz))
        })
        .collect();
    format!("<ul>\n{}\n</ul>", items.join("\n"))
}

pub fn catalogue(data: &SiteData, groups: &[Group<'_>]) -> String {
    let rows: Vec<String> = groups
        .iter()
        .map(|g| {
            format!(
                "<tr><th scope=\"row\"><a href=\"index.html#{}\">{}</a></th><td class=\"num\">{}</td></tr>",
                escape(&g.anchor),
                escape(&g.label),
                g.articles.len()
            )
        })
        .collect();
    let main = fill(
        CATALOGUE,
        &[
            ("category_rows", &rows.join("\n")),
            ("targets", &targets(&data.policies)),
            ("hours", &hours(data)),
        ],
    );
    page(data, "", "Services and response times", "catalogue", &main, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_read_as_working_hours() {
        assert_eq!(working_hours(240), "4 working hours");
        assert_eq!(working_hours(60), "1 working hour");
        assert_eq!(working_hours(90), "1.5 working hours");
        assert_eq!(working_hours(30), "0.5 working hours (30 minutes)");
        assert_eq!(working_hours(20), "0.33 working hours (20 minutes)");
        assert_eq!(working_hours(1620), "27 working hours");
    }
}
