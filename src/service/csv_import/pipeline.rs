//! A large import on two cores: one thread reads and checks the file's
//! rows while this one, which holds the transaction, writes them. SQLite
//! has one writer, and the least it needs to store the rows is most of an
//! import's time; reading and checking them beside it hides the rest.
//! The reader runs at most QUEUE batches ahead (a million-row file is
//! never held whole), and the first error on either side stops both: the
//! reader's (a bad row, named by its line) reaches the writer, which
//! returns it so the caller's transaction is rolled back; a writer that
//! fails drops its end, and the reader stops at its next hand-over.

use crate::{Error, Result};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// Rows per hand-over: a channel message per row would cost more than some rows.
const BATCH: usize = 1024;
/// Batches the reader may be ahead of the writer.
const QUEUE: usize = 8;

enum Msg<T, R> {
    Rows(Vec<T>),
    /// The reader reached the end of the file: what it returned.
    Done(R),
    Failed(Error),
}

/// The reader's end: where checked rows are handed to the writer.
pub(super) struct Feed<T, R> {
    tx: SyncSender<Msg<T, R>>,
    batch: Vec<T>,
}

impl<T, R> Feed<T, R> {
    /// Hands a row on; an error once the writer has stopped (its own
    /// error is the one reported).
    pub(super) fn push(&mut self, row: T) -> Result<()> {
        self.batch.push(row);
        if self.batch.len() < BATCH {
            return Ok(());
        }
        let full = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.tx.send(Msg::Rows(full)).map_err(|_| stopped())
    }
}

fn stopped() -> Error {
    Error::runtime("the import's writer stopped; nothing was imported")
}

/// The writer's end: the rows in the order the reader handed them on.
pub(super) struct Incoming<T, R> {
    rx: Receiver<Msg<T, R>>,
    batch: std::vec::IntoIter<T>,
    done: Option<R>,
}

impl<T, R> Incoming<T, R> {
    /// The next row; None at the end of the file; the reader's error if it failed.
    pub(super) fn next(&mut self) -> Result<Option<T>> {
        loop {
            if let Some(row) = self.batch.next() {
                return Ok(Some(row));
            }
            if self.done.is_some() {
                return Ok(None);
            }
            match self.rx.recv() {
                Ok(Msg::Rows(rows)) => self.batch = rows.into_iter(),
                Ok(Msg::Done(r)) => self.done = Some(r),
                Ok(Msg::Failed(e)) => return Err(e),
                // The reader's end went away without a word: it panicked.
                Err(_) => {
                    return Err(Error::runtime(
                        "the import's reader stopped unexpectedly; nothing was imported",
                    ))
                }
            }
        }
    }

    /// Whether any row is coming at all (waits for the first, or the end).
    pub(super) fn is_empty(&mut self) -> Result<bool> {
        match self.next()? {
            Some(row) => {
                let rest = std::mem::take(&mut self.batch);
                self.batch = std::iter::once(row).chain(rest).collect::<Vec<_>>().into_iter();
                Ok(false)
            }
            None => Ok(true),
        }
    }
}

/// Runs `read` on a thread of its own, handing the rows it checks to
/// `write` on this one; returns what `read` returned at the end of the
/// file, once `write` has taken every row. The first error of either is
/// returned (the reader's if the writer was only waiting for rows).
pub(super) fn run<T: Send, R: Send>(
    read: impl FnOnce(&mut Feed<T, R>) -> Result<R> + Send,
    write: impl FnOnce(&mut Incoming<T, R>) -> Result<()>,
) -> Result<R> {
    let (tx, rx) = sync_channel(QUEUE);
    std::thread::scope(|s| {
        let reader = s.spawn(move || {
            let mut feed = Feed { tx, batch: Vec::with_capacity(BATCH) };
            let last = match read(&mut feed) {
                Ok(r) => {
                    let rest = std::mem::take(&mut feed.batch);
                    if !rest.is_empty() && feed.tx.send(Msg::Rows(rest)).is_err() {
                        return;
                    }
                    Msg::Done(r)
                }
                Err(e) => Msg::Failed(e),
            };
            // A writer that has stopped has its own error to report.
            let _ = feed.tx.send(last);
        });
        let mut incoming = Incoming { rx, batch: Vec::new().into_iter(), done: None };
        let written = write(&mut incoming).and_then(|()| match incoming.next()? {
            None => incoming.done.take().ok_or_else(stopped),
            Some(_) => Err(Error::runtime("the import left rows unwritten; nothing was imported")),
        });
        // The writer's end goes first, so a reader waiting to hand rows on stops.
        drop(incoming);
        let joined = reader.join();
        match (written, joined) {
            (Err(e), _) => Err(e),
            (Ok(_), Err(_)) => {
                Err(Error::runtime("the import's reader stopped unexpectedly; nothing was imported"))
            }
            (Ok(r), Ok(())) => Ok(r),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_arrives_in_order_and_the_readers_result_with_them() {
        let n = BATCH * QUEUE * 3 + 17;
        let mut seen = Vec::new();
        let r = run(
            |feed| {
                for i in 0..n {
                    feed.push(i)?;
                }
                Ok("end")
            },
            |rows| {
                assert!(!rows.is_empty()?);
                while let Some(i) = rows.next()? {
                    seen.push(i);
                }
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(r, "end");
        assert_eq!(seen, (0..n).collect::<Vec<_>>());
        let r = run(|_: &mut Feed<u8, u8>| Ok(7), |rows| rows.is_empty().map(|e| assert!(e))).unwrap();
        assert_eq!(r, 7);
    }

    #[test]
    fn a_readers_error_reaches_the_writer_after_the_rows_before_it() {
        let mut seen = 0;
        let err = run(
            |feed| {
                for i in 0..BATCH * 5 {
                    feed.push(i)?;
                }
                Err::<(), _>(Error::invalid("line 5122, field status: bad"))
            },
            |rows| {
                while rows.next()?.is_some() {
                    seen += 1;
                }
                Ok(())
            },
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "line 5122, field status: bad");
        assert_eq!(seen, BATCH * 5, "the rows before it were handed on (and are the caller's to roll back)");
    }

    #[test]
    fn a_writers_error_stops_the_reader() {
        let mut read = 0;
        let err = run(
            |feed| {
                for i in 0..usize::MAX {
                    read = i;
                    feed.push(i)?;
                }
                Ok(())
            },
            |rows| {
                rows.next()?;
                Err(Error::runtime("database or disk is full"))
            },
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "database or disk is full");
        assert!(read <= BATCH * (QUEUE + 3), "the reader stopped soon after ({read} rows)");
    }

    #[test]
    fn a_reader_that_panics_is_an_error_not_a_panic() {
        let err = run(
            |feed: &mut Feed<usize, ()>| {
                feed.push(1)?;
                panic!("a bug in a check");
            },
            |rows| {
                while rows.next()?.is_some() {}
                Ok(())
            },
        )
        .unwrap_err();
        assert!(err.to_string().contains("reader stopped unexpectedly"), "{err}");
    }
}
