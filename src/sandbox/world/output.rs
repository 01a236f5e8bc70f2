//! An output stream being written: a build's or a release phase's log. Writers append lines
//! over time; each reader (a chunked HTTP response) follows from a byte offset until the end.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::watch;

#[derive(Debug, Clone, Default)]
pub struct LogText {
    pub text: String,
    pub done: bool,
}

#[derive(Debug)]
pub struct OutputLog {
    tx: watch::Sender<LogText>,
    /// The slow-stream drill drops each stream's first reader once, half-way.
    dropped_once: AtomicBool,
}

impl OutputLog {
    pub fn new() -> Arc<OutputLog> {
        Arc::new(OutputLog { tx: watch::channel(LogText::default()).0, dropped_once: AtomicBool::new(false) })
    }

    pub fn line(&self, line: &str) {
        self.tx.send_modify(|log| {
            log.text.push_str(line);
            log.text.push('\n');
        });
    }

    pub fn finish(&self) {
        self.tx.send_modify(|log| log.done = true);
    }

    pub fn subscribe(&self) -> watch::Receiver<LogText> {
        self.tx.subscribe()
    }

    pub fn snapshot(&self) -> LogText {
        self.tx.borrow().clone()
    }

    /// True the first time only: the caller should drop this reader.
    pub fn take_drop(&self) -> bool {
        !self.dropped_once.swap(true, Ordering::SeqCst)
    }
}
