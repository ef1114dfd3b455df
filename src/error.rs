//! One error type for the library; `exit_code` is the single place that maps
//! errors to the CLI's exit codes (listed in the README's CLI tour): 0 ok,
//! 1 runtime error, 2 bad input, 3 not found, 4 conflict, 5 not allowed.

use thiserror::Error;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Error)]
pub enum Error {
    /// Bad input: a field that is empty, malformed or out of range (exit 2).
    #[error("{0}")]
    Invalid(String),
    /// A ticket, school, technician ... that does not exist (exit 3).
    #[error("{0}")]
    NotFound(String),
    /// Someone else changed the record since it was read (exit 4).
    #[error("{0}")]
    Conflict(String),
    /// A tier or lead rule forbids the operation (exit 5).
    #[error("{0}")]
    Permission(String),
    /// Anything else that went wrong at run time (exit 1).
    #[error("{0}")]
    Runtime(String),
    /// Too much work already waiting: try again shortly (exit 1). The
    /// portal answers it with 503, by variant rather than by message.
    #[error("{0}")]
    Busy(String),
    /// SQLite refused or failed (exit 1): the message for people, and
    /// SQLite's own error kept as the source.
    #[error("{msg}")]
    Database {
        msg: String,
        #[source]
        source: rusqlite::Error,
    },
    /// A file or stream could not be read or written (exit 1); the I/O
    /// error is kept as the source.
    #[error("{0}")]
    Io(#[source] std::io::Error),
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Runtime(_) | Error::Busy(_) | Error::Database { .. } | Error::Io(_) => 1,
            Error::Invalid(_) => 2,
            Error::NotFound(_) => 3,
            Error::Conflict(_) => 4,
            Error::Permission(_) => 5,
        }
    }

    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::Invalid(msg.into())
    }
    pub fn not_found(msg: impl Into<String>) -> Self {
        Error::NotFound(msg.into())
    }
    pub fn permission(msg: impl Into<String>) -> Self {
        Error::Permission(msg.into())
    }
    pub fn runtime(msg: impl Into<String>) -> Self {
        Error::Runtime(msg.into())
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Database { msg: crate::store::describe_sqlite_error(&e), source: e }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}
