//! Mail in and out as operations: ingesting inbound messages into tickets,
//! queueing acknowledgements and public replies with the change they
//! report, and flushing the queue.

pub mod ack;
pub mod ingest;
pub mod notices;
pub mod outbox;
pub mod send;
pub mod verbs;

pub use crate::mail::compose::Suggestion;
pub use ingest::{IngestOptions, IngestReport, Outcome};
pub use send::{SendReport, SendSettings};
