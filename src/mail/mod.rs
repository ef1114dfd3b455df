//! Mail without the database: reading inbound messages, trimming quoted
//! history, HTML to text, composing and encoding outgoing messages,
//! maildirs and the send transport. The service decides what mail does.

pub mod charset;
pub mod compose;
pub mod encode;
pub mod html;
pub mod inbound;
pub mod maildir;
pub mod multipart;
pub mod parts;
pub mod quote;
pub mod robots;
pub mod transfer;
pub mod transport;
