//! Output streams: the build log and the release-phase log behind an `output_stream_url`.
//!
//! The URL is a capability (no token), so it is fetched without Authorization and never shown,
//! and, like a base URL, only over https (plain http to loopback only): a server that hands out
//! a plain-http stream URL gets a dropped stream, and the caller polls the status instead.
//! A stream may answer 404 or an empty body before the work starts: it is retried a few times.
//! It ends at end-of-body. When it goes silent past the idle timeout, or the connection drops,
//! the stream reports [`StreamEvent::Dropped`] and the caller falls back to polling the object's
//! status (`GET build` / `GET release`) — the stream is a view, never the source of truth.
use crate::api::http::Transport;
use crate::api::retry::HttpSettings;
use crate::api::secret::SecretUrl;
use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use std::collections::VecDeque;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamEvent {
    /// One line of output, without its line ending (SSE `data:` framing removed).
    Line(String),
    /// The body ended normally: the work is over; read its status.
    Ended,
    /// Never started, went silent, or the connection broke: poll the status instead.
    Dropped { reason: String },
}

/// A line-by-line reader of one output stream. Call [`OutputStream::next`] until it returns None.
pub struct OutputStream {
    client: reqwest::Client,
    url: SecretUrl,
    settings: HttpSettings,
    body: Option<BoxStream<'static, reqwest::Result<Bytes>>>,
    framing: Framing,
    queue: VecDeque<StreamEvent>,
    starts: u32,
    received: bool,
    finished: bool,
}

impl std::fmt::Debug for OutputStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OutputStream({:?}, started: {})", self.url, self.body.is_some())
    }
}

impl OutputStream {
    pub fn new(transport: &Transport, url: SecretUrl) -> OutputStream {
        transport.secrets().add_url(url.expose());
        OutputStream {
            client: transport.client().clone(),
            url,
            settings: transport.settings.clone(),
            body: None,
            framing: Framing::default(),
            queue: VecDeque::new(),
            starts: 0,
            received: false,
            finished: false,
        }
    }

    /// The next line, then exactly one `Ended` or `Dropped`, then None.
    pub async fn next(&mut self) -> Option<StreamEvent> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Some(event);
            }
            if self.finished {
                return None;
            }
            if self.body.is_none() {
                if let Err(reason) = self.open().await {
                    self.finish(StreamEvent::Dropped { reason });
                }
                continue;
            }
            let idle = self.settings.stream_idle;
            let chunk = tokio::time::timeout(idle, self.body.as_mut()?.next()).await;
            match chunk {
                Err(_) => {
                    self.flush_partial();
                    let reason = format!("no output for {} ms", idle.as_millis());
                    self.finish(StreamEvent::Dropped { reason });
                }
                Ok(Some(Ok(bytes))) => {
                    self.received |= !bytes.is_empty();
                    self.push_bytes(&bytes);
                }
                Ok(Some(Err(e))) => {
                    self.flush_partial();
                    let reason = format!("the connection dropped ({})", e.without_url());
                    self.finish(StreamEvent::Dropped { reason });
                }
                Ok(None) if !self.received && self.starts < self.settings.stream_start_tries => {
                    // An empty body before the work starts: try again shortly.
                    self.body = None;
                    tokio::time::sleep(self.settings.poll).await;
                }
                Ok(None) => {
                    self.flush_partial();
                    self.finish(StreamEvent::Ended);
                }
            }
        }
    }

    /// Reads everything into lines plus the final event (tests, short streams).
    pub async fn collect(mut self) -> (Vec<String>, StreamEvent) {
        let mut lines = vec![];
        while let Some(event) = self.next().await {
            match event {
                StreamEvent::Line(l) => lines.push(l),
                end => return (lines, end),
            }
        }
        (lines, StreamEvent::Ended)
    }

    async fn open(&mut self) -> Result<(), String> {
        crate::config::endpoints::check_scheme(self.url.expose())
            .map_err(|why| format!("the output stream URL was not opened: {why}"))?;
        loop {
            self.starts += 1;
            let request = self.client.get(self.url.expose().clone()).send();
            let last_try = self.starts >= self.settings.stream_start_tries;
            let status = match tokio::time::timeout(self.settings.stream_idle, request).await {
                Ok(Ok(resp)) if resp.status().is_success() => {
                    let kind = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
                    self.framing.sse = kind.starts_with("text/event-stream");
                    tracing::debug!(host = self.url.host(), tries = self.starts, "output stream open");
                    self.body = Some(resp.bytes_stream().boxed());
                    return Ok(());
                }
                Ok(Ok(resp)) => format!("answered {}", resp.status().as_u16()),
                Ok(Err(e)) => format!("failed ({})", e.without_url()),
                Err(_) => format!("no answer within {} ms", self.settings.stream_idle.as_millis()),
            };
            tracing::debug!(host = self.url.host(), tries = self.starts, status = %status, "output stream not ready");
            if last_try {
                return Err(format!("the output stream did not start: it {status} after {} tries", self.starts));
            }
            tokio::time::sleep(self.settings.poll).await;
        }
    }

    fn push_bytes(&mut self, bytes: &[u8]) {
        let lines = self.framing.push(bytes);
        self.queue.extend(lines.into_iter().map(StreamEvent::Line));
    }

    fn flush_partial(&mut self) {
        if let Some(line) = self.framing.finish() {
            self.queue.push_back(StreamEvent::Line(line));
        }
    }

    fn finish(&mut self, event: StreamEvent) {
        self.body = None;
        self.finished = true;
        self.queue.push_back(event);
    }
}

/// The longest line kept whole; a stream that never sends a newline cannot grow memory without
/// bound: past this, what came is handed over as a line and the rest starts a new one.
pub const MAX_LINE: usize = 64 * 1024;

/// Cuts an output stream into lines, however its bytes were chunked: `\n` ends a line, a
/// trailing `\r` is dropped, bytes that are not UTF-8 become U+FFFD, and with server-sent events
/// only `data:` lines carry output (ids, event names, comments and blanks do not).
#[derive(Debug, Default)]
pub struct Framing {
    /// Server-sent events (`text/event-stream`) rather than plain text.
    pub sse: bool,
    partial: Vec<u8>,
}

impl Framing {
    pub fn new(sse: bool) -> Framing {
        Framing { sse, partial: vec![] }
    }

    /// The lines `bytes` completes.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<String> {
        let mut lines = vec![];
        let mut rest = bytes;
        while let Some(pos) = rest.iter().position(|b| *b == b'\n') {
            self.partial.extend_from_slice(&rest[..pos]);
            rest = &rest[pos + 1..];
            let raw = std::mem::take(&mut self.partial);
            lines.extend(self.line(&raw));
        }
        self.partial.extend_from_slice(rest);
        while self.partial.len() > MAX_LINE {
            let raw: Vec<u8> = self.partial.drain(..MAX_LINE).collect();
            lines.extend(self.line(&raw));
        }
        lines
    }

    /// The last line, when the stream ended without a newline.
    pub fn finish(&mut self) -> Option<String> {
        let raw = std::mem::take(&mut self.partial);
        if raw.is_empty() {
            None
        } else {
            self.line(&raw)
        }
    }

    fn line(&self, raw: &[u8]) -> Option<String> {
        let text = String::from_utf8_lossy(raw);
        let text = text.strip_suffix('\r').unwrap_or(&text);
        if !self.sse {
            return Some(text.to_string());
        }
        let data = text.strip_prefix("data:")?;
        Some(data.strip_prefix(' ').unwrap_or(data).to_string())
    }
}
