//! The dashboard screen: this week's figures per school, then the trend
//! (read after the table: it reads weeks of history).

use super::action::{Action, DashboardData, Effect};
use super::overlay::Overlay;
use super::screen::{Nav, Outcome};
use crate::report::{Week, WeekFigures, WeeklyReport};

#[derive(Default)]
pub struct DashboardState {
    /// The figures, once loaded.
    pub data: Option<DashboardData>,
}

impl DashboardState {
    /// The table first; the trend reads weeks of history (a third of a
    /// second at a million tickets) and follows.
    pub fn week_loaded(&mut self, week: WeeklyReport) -> Vec<Effect> {
        let this = week.week;
        self.data = Some(DashboardData { week, trend: None });
        vec![Effect::LoadTrend(this)]
    }

    /// The trend, if it is for the week on screen.
    pub fn trend_loaded(&mut self, week: Week, trend: Vec<WeekFigures>) {
        if let Some(d) = self.data.as_mut().filter(|d| d.week.week == week) {
            d.trend = Some(trend);
        }
    }

    pub fn update(&mut self, action: Action) -> Outcome {
        match action {
            Action::Back => Nav::Back.into(),
            Action::KnowledgeBase => Nav::Kb.into(),
            Action::Jump => Nav::Overlay(Overlay::Jump(String::new())).into(),
            Action::Palette => Nav::Palette.into(),
            _ => Outcome::none(),
        }
    }
}
