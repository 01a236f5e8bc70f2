//! Build and release-phase output: chunked `text/plain` that follows the log as it grows and
//! ends when the work ends. `Range: bytes=N-` resumes after a drop. In the slow-stream drill
//! each log's first reader stalls half-way and then loses its connection.
use super::SharedState;
use crate::sandbox::world::output::{LogText, OutputLog};
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

fn find(s: &SharedState, rest: &str) -> Option<Arc<OutputLog>> {
    let w = s.world();
    if let Some(id) = rest.strip_prefix("builds/").and_then(|r| r.strip_suffix(".log")) {
        return w.heroku.builds.iter().find(|b| b.id == id).map(|b| b.output.clone());
    }
    let id = rest.strip_prefix("releases/")?.strip_suffix(".log")?;
    w.heroku.releases.iter().find(|r| r.id == id).and_then(|r| r.output.clone())
}

struct Follow {
    rx: watch::Receiver<LogText>,
    offset: usize,
    /// Byte offset at which this reader stalls and drops (slow-stream drill).
    drop_at: Option<usize>,
    stall: Duration,
    dropped: bool,
}

pub async fn serve(State(s): State<SharedState>, Path(rest): Path<String>, headers: HeaderMap) -> Response {
    let Some(log) = find(&s, &rest) else {
        return (StatusCode::NOT_FOUND, "Not Found\n").into_response();
    };
    let offset = headers
        .get("range")
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.trim_end_matches('-').parse::<usize>().ok())
        .unwrap_or(0);
    let drop_at = (s.drill.slow_stream && log.take_drop()).then(|| offset + 160);
    let follow =
        Follow { rx: log.subscribe(), offset, drop_at, stall: s.clock.scaled(Duration::from_secs(3)), dropped: false };
    let stream = futures_util::stream::unfold(follow, |mut f| async move {
        loop {
            let (chunk, done) = {
                let log = f.rx.borrow_and_update();
                let end = log.text.len();
                let start = f.offset.min(end);
                let end = f.drop_at.map(|d| d.max(start).min(end)).unwrap_or(end);
                (log.text[start..end].to_string(), log.done && end == log.text.len())
            };
            if !chunk.is_empty() {
                f.offset += chunk.len();
                return Some((Ok::<Bytes, std::io::Error>(Bytes::from(chunk)), f));
            }
            if f.dropped {
                return None;
            }
            if f.drop_at.is_some_and(|d| f.offset >= d) && !done {
                // Stall, then cut the connection without the final chunk: a real drop.
                tokio::time::sleep(f.stall).await;
                f.dropped = true;
                return Some((Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "stream dropped")), f));
            }
            if done {
                return None;
            }
            if f.rx.changed().await.is_err() {
                return None;
            }
        }
    });
    let status = if offset > 0 { StatusCode::PARTIAL_CONTENT } else { StatusCode::OK };
    (status, [("content-type", "text/plain; charset=utf-8"), ("cache-control", "no-cache")], Body::from_stream(stream))
        .into_response()
}
