//! What a person sees while Heroku builds: the elapsed time, an ETA from the app's recent
//! successful builds, a warning when this one runs well past the usual, and the last output line.
//! Asset compilation makes Rails builds long and variable, so the median is used, not the mean:
//! one cold-cache build of 15 minutes should not move the estimate for the next twenty.
use chrono::{DateTime, Utc};
use std::collections::VecDeque;
use std::time::Duration;

/// A build that takes this much longer than the usual one is called out.
pub const OVERDUE_FACTOR: f64 = 1.5;
/// Lines kept for a failure report (the issue asks for the last 40).
pub const TAIL_LINES: usize = 40;

/// A past build of the app, as listed by Heroku.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastBuild {
    pub succeeded: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The usual build time of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Eta {
    pub usual: Duration,
    pub samples: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EtaStatus {
    Remaining(Duration),
    /// Past the usual time, but not yet remarkably so.
    AnyMoment,
    /// Well past the usual: `elapsed` ≥ usual × OVERDUE_FACTOR.
    Overdue {
        usual: Duration,
    },
}

impl Eta {
    /// From the successful builds among `recent`; `None` when there are none to learn from.
    pub fn from_recent(recent: &[PastBuild]) -> Option<Eta> {
        let mut durations: Vec<Duration> =
            recent.iter().filter(|b| b.succeeded).filter_map(|b| (b.updated_at - b.created_at).to_std().ok()).collect();
        if durations.is_empty() {
            return None;
        }
        durations.sort();
        let n = durations.len();
        let usual = if n % 2 == 1 { durations[n / 2] } else { (durations[n / 2 - 1] + durations[n / 2]) / 2 };
        Some(Eta { usual, samples: n })
    }

    pub fn status(&self, elapsed: Duration) -> EtaStatus {
        if elapsed < self.usual {
            EtaStatus::Remaining(self.usual - elapsed)
        } else if elapsed.as_secs_f64() >= self.usual.as_secs_f64() * OVERDUE_FACTOR {
            EtaStatus::Overdue { usual: self.usual }
        } else {
            EtaStatus::AnyMoment
        }
    }
}

/// The progress line: `building · 2m10s · about 1m left · Compiling assets`.
pub fn status_line(phase: &str, elapsed: Duration, eta: Option<&Eta>, last_line: Option<&str>) -> String {
    use crate::config::duration::format;
    let mut parts = vec![phase.to_string(), format(Duration::from_secs(elapsed.as_secs()))];
    match eta.map(|e| e.status(elapsed)) {
        Some(EtaStatus::Remaining(left)) => parts.push(format!("about {} left", format(round_up_minute(left)))),
        Some(EtaStatus::AnyMoment) => parts.push("should finish any moment".into()),
        Some(EtaStatus::Overdue { usual }) => {
            parts.push(format!("well past the usual {}", format(Duration::from_secs(usual.as_secs()))))
        }
        None => {}
    }
    if let Some(line) = last_line.map(crate::ui::sanitize::one_line).filter(|l| !l.is_empty()) {
        parts.push(line);
    }
    parts.join(" · ")
}

/// Estimates are rough: whole minutes, except under a minute.
fn round_up_minute(d: Duration) -> Duration {
    let s = d.as_secs();
    if s < 60 {
        return Duration::from_secs(s.max(1));
    }
    Duration::from_secs(s.div_ceil(60) * 60)
}

/// The last lines of a build or release output, scrubbed, for failure reports.
#[derive(Debug, Clone)]
pub struct OutputTail {
    lines: VecDeque<String>,
    capacity: usize,
}

impl Default for OutputTail {
    fn default() -> Self {
        OutputTail::new(TAIL_LINES)
    }
}

impl OutputTail {
    pub fn new(capacity: usize) -> Self {
        OutputTail { lines: VecDeque::with_capacity(capacity), capacity }
    }

    pub fn push(&mut self, line: &str) {
        if self.lines.len() == self.capacity {
            self.lines.pop_front();
        }
        self.lines.push_back(crate::ui::sanitize::clean(line.trim_end_matches(['\r', '\n'])));
    }

    pub fn last(&self) -> Option<&str> {
        self.lines.back().map(String::as_str)
    }

    pub fn lines(&self) -> Vec<String> {
        self.lines.iter().cloned().collect()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(succeeded: bool, secs: i64) -> PastBuild {
        let created_at = DateTime::parse_from_rfc3339("2025-01-01T10:00:00Z").unwrap().with_timezone(&Utc);
        PastBuild { succeeded, created_at, updated_at: created_at + chrono::Duration::seconds(secs) }
    }

    #[test]
    fn eta_is_the_median_of_successful_builds() {
        let recent = [build(true, 300), build(false, 30), build(true, 240), build(true, 900), build(true, 260)];
        let eta = Eta::from_recent(&recent).unwrap();
        assert_eq!(eta, Eta { usual: Duration::from_secs(280), samples: 4 });
        assert_eq!(Eta::from_recent(&[build(true, 100)]).unwrap().usual, Duration::from_secs(100));
        assert_eq!(Eta::from_recent(&[build(false, 100)]), None);
    }

    #[test]
    fn status_says_when_a_build_runs_well_past_the_usual() {
        let eta = Eta { usual: Duration::from_secs(300), samples: 5 };
        assert_eq!(eta.status(Duration::from_secs(100)), EtaStatus::Remaining(Duration::from_secs(200)));
        assert_eq!(eta.status(Duration::from_secs(400)), EtaStatus::AnyMoment);
        assert_eq!(eta.status(Duration::from_secs(450)), EtaStatus::Overdue { usual: Duration::from_secs(300) });
        let line =
            status_line("building", Duration::from_secs(130), Some(&eta), Some("\u{1b}[1m-----> Compiling assets"));
        assert_eq!(line, "building · 2m10s · about 3m left · -----> Compiling assets");
        let late = status_line("building", Duration::from_secs(460), Some(&eta), None);
        assert_eq!(late, "building · 7m40s · well past the usual 5m");
        assert_eq!(status_line("release phase", Duration::from_secs(5), None, Some("  ")), "release phase · 5s");
    }

    #[test]
    fn tail_keeps_the_last_lines_scrubbed() {
        let mut tail = OutputTail::new(3);
        for i in 0..5 {
            tail.push(&format!("line {i}\r\n"));
        }
        tail.push("bell\u{7}");
        assert_eq!(tail.lines(), ["line 3", "line 4", "bell"]);
        assert_eq!(tail.last(), Some("bell"));
        assert_eq!(OutputTail::default().capacity, TAIL_LINES);
    }
}
