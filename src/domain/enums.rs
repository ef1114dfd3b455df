//! The small closed vocabularies of the domain, each with one spelling used in
//! the database, on the command line and in JSON.

use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident, $what:literal, { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = crate::Error;
            fn from_str(s: &str) -> crate::Result<Self> {
                let wanted = s.trim().to_ascii_lowercase();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == wanted)
                    .ok_or_else(|| {
                        let names: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                        crate::Error::invalid(format!(
                            "invalid {} '{}': expected one of {}",
                            $what, s.trim(), names.join(", ")
                        ))
                    })
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// Urgency of a ticket; each has its own SLA policy.
    Priority, "priority", { Low = "low", Normal = "normal", High = "high", Urgent = "urgent" }
);

text_enum!(
    /// Where a ticket is in its life.
    Status, "status", { New = "new", Open = "open", Pending = "pending", Resolved = "resolved", Closed = "closed" }
);

text_enum!(
    /// How the ticket reached the team.
    Source, "source", { Phone = "phone", Email = "email", WalkIn = "walk-in", SelfService = "self-service" }
);

text_enum!(
    /// Who may read an article.
    Audience, "audience", { Public = "public", Internal = "internal" }
);

text_enum!(
    /// An article's place in its life.
    ArticleStatus, "article status", { Draft = "draft", Published = "published", Archived = "archived" }
);

text_enum!(
    /// What a timeline event records.
    EventKind, "event kind", {
        Created = "created",
        Reply = "reply",
        Note = "note",
        Assigned = "assigned",
        Escalated = "escalated",
        HandedBack = "handed_back",
        StatusChanged = "status",
        CannedApplied = "canned",
        ArticleLinked = "article",
        ArticleCreated = "article_created",
        SlaBreached = "sla_breached",
        Rated = "rated",
        Linked = "linked",
        Merged = "merged",
        Incident = "incident",
    }
);

impl Priority {
    /// Higher is more urgent; used to sort queues.
    pub fn rank(self) -> u8 {
        match self {
            Priority::Low => 0,
            Priority::Normal => 1,
            Priority::High => 2,
            Priority::Urgent => 3,
        }
    }
}

impl Status {
    /// Still needs work from the team (or the requester).
    pub fn is_active(self) -> bool {
        matches!(self, Status::New | Status::Open | Status::Pending)
    }

    /// The status changes a technician may make directly.
    pub fn can_become(self, to: Status) -> bool {
        use Status::*;
        match (self, to) {
            (New | Open | Pending, Resolved) => true,
            (New | Open, Pending) => true,
            (New | Pending, Open) => true,
            (Resolved | Closed, Open) => true, // reopen
            (New | Open | Pending | Resolved, Closed) => true,
            _ => false,
        }
    }
}

/// Support tier: 1 is first line, 3 is third line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    One = 1,
    Two = 2,
    Three = 3,
}

impl Tier {
    pub fn number(self) -> i64 {
        self as i64
    }
    pub fn from_number(n: i64) -> crate::Result<Tier> {
        match n {
            1 => Ok(Tier::One),
            2 => Ok(Tier::Two),
            3 => Ok(Tier::Three),
            _ => Err(crate::Error::invalid(format!("invalid tier '{n}': expected 1, 2 or 3"))),
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.number())
    }
}

impl FromStr for Tier {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Tier> {
        let s = s.trim();
        let n = s
            .strip_prefix(['t', 'T'])
            .unwrap_or(s)
            .parse::<i64>()
            .map_err(|_| crate::Error::invalid(format!("invalid tier '{s}': expected 1, 2 or 3")))?;
        Tier::from_number(n)
    }
}

impl Serialize for Tier {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.number())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display_round_trip() {
        for p in Priority::ALL {
            assert_eq!(p.as_str().parse::<Priority>().unwrap(), *p);
        }
        assert_eq!("Walk-In".parse::<Source>().unwrap(), Source::WalkIn);
        let err = "whenever".parse::<Priority>().unwrap_err().to_string();
        assert_eq!(err, "invalid priority 'whenever': expected one of low, normal, high, urgent");
        assert_eq!("2".parse::<Tier>().unwrap(), Tier::Two);
        assert!("4".parse::<Tier>().is_err());
    }

    #[test]
    fn status_transitions() {
        assert!(Status::Open.can_become(Status::Resolved));
        assert!(Status::Resolved.can_become(Status::Open));
        assert!(Status::Resolved.can_become(Status::Closed));
        assert!(!Status::Closed.can_become(Status::Resolved));
        assert!(!Status::Closed.can_become(Status::Closed));
        assert!(!Status::New.can_become(Status::New));
    }
}
