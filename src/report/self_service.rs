//! The self-service part of the shift-left figures: what requesters did on
//! the portal in a week (counted by `service::portal`, no personal data).

use super::figures::pct;
use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SelfService {
    /// Searches run on the portal.
    pub searches: u64,
    /// Article pages opened.
    pub article_views: u64,
    /// "Did this solve it?" answered yes.
    pub solved: u64,
    /// Request forms opened.
    pub requests_started: u64,
    /// Solved by an article opened from beside the request form: a request
    /// started and abandoned after reading an article.
    pub abandoned: u64,
    /// Requests sent (tickets logged from the portal).
    pub submitted: u64,
    /// Share of self-service outcomes that needed no ticket:
    /// solved / (solved + submitted).
    pub deflected_pct: Option<f64>,
}

impl SelfService {
    /// Adds one stored counter (unknown metrics are ignored).
    pub fn add_count(&mut self, metric: &str, n: u64) {
        match metric {
            "searches" => self.searches += n,
            "article_views" => self.article_views += n,
            "solved" => self.solved += n,
            "requests_started" => self.requests_started += n,
            "abandoned" => self.abandoned += n,
            "submitted" => self.submitted += n,
            _ => {}
        }
        self.deflected_pct = pct(self.solved, self.solved + self.submitted);
    }

    pub fn add(&mut self, o: &SelfService) {
        for (m, n) in o.counts() {
            self.add_count(m, n);
        }
    }

    /// The counts by their stored names, in report order.
    pub fn counts(&self) -> [(&'static str, u64); 6] {
        [
            ("searches", self.searches),
            ("article_views", self.article_views),
            ("solved", self.solved),
            ("requests_started", self.requests_started),
            ("abandoned", self.abandoned),
            ("submitted", self.submitted),
        ]
    }

    pub fn is_empty(&self) -> bool {
        self.counts().iter().all(|(_, n)| *n == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deflection_is_solved_over_solved_and_sent() {
        let mut s = SelfService::default();
        assert!(s.is_empty() && s.deflected_pct.is_none());
        s.add_count("solved", 3);
        s.add_count("submitted", 1);
        s.add_count("nonsense", 9);
        assert_eq!(s.deflected_pct, Some(75.0));
        let mut total = SelfService::default();
        total.add(&s);
        total.add(&s);
        assert_eq!((total.solved, total.submitted, total.deflected_pct), (6, 2, Some(75.0)));
    }
}
