//! The dashboard: this week so far per school (a table and a bar chart of
//! tickets opened against resolved), this week's time per tier on reactive
//! and planned work, and the trend of the figures that show whether work
//! (and senior time) is moving left.

use crate::report::{Figures, WeekFigures};
use crate::tui::app::App;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Cell, Paragraph, Row, Sparkline, Table};
use ratatui::Frame;

pub struct DashboardView;

/// One figure of a week, as a bar height.
type Measure = fn(&Figures) -> u64;

fn pct(p: Option<f64>) -> String {
    p.map(|p| format!("{p:.0}%")).unwrap_or_else(|| "-".into())
}

fn figures_row(name: String, f: &Figures) -> Row<'static> {
    Row::new(vec![
        Cell::from(name),
        Cell::from(f.opened.to_string()),
        Cell::from(f.resolved.to_string()),
        Cell::from(f.backlog.to_string()),
        Cell::from(pct(f.response_sla_met_pct)),
        Cell::from(pct(f.resolve_sla_met_pct)),
        Cell::from(pct(f.resolved_tier1_pct)),
        Cell::from(pct(f.first_contact_pct)),
        Cell::from(f.satisfaction_avg.map(|s| format!("{s:.1}")).unwrap_or_else(|| "-".into())),
    ])
}

impl DashboardView {
    pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
        let th = &app.theme;
        let Some(d) = &app.dashboard.data else {
            frame.render_widget(Paragraph::new(Span::styled("Counting this week…", th.dim())), area);
            return;
        };
        let schools: Vec<_> =
            d.week.schools.iter().filter(|s| s.figures.opened + s.figures.backlog > 0).collect();
        let rows = crate::tui::layout::cells(schools.len()).saturating_add(3);
        let [head, table, time, charts] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(rows),
            Constraint::Length(1),
            Constraint::Min(4),
        ])
        .areas(area);
        let so_far = if d.week.complete { "" } else { " (so far)" };
        let title = format!("Week {}{so_far} · {} schools with tickets", d.week.week, schools.len());
        frame.render_widget(Paragraph::new(Span::styled(title, th.title())), head);

        let mut body: Vec<Row> = schools.iter().map(|s| figures_row(s.school.clone(), &s.figures)).collect();
        if let Some(total) = &d.week.total {
            body.push(figures_row("TOTAL".into(), total).style(th.header()));
        }
        let widths = [
            Constraint::Length(10),
            Constraint::Length(6),
            Constraint::Length(8),
            Constraint::Length(7),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(7),
            Constraint::Length(6),
            Constraint::Length(4),
        ];
        let header = Row::new([
            "SCHOOL", "OPENED", "RESOLVED", "BACKLOG", "RESP SLA", "FIX SLA", "TIER 1", "FIRST", "SAT",
        ])
        .style(th.header());
        frame.render_widget(Table::new(body, widths).header(header).column_spacing(1), table);
        if let Some(total) = &d.week.total {
            frame.render_widget(Paragraph::new(time_line(app, total)), time);
        }

        let [bars, trend] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(charts);
        Self::bars(frame, bars, app, &schools);
        match &d.trend {
            Some(weeks) => Self::trend(frame, trend, app, weeks),
            None => frame
                .render_widget(Paragraph::new(Span::styled("Counting the weeks before…", th.dim())), trend),
        }
    }

    /// Opened against resolved per school, this week.
    fn bars(frame: &mut Frame<'_>, area: Rect, app: &App, schools: &[&crate::report::SchoolFigures]) {
        let th = &app.theme;
        let (opened, resolved) = if th.color {
            (Style::new().fg(Color::Yellow), Style::new().fg(Color::Green))
        } else {
            (Style::new(), Style::new().add_modifier(ratatui::style::Modifier::REVERSED))
        };
        // Each bar is as wide as its longest number and bars stand apart,
        // so "13" and "9" never read as "139"; the title is the legend.
        let widest = schools
            .iter()
            .flat_map(|s| [s.figures.opened, s.figures.resolved])
            .map(|n| n.to_string().len())
            .max()
            .unwrap_or(1)
            .max(2);
        let widest = super::super::layout::cells(widest);
        let legend = Line::from(vec![
            Span::styled(" ██", opened),
            Span::styled(" opened  ", th.dim()),
            Span::styled("██", resolved),
            Span::styled(" resolved ", th.dim()),
        ]);
        let mut chart = BarChart::default()
            .block(Block::new().borders(Borders::TOP).border_style(th.border()).title(legend))
            .bar_width(widest)
            .bar_gap(1)
            .group_gap(2);
        for s in schools {
            let label: String = s.school.chars().take(5).collect();
            let group = BarGroup::default().label(Line::from(label)).bars(&[
                Bar::default().value(s.figures.opened).style(opened).text_value(s.figures.opened.to_string()),
                Bar::default()
                    .value(s.figures.resolved)
                    .style(resolved)
                    .text_value(s.figures.resolved.to_string()),
            ]);
            chart = chart.data(group);
        }
        frame.render_widget(chart, area);
    }

    /// One sparkline per shift-left figure, oldest week on the left.
    fn trend(frame: &mut Frame<'_>, area: Rect, app: &App, weeks: &[WeekFigures]) {
        let th = &app.theme;
        let series: [(&str, Measure); 5] = [
            ("opened / week", |f| f.opened),
            ("planned / week", |f| f.planned_opened),
            ("resolved at tier 1 %", |f| percent(f.resolved_tier1_pct)),
            ("first contact %", |f| percent(f.first_contact_pct)),
            ("tier 2-3 time planned %", |f| percent(f.senior_planned_pct)),
        ];
        let parts = Layout::vertical([Constraint::Ratio(1, 5); 5]).split(area);
        for ((label, value), part) in series.iter().zip(parts.iter()) {
            let data: Vec<u64> = weeks.iter().map(|w| value(&w.figures)).collect();
            let last = data.last().copied().unwrap_or(0);
            let block = Block::new()
                .borders(Borders::TOP)
                .border_style(th.border())
                .title(Span::styled(format!(" {label}: {last} "), th.dim()));
            frame.render_widget(Sparkline::default().block(block).data(&data).style(th.key()), *part);
        }
    }
}

/// This week's time per tier, reactive / planned: where senior time goes.
fn time_line(app: &App, f: &Figures) -> Line<'static> {
    use crate::domain::worktime::format_minutes;
    let th = &app.theme;
    let at = |m: &std::collections::BTreeMap<String, i64>, t: &str| m.get(t).copied().unwrap_or(0);
    let mut spans = vec![Span::styled("Time reactive/planned", th.title())];
    for t in ["1", "2", "3"] {
        spans.push(Span::styled(format!("  T{t} "), th.dim()));
        spans.push(Span::raw(format!(
            "{}/{}",
            format_minutes(at(&f.reactive_minutes_by_tier, t)),
            format_minutes(at(&f.planned_minutes_by_tier, t))
        )));
    }
    spans.push(Span::styled(format!("  planned work: {} new", f.planned_opened), th.dim()));
    Line::from(spans)
}

/// A percentage as a whole sparkline value (none shows as 0).
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // clamped to 0..=100 first
fn percent(p: Option<f64>) -> u64 {
    p.unwrap_or(0.0).round().clamp(0.0, 100.0) as u64
}
