//! The Heroku log for the watch window: a log session (`POST /apps/{app}/log-sessions`, `tail`,
//! `source=heroku`, the last 1500 lines first) read from its `logplex_url`, every line parsed and
//! counted. A stream that ends or drops is reopened with a new session, whose replayed lines are
//! not counted twice. A session that cannot be had turns the channel off with the reason: a
//! warning, never a failure (the watch goes on with its other channels).
use super::log_tally::LogTally;
use super::logline::parse_log_line;
use crate::api::heroku::{Heroku, NewLogSession};
use crate::api::stream::{OutputStream, StreamEvent};
use crate::api::ApiError;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Heroku serves at most this many past lines; they are the baseline before the release.
pub const HISTORY_LINES: u32 = 1500;

/// Sessions that fail to open in a row before the channel is turned off.
const MAX_FAILED_OPENS: u32 = 3;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LogState {
    Opening,
    /// Reading; `sessions` counts the reopens (1 when the first one held).
    Streaming {
        sessions: u32,
    },
    Off {
        reason: String,
    },
}

/// The log channel running beside the watch until dropped.
pub struct LogWatch {
    tally: Arc<Mutex<LogTally>>,
    state: Arc<Mutex<LogState>>,
    task: tokio::task::JoinHandle<()>,
}

impl LogWatch {
    /// Opens the first session at once; `pause` is the wait before a reopen.
    pub fn start(heroku: Heroku, app: String, live_at: DateTime<Utc>, pause: Duration) -> LogWatch {
        let tally = Arc::new(Mutex::new(LogTally::new(live_at)));
        let state = Arc::new(Mutex::new(LogState::Opening));
        let task = tokio::spawn(follow(heroku, app, tally.clone(), state.clone(), pause));
        LogWatch { tally, state, task }
    }

    pub fn tally(&self) -> LogTally {
        self.tally.lock().map(|t| t.clone()).unwrap_or_default()
    }

    pub fn state(&self) -> LogState {
        self.state.lock().map(|s| s.clone()).unwrap_or(LogState::Opening)
    }
}

impl Drop for LogWatch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn set<T>(shared: &Mutex<T>, value: T) {
    if let Ok(mut slot) = shared.lock() {
        *slot = value;
    }
}

async fn follow(
    heroku: Heroku,
    app: String,
    tally: Arc<Mutex<LogTally>>,
    state: Arc<Mutex<LogState>>,
    pause: Duration,
) {
    let request =
        NewLogSession { tail: Some(true), lines: Some(HISTORY_LINES), source: Some("heroku".into()), dyno_name: None };
    let mut sessions = 0;
    let mut failures = 0;
    loop {
        let session = match heroku.create_log_session(&app, &request).await {
            Ok(session) => session,
            Err(e) => {
                failures += 1;
                if permanent(&e) || failures >= MAX_FAILED_OPENS {
                    set(&state, LogState::Off { reason: format!("no log session: {e}") });
                    return;
                }
                tokio::time::sleep(pause).await;
                continue;
            }
        };
        sessions += 1;
        if sessions > 1 {
            if let Ok(mut t) = tally.lock() {
                t.reopened();
            }
        }
        set(&state, LogState::Streaming { sessions });
        let mut stream = OutputStream::new(heroku.http().transport(), session.logplex_url);
        let mut read = 0u64;
        while let Some(event) = stream.next().await {
            match event {
                StreamEvent::Line(text) => {
                    read += 1;
                    if let (Some(line), Ok(mut t)) = (parse_log_line(&text), tally.lock()) {
                        t.add(&line);
                    }
                }
                StreamEvent::Ended | StreamEvent::Dropped { .. } => break,
            }
        }
        // A session that streamed is a success; one that gave nothing counts toward giving up.
        failures = if read > 0 { 0 } else { failures + 1 };
        if failures >= MAX_FAILED_OPENS {
            set(&state, LogState::Off { reason: "the log stream gave nothing after three sessions".into() });
            return;
        }
        tokio::time::sleep(pause).await;
    }
}

/// Errors that another try will not fix: the credential cannot read this app's logs.
fn permanent(e: &ApiError) -> bool {
    matches!(e, ApiError::Status { status: 401 | 403 | 404 | 422, .. } | ApiError::Unsupported { .. })
}
