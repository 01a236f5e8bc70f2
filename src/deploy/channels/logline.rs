//! One line of a Heroku log session, as `heroku logs` prints it and a `logplex_url` streams it:
//! `2024-05-01T12:00:00.123456+00:00 heroku[router]: at=error code=H12 desc="Request timeout" …`.
//!
//! Only what the watch counts is recognised: router errors (`code=H…`, at=error or at=warning),
//! router answers with a 5xx status, dyno errors (`Error R14 (Memory quota exceeded)`) and dynos
//! that crashed (`State changed from up to crashed`). Anything else is [`LogEvent::Other`]; a
//! line that is not a log line at all is `None`. The parser never panics, whatever the bytes
//! (`src/fuzz/logs.rs` holds it to that).
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// When the line was emitted; `None` when the line carries no readable timestamp.
    pub at: Option<DateTime<Utc>>,
    /// `heroku` (the platform) or `app` (the app's own output).
    pub source: String,
    /// `router`, `web.1`, `worker.2`, `api`, `scheduler.1234`…
    pub process: String,
    pub event: LogEvent,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogEvent {
    /// A router line: an error code (`H12`) and/or the status it answered.
    Router {
        code: Option<String>,
        status: Option<u16>,
    },
    /// `Error R14 (Memory quota exceeded)` on a dyno: the code.
    DynoError {
        code: String,
    },
    /// `State changed from up to crashed`: the state the dyno left.
    DynoCrashed {
        from: String,
    },
    Other,
}

impl LogLine {
    /// What the watch counts this line as: a router key (`H12`, `5xx`) or a dyno key (`R14`,
    /// `crashed`); `None` for lines that count as nothing.
    pub fn key(&self) -> Option<(Channel, String)> {
        if self.source != "heroku" {
            return None; // the app can print anything, even router-shaped text
        }
        match &self.event {
            LogEvent::Router { code: Some(code), .. } => Some((Channel::Router, code.clone())),
            LogEvent::Router { code: None, status: Some(s) } if (500..600).contains(s) => {
                Some((Channel::Router, "5xx".into()))
            }
            LogEvent::DynoError { code } => Some((Channel::Dynos, code.clone())),
            LogEvent::DynoCrashed { .. } => Some((Channel::Dynos, "crashed".into())),
            _ => None,
        }
    }
}

/// The two channels a Heroku log feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    Router,
    Dynos,
}

/// Parses one line; `None` when it is not a Heroku log line (no `source[process]:` prefix).
pub fn parse_log_line(line: &str) -> Option<LogLine> {
    let line = line.trim_end_matches(['\r', '\n']);
    let (at, rest) = match line.split_once(' ') {
        // Without a timestamp the line starts at its origin; a first word that is neither is
        // not a Heroku log line.
        Some((first, rest)) if !first.contains('[') => (Some(timestamp(first)?), rest),
        _ => (None, line),
    };
    let rest = rest.trim_start();
    let (origin, message) = rest.split_once(": ").or_else(|| rest.strip_suffix(':').map(|o| (o, "")))?;
    let (source, process) = origin.strip_suffix(']')?.split_once('[')?;
    let name_ok = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if !name_ok(source) || !name_ok(process) {
        return None;
    }
    let event = if process == "router" { router(message) } else { dyno(message) };
    Some(LogLine { at, source: source.to_string(), process: process.to_string(), event })
}

fn timestamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
}

fn router(message: &str) -> LogEvent {
    let mut code = None;
    let mut status = None;
    let mut level = None;
    for (key, value) in logfmt(message) {
        match key {
            "at" => level = Some(value),
            "code" if is_code(&value, 'H') => code = Some(value),
            "status" => status = value.parse::<u16>().ok().filter(|s| (100..600).contains(s)),
            _ => {}
        }
    }
    // `at=info` lines carry no code; an error or warning names one (H27, H28 are warnings).
    let code = code.filter(|_| matches!(level.as_deref(), Some("error" | "warning")));
    LogEvent::Router { code, status }
}

fn dyno(message: &str) -> LogEvent {
    if let Some(rest) = message.strip_prefix("Error ") {
        let code = rest.split([' ', '(']).next().unwrap_or_default();
        if is_code(code, 'R') {
            return LogEvent::DynoError { code: code.to_string() };
        }
    }
    if let Some(change) = message.strip_prefix("State changed from ") {
        if let Some((from, to)) = change.split_once(" to ") {
            if to.trim() == "crashed" && !from.is_empty() && !from.contains(' ') {
                return LogEvent::DynoCrashed { from: from.to_string() };
            }
        }
    }
    LogEvent::Other
}

/// `H12`, `R14`: the letter and two digits (Heroku's codes are H10–H99, R10–R99).
fn is_code(text: &str, letter: char) -> bool {
    let mut chars = text.chars();
    chars.next() == Some(letter) && text.len() == 3 && chars.all(|c| c.is_ascii_digit())
}

/// `key=value key="quoted \"value\"" bare` as (key, value) pairs; a bare word has an empty
/// value, an unterminated quote runs to the end of the line.
pub fn logfmt(text: &str) -> Vec<(&str, String)> {
    let mut pairs = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches(' ');
        if rest.is_empty() {
            return pairs;
        }
        let key_end = rest.find([' ', '=']).unwrap_or(rest.len());
        let key = &rest[..key_end];
        rest = &rest[key_end..];
        let value = match rest.strip_prefix('=') {
            Some(after) if after.starts_with('"') => {
                let (value, used) = quoted(&after[1..]);
                rest = &after[1 + used..];
                value
            }
            Some(after) => {
                let end = after.find(' ').unwrap_or(after.len());
                rest = &after[end..];
                after[..end].to_string()
            }
            None => String::new(),
        };
        if !key.is_empty() {
            pairs.push((key, value));
        }
    }
}

/// The value of a quoted string (after its opening quote) and the bytes used, closing quote
/// included.
fn quoted(text: &str) -> (String, usize) {
    let mut value = String::new();
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => {
                value.push(c);
                escaped = false;
            }
            '\\' => escaped = true,
            '"' => return (value, i + 1),
            _ => value.push(c),
        }
    }
    (value, text.len())
}

#[cfg(test)]
#[path = "logline_tests.rs"]
mod tests;
