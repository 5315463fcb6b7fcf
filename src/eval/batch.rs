//! Work on every core, results in input order: the machinery behind
//! `labelc eval --jobs N` (JSON Lines judged on N threads) and `labelc test
//! --jobs N` (tests run on N threads).
//!
//! Lines are gathered into chunks ([`Chunk`], at most [`CHUNK_LINES`] lines
//! or [`CHUNK_BYTES`] bytes of text); each chunk goes to whichever worker is
//! free, and the results come back to the calling thread, which hands them
//! on in the order the chunks were read. At most `window` chunks
//! ([`window`]: four per worker) are read and not yet handed on at any
//! time: the reader waits for the oldest one when the window is full, so
//! memory is bounded by the lines in flight, not by the length of the input.
//! The calling thread does all reading and writing, so neither the input
//! nor the output needs to be shared between threads.

use std::collections::BTreeMap;
use std::io;
use std::num::NonZeroUsize;
use std::ops::Range;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender, TryRecvError};
use std::sync::{Mutex, PoisonError};

use super::ProductError;

/// The most lines in one chunk.
pub const CHUNK_LINES: usize = 256;
/// A chunk is sent once it holds this many bytes of text (a single longer
/// line is a chunk of its own).
pub const CHUNK_BYTES: usize = 1 << 20;

/// The number of threads to use: `requested`, or the cores available to
/// this process when it is `None` (1 when that cannot be told).
pub fn jobs(requested: Option<NonZeroUsize>) -> usize {
    requested
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get)
}

/// The most chunks in flight (read, and not yet handed on) for `jobs` workers.
pub fn window(jobs: usize) -> usize {
    jobs.saturating_mul(4).max(2)
}

/// Lines of input, each with its line number (`None` for a whole input
/// that is one object) and its text, or the error that stands in its place.
#[derive(Debug, Default)]
pub struct Chunk {
    text: String,
    items: Vec<Item>,
}

/// A line's number, and where its text is in the chunk (or its error).
type Item = (Option<usize>, Result<Range<usize>, ProductError>);

impl Chunk {
    /// The lines in input order.
    pub fn iter(&self) -> impl Iterator<Item = (Option<usize>, Result<&str, ProductError>)> {
        self.items.iter().map(|(line, item)| {
            let text = match item {
                Ok(range) => Ok(self.text.get(range.clone()).unwrap_or_default()),
                Err(message) => Err(message.clone()),
            };
            (*line, text)
        })
    }

    fn push(&mut self, line: Option<usize>, text: Result<&str, ProductError>) {
        let item = text.map(|t| {
            let start = self.text.len();
            self.text.push_str(t);
            start..self.text.len()
        });
        self.items.push((line, item));
    }

    fn is_full(&self) -> bool {
        self.items.len() >= CHUNK_LINES || self.text.len() >= CHUNK_BYTES
    }
}

/// Where lines of input go: judged at once ([`Lines`] for one thread), or
/// gathered into chunks for the workers ([`Pipeline`]).
pub trait Lines {
    /// Takes the next line of input.
    fn line(&mut self, line: Option<usize>, text: Result<&str, ProductError>) -> io::Result<()>;
}

/// The calling thread's end of the workers: gathers lines into chunks,
/// sends them, and hands results on in input order.
pub struct Pipeline<'c, Out> {
    chunk: Chunk,
    work: Option<SyncSender<(u64, Chunk)>>,
    done: Receiver<(u64, Out)>,
    /// Results that came back before an older chunk's.
    early: BTreeMap<u64, Out>,
    sent: u64,
    handed_on: u64,
    window: u64,
    consume: &'c mut dyn FnMut(Out) -> io::Result<()>,
}

impl<Out> Lines for Pipeline<'_, Out> {
    fn line(&mut self, line: Option<usize>, text: Result<&str, ProductError>) -> io::Result<()> {
        self.chunk.push(line, text);
        if self.chunk.is_full() {
            self.send()?;
        }
        Ok(())
    }
}

impl<Out> Pipeline<'_, Out> {
    fn send(&mut self) -> io::Result<()> {
        let chunk = std::mem::take(&mut self.chunk);
        let sender = self.work.as_ref().ok_or_else(stopped)?;
        sender.send((self.sent, chunk)).map_err(|_| stopped())?;
        self.sent += 1;
        // Hand on what is ready; wait for the oldest chunk while the window is full.
        loop {
            let in_flight = self.sent - self.handed_on;
            if in_flight == 0 {
                return Ok(());
            }
            if in_flight >= self.window {
                self.wait()?;
            } else if !self.ready()? {
                return Ok(());
            }
        }
    }

    /// Hands on the oldest chunk's result if it has come back; whether it had.
    fn ready(&mut self) -> io::Result<bool> {
        loop {
            if let Some(out) = self.early.remove(&self.handed_on) {
                self.handed_on += 1;
                (self.consume)(out)?;
                return Ok(true);
            }
            match self.done.try_recv() {
                Ok((seq, out)) => {
                    self.early.insert(seq, out);
                }
                Err(TryRecvError::Empty) => return Ok(false),
                Err(TryRecvError::Disconnected) => return Err(stopped()),
            }
        }
    }

    /// Waits for the oldest chunk's result and hands it on.
    fn wait(&mut self) -> io::Result<()> {
        while !self.early.contains_key(&self.handed_on) {
            let (seq, out) = self.done.recv().map_err(|_| stopped())?;
            self.early.insert(seq, out);
        }
        self.ready().map(|_| ())
    }

    /// Sends the last, partial chunk and hands on every result.
    fn finish(&mut self) -> io::Result<()> {
        if !self.chunk.items.is_empty() {
            self.send()?;
        }
        self.work = None;
        while self.handed_on < self.sent {
            self.wait()?;
        }
        Ok(())
    }
}

fn stopped() -> io::Error {
    io::Error::other("a worker thread stopped")
}

/// Runs `produce` on the calling thread with a [`Pipeline`] to give lines
/// to; `jobs` worker threads turn each chunk into an `Out` with `work`, and
/// `consume` (on the calling thread) gets the results in input order.
/// Returns what `produce` returned, once every result has been consumed, or
/// the first error of `produce` or `consume` (the rest of the input is then
/// not read).
pub fn ordered<Out: Send, R>(
    jobs: usize,
    work: &(dyn Fn(&Chunk) -> Out + Sync),
    produce: impl FnOnce(&mut Pipeline<'_, Out>) -> io::Result<R>,
    consume: &mut dyn FnMut(Out) -> io::Result<()>,
) -> io::Result<R> {
    let window = window(jobs);
    let (work_tx, work_rx) = mpsc::sync_channel::<(u64, Chunk)>(window);
    let (done_tx, done_rx) = mpsc::channel::<(u64, Out)>();
    let work_rx = Mutex::new(work_rx);
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            let done_tx = done_tx.clone();
            let work_rx = &work_rx;
            scope.spawn(move || worker(work_rx, &done_tx, work));
        }
        drop(done_tx);
        let mut pipeline = Pipeline {
            chunk: Chunk::default(),
            work: Some(work_tx),
            done: done_rx,
            early: BTreeMap::new(),
            sent: 0,
            handed_on: 0,
            window: u64::try_from(window).unwrap_or(u64::MAX),
            consume,
        };
        let produced = produce(&mut pipeline);
        let finished = match produced {
            Ok(r) => pipeline.finish().map(|()| r),
            Err(e) => Err(e),
        };
        // Dropping the pipeline closes the work channel: the workers end.
        drop(pipeline);
        finished
    })
}

fn worker<Out>(
    work: &Mutex<Receiver<(u64, Chunk)>>,
    done: &Sender<(u64, Out)>,
    f: &(dyn Fn(&Chunk) -> Out + Sync),
) {
    loop {
        let next = work.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok((seq, chunk)) = next else { return };
        if done.send((seq, f(&chunk))).is_err() {
            return;
        }
    }
}

/// `items` mapped by `f` on `jobs` threads, in the order of `items`.
pub fn map<T: Sync, U: Send>(jobs: usize, items: &[T], f: &(dyn Fn(&T) -> U + Sync)) -> Vec<U> {
    if jobs <= 1 || items.len() <= 1 {
        return items.iter().map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, U)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..jobs.min(items.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            return mine;
                        };
                        mine.push((i, f(item)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, u)| u).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(jobs: usize, lines: usize) -> Vec<String> {
        let mut seen = Vec::new();
        let work = |chunk: &Chunk| {
            chunk
                .iter()
                .map(|(n, t)| match t {
                    Ok(text) => format!("{n:?}:{text}"),
                    Err(e) => format!("{n:?}:{e}"),
                })
                .collect::<Vec<_>>()
        };
        let mut consume = |out: Vec<String>| {
            seen.extend(out);
            Ok(())
        };
        let produced = ordered(
            jobs,
            &work,
            |p| {
                for i in 1..=lines {
                    let text = if i % 7 == 0 {
                        Err(ProductError::MalformedJson {
                            message: format!("bad {i}"),
                        })
                    } else {
                        Ok(format!("line {i}"))
                    };
                    p.line(Some(i), text.as_deref().map_err(Clone::clone))?;
                }
                Ok(lines)
            },
            &mut consume,
        );
        assert_eq!(produced.ok(), Some(lines));
        seen
    }

    #[test]
    fn results_come_in_input_order_whatever_the_jobs() {
        let one = run(1, 3000);
        assert_eq!(one.len(), 3000);
        assert_eq!(one.first().map(String::as_str), Some("Some(1):line 1"));
        assert_eq!(one.get(6).map(String::as_str), Some("Some(7):bad 7"));
        for jobs in [2, 3, 8] {
            assert_eq!(run(jobs, 3000), one, "{jobs} jobs");
        }
        assert!(run(4, 0).is_empty());
    }

    #[test]
    fn a_consumer_error_stops_the_reader() {
        let mut read = 0;
        let work = |chunk: &Chunk| chunk.iter().count();
        let mut consume = |_: usize| Err(io::Error::other("gone"));
        let result = ordered(
            2,
            &work,
            |p| {
                for i in 0..1_000_000 {
                    read += 1;
                    p.line(Some(i), Ok("x"))?;
                }
                Ok(())
            },
            &mut consume,
        );
        assert!(result.is_err());
        // Stopped within the window, long before the end of the input.
        assert!(read <= (window(2) + 1) * CHUNK_LINES, "read {read} lines");
    }

    #[test]
    fn map_keeps_the_order() {
        let items: Vec<u64> = (0..1000).collect();
        let square = |x: &u64| x * x;
        let expected: Vec<u64> = items.iter().map(square).collect();
        assert_eq!(map(3, &items, &square), expected);
        assert_eq!(map(1, &items, &square), expected);
    }
}
