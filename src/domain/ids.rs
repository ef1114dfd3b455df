//! Ids and versions as their own types, so a ticket id cannot be passed
//! where a canned solution's id (or a version) is expected. Serialised as
//! the bare number (`--json` output is unchanged) and shown as one.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The number, for layers that still take a bare `i64`.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        /// Parsed as the bare number, so a command line's errors read as
        /// they do for any number.
        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A ticket's number.
    TicketId
);
id_type!(
    /// A knowledge-base article's number.
    ArticleId
);
id_type!(
    /// A canned solution's number.
    CannedId
);
id_type!(
    /// A record's version, for the optimistic "changed since you saw it" check.
    Version
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_show_and_serialise_as_the_bare_number() {
        assert_eq!(TicketId(42).to_string(), "42");
        assert_eq!(serde_json::to_string(&CannedId(7)).unwrap(), "7");
        assert_eq!(serde_json::from_str::<Version>("3").unwrap(), Version(3));
    }
}
