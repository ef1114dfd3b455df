//! The knowledge base: the list (searched or by category) with a preview,
//! or one article being read.

use super::fit;
use crate::domain::{Article, ArticleStatus, Audience};
use crate::text::safe;
use crate::tui::app::App;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

pub struct KbView;

impl KbView {
    pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
        if let Some(a) = &app.kb.open {
            return Self::article(frame, area, app, a);
        }
        let th = &app.theme;
        let [bar, list, preview] = crate::tui::layout::kb_areas(area);
        let cat = app.kb.category.as_deref().unwrap_or("all categories");
        let mut spans = vec![Span::styled("Search: ", th.dim())];
        spans.push(Span::styled(safe(&app.kb.query, false), th.key()));
        if app.kb.searching {
            spans.push(Span::styled("▏", th.key()));
        }
        spans.push(Span::styled(format!("   {cat} · {} articles", app.kb.articles.len()), th.dim()));
        frame.render_widget(Paragraph::new(Line::from(spans)), bar);
        let rows = list.height as usize;
        let offset = app.kb.cursor.offset(rows);
        let mut lines = Vec::new();
        if !app.kb.loaded {
            lines.push(Line::from(Span::styled("Loading…", th.dim())));
        } else if app.kb.articles.is_empty() {
            lines.push(Line::from(Span::styled("No article matches. Esc clears the search.", th.dim())));
        }
        for (i, a) in app.kb.articles.iter().enumerate().skip(offset).take(rows) {
            let style = if app.kb.cursor.is(i) { th.selected() } else { ratatui::style::Style::new() };
            let width = list.width.saturating_sub(10) as usize;
            lines.push(Line::from(vec![
                Span::styled(format!("{:<3}", marks(a)), th.dim()),
                Span::styled(format!("#{:<4} {}", a.id, fit(&a.title, width)), style),
            ]));
        }
        frame.render_widget(Paragraph::new(lines), list);
        if let Some(a) = app.kb.articles.get(app.kb.cursor.index()) {
            let block = Block::new().borders(Borders::LEFT | Borders::TOP).border_style(th.border());
            let inner = block.inner(preview);
            frame.render_widget(block, preview);
            frame.render_widget(
                Paragraph::new(body_lines(app, a, inner.width)).wrap(Wrap { trim: false }),
                inner,
            );
        }
    }

    fn article(frame: &mut Frame<'_>, area: Rect, app: &App, a: &Article) {
        let lines = body_lines(app, a, area.width);
        let max = crate::tui::layout::cells(lines.len().saturating_sub(usize::from(area.height)));
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((app.kb.scroll.min(max), 0)),
            area,
        );
    }
}

/// "D" draft, "A" archived, "I" internal: the list's status marks.
fn marks(a: &Article) -> String {
    let mut m = String::new();
    match a.status {
        ArticleStatus::Draft => m.push('D'),
        ArticleStatus::Archived => m.push('A'),
        ArticleStatus::Published => m.push(' '),
    }
    if a.audience == Audience::Internal {
        m.push('I');
    }
    m
}

/// An article's facts and its Markdown rendered for the terminal.
fn body_lines(app: &App, a: &Article, width: u16) -> Vec<Line<'static>> {
    let th = &app.theme;
    let mut lines = vec![
        Line::from(Span::styled(safe(&a.title, false), th.title())),
        Line::from(Span::styled(
            format!(
                "{} · {} · {} · {} views · used {} times · {} helpful / {} not",
                a.category.as_deref().unwrap_or("no category"),
                a.status,
                if a.audience == Audience::Internal { "INTERNAL (technicians only)" } else { "public" },
                a.views,
                a.uses,
                a.helpful,
                a.not_helpful
            ),
            th.dim(),
        )),
        Line::from(""),
    ];
    let text = crate::present::markdown::render(&a.body, width.saturating_sub(1).max(20) as usize, false);
    lines.extend(safe(&text, true).lines().map(|l| Line::from(l.replace('\t', "    "))));
    lines
}
