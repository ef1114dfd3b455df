//! The portal's own database connections, each on its own thread, off the
//! async threads. A `Desk` keeps per-thread search caches (not `Send`), so
//! each worker opens its own and keeps it; handlers send it jobs through a
//! bounded queue. When the queue is full the portal answers "busy" at once
//! instead of piling work up: a flood of requesters never holds more than
//! `WORKERS` connections, each in short transactions that respect SQLite's
//! busy timeout, so the technicians' console and CLI keep working.

use crate::clock::{Clock, FixedClock, SystemClock};
pub use crate::face::Opener;
use crate::service::Desk;
use crate::{Error, Result};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// Database threads (connections) the portal uses.
pub const WORKERS: usize = 2;
/// Jobs waiting beyond which requests are turned away (503).
pub const QUEUE: usize = 64;

type Job = Box<dyn FnOnce(&mut Desk) + Send>;

impl Opener {
    pub fn open(&self) -> Result<Desk> {
        let clock: Box<dyn Clock> = match self.fixed_now {
            Some(t) => Box::new(FixedClock(t)),
            None => Box::new(SystemClock),
        };
        Desk::open(&self.db, clock, &self.login, &self.os_user)
    }
}

#[derive(Clone)]
pub struct Pool {
    jobs: SyncSender<Job>,
}

/// The error a handler turns into "busy, try again" (503).
pub const BUSY: &str = "the help desk is busy";

impl Pool {
    /// Opens one desk per worker (failing early when the database cannot be
    /// opened) and starts the workers.
    pub fn start(opener: &Opener) -> Result<Pool> {
        let (jobs, queue) = sync_channel::<Job>(QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..WORKERS {
            let (queue, opener) = (queue.clone(), opener.clone());
            let (ready, opened) = sync_channel::<Result<()>>(1);
            // The desk is opened on its own thread and never leaves it.
            std::thread::Builder::new()
                .name(format!("portal-db-{n}"))
                .spawn(move || match opener.open() {
                    Ok(mut desk) => {
                        let _ = ready.send(Ok(()));
                        work(&mut desk, &queue)
                    }
                    Err(e) => {
                        let _ = ready.send(Err(e));
                    }
                })
                .map_err(|e| Error::runtime(format!("cannot start a database thread: {e}")))?;
            opened.recv().map_err(|_| Error::runtime("a database thread stopped while opening"))??;
        }
        Ok(Pool { jobs })
    }

    /// Runs `f` on a worker's desk and waits (asynchronously) for its result.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Desk) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |desk| {
            let _ = tx.send(f(desk));
        });
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(Error::Busy(BUSY.into())),
            Err(TrySendError::Disconnected(_)) => return Err(Error::runtime("the database threads stopped")),
        }
        rx.await.map_err(|_| Error::runtime("the database thread stopped during a request"))?
    }
}

fn work(desk: &mut Desk, queue: &Mutex<Receiver<Job>>) {
    loop {
        let job = match queue.lock() {
            Ok(q) => q.recv(),
            Err(_) => return,
        };
        match job {
            // A panic in one job must not take the worker (and its
            // connection) down with it.
            Ok(job) => {
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(desk)));
            }
            Err(_) => return,
        }
    }
}
