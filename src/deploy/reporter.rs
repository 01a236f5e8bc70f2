//! Where the deploy's progress goes: NDJSON events on stdout with `--json`; otherwise lines on
//! stderr, with a spinner and a status line on a TTY. The deploy code hands everything here; only
//! `ui` writes bytes.
//!
//! Each fact is said once. The build's and release phase's own output is shown line by line
//! only with `-v` (a failed build's log is in the result); without it a TTY shows the last line
//! in the status line, and off a TTY a status line is printed at most once a minute, so a log
//! file shows that the deploy is alive without repeating the log. Release-phase migrations get
//! their own line (`migration … migrating`). `-v` also says how long each phase took.
use crate::deploy::build_progress::{status_line, Eta, OutputTail};
use crate::deploy::events::{DeployEvent, OutputSource};
use crate::deploy::watch::Snapshot;
use crate::ui::progress::Phase;
use crate::ui::sanitize::{clean, gutter, one_line};
use crate::ui::time::took;
use crate::ui::Ui;
use std::time::{Duration, Instant};

/// Off a TTY, the longest silence while following output or watching.
pub const QUIET_AT_MOST: Duration = Duration::from_secs(60);

pub struct Reporter {
    ui: Ui,
    spinner: Option<Phase>,
    started: Instant,
    /// `(label, eta)` of the output being followed, for the status line.
    following: Option<(&'static str, Option<Eta>)>,
    /// The live panel's last lines, left on screen when it stops (a record of the watch).
    shown: String,
    /// The phase under way and when it began, for `-v`'s timings.
    phase: Option<(&'static str, Instant)>,
    /// Off a TTY: when the last status line was printed.
    last_status: Option<Instant>,
    /// Off a TTY: the watch's elapsed time at the last line printed for a look.
    last_look: Option<Duration>,
}

impl Reporter {
    pub fn new(ui: &Ui) -> Reporter {
        Reporter {
            ui: ui.clone(),
            spinner: None,
            started: Instant::now(),
            following: None,
            shown: String::new(),
            phase: None,
            last_status: None,
            last_look: None,
        }
    }

    pub fn ui(&self) -> &Ui {
        &self.ui
    }

    pub fn event(&mut self, event: DeployEvent) {
        if self.ui.json {
            self.ui.event(&event);
            return;
        }
        match &event {
            DeployEvent::Phase { phase } => self.phase_began(phase),
            DeployEvent::Watch(snapshot) => self.look(snapshot),
            _ => {}
        }
        if let Some(line) = event.human_line(self.ui.stderr_tty) {
            self.line(&line);
        }
    }

    pub fn warn(&mut self, message: &str) {
        if self.ui.json {
            self.ui.event(&DeployEvent::Warning { message: message.to_string() });
        } else {
            self.finish_spinner();
            self.ui.warn(&clean(message));
        }
    }

    /// A line above the spinner, or a plain line.
    pub fn line(&mut self, text: &str) {
        match &self.spinner {
            Some(s) => s.println(text),
            None => self.ui.info(text),
        }
    }

    /// Starts following build or release output: the status line counts from here.
    pub fn follow(&mut self, label: &'static str, eta: Option<Eta>) {
        self.finish_spinner();
        self.started = Instant::now();
        self.last_status = Some(self.started);
        self.following = Some((label, eta));
        if !self.ui.json && self.ui.live() {
            self.spinner = Some(Phase::timed(&self.ui, move |elapsed| status_line(label, elapsed, eta.as_ref(), None)));
        }
    }

    /// One line of output: an NDJSON event, the line itself with `-v`, the status line otherwise.
    pub fn output(&mut self, source: OutputSource, line: &str, tail: &OutputTail) {
        if self.ui.json {
            self.ui.event(&DeployEvent::Output { source, line: clean(line) });
            return;
        }
        if self.ui.verbose > 0 {
            self.line(&gutter(line));
        }
        match &self.spinner {
            Some(s) => s.set_message(&tail.last().map(|l| format!(" · {}", one_line(l))).unwrap_or_default()),
            None if self.ui.verbose == 0 && self.status_due() => {
                let (label, eta) = self.following.unwrap_or(("working", None));
                let status = status_line(label, self.started.elapsed(), eta.as_ref(), tail.last());
                self.last_status = Some(Instant::now());
                self.ui.info(&status);
            }
            None => {}
        }
    }

    /// The live watch panel on a TTY (several lines, counting its own time).
    pub fn panel(&mut self, lines: &[String]) {
        if self.ui.json || lines.is_empty() {
            return;
        }
        self.shown = lines.join("\n");
        match (&self.spinner, self.ui.live()) {
            (Some(s), _) => s.set_message(&self.shown),
            (None, true) => self.spinner = Some(Phase::untimed(&self.ui, &self.shown)),
            (None, false) => {}
        }
    }

    /// Stops the spinner. A watch panel stays on screen as the record of the watch; a status
    /// line goes (the events around it say what happened, `-v` how long it took).
    pub fn finish_spinner(&mut self) {
        if let Some(s) = self.spinner.take() {
            s.finish(&std::mem::take(&mut self.shown));
        }
        self.following = None;
    }

    fn status_due(&self) -> bool {
        self.last_status.map_or(true, |t| t.elapsed() >= QUIET_AT_MOST)
    }

    /// `-v`: how long the phase that just ended took.
    fn phase_began(&mut self, phase: &'static str) {
        if let Some((previous, since)) = self.phase.take() {
            self.ui.detail(&format!("{} took {}", previous.replace('_', " "), took(since.elapsed())));
        }
        self.phase = Some((phase, Instant::now()));
    }

    /// Off a TTY (where there is no panel): a line for the first look, then at most one a
    /// minute, so a log shows the watch is alive; what changed in between has its own lines.
    fn look(&mut self, snapshot: &Snapshot) {
        if self.ui.live() {
            return;
        }
        let seen = Seen {
            elapsed: snapshot.elapsed,
            new_issues: snapshot.new_issues.len(),
            error_events: snapshot.error_events,
            crashed_dynos: snapshot.crashed_dynos.len(),
        };
        if let Some(line) = look_line(self.last_look, &seen) {
            self.last_look = Some(snapshot.elapsed);
            self.ui.info(&line);
        }
    }
}

/// What one look found, in the counts its line gives.
pub struct Seen {
    pub elapsed: Duration,
    pub new_issues: usize,
    pub error_events: u64,
    pub crashed_dynos: usize,
}

/// The line for one look off a TTY, when one is due: the first look, then a minute or more of
/// watching after the last line.
pub fn look_line(last: Option<Duration>, s: &Seen) -> Option<String> {
    if last.is_some_and(|l| s.elapsed.saturating_sub(l) < QUIET_AT_MOST) {
        return None;
    }
    let elapsed = crate::config::duration::format(Duration::from_secs(s.elapsed.as_secs()));
    let crashed = match s.crashed_dynos {
        0 => "no crashed dynos".to_string(),
        n => format!("{n} crashed {}", if n == 1 { "dyno" } else { "dynos" }),
    };
    Some(format!(
        "watching · {elapsed} · {} new {} · {} error {} since the release · {crashed}",
        s.new_issues,
        if s.new_issues == 1 { "issue" } else { "issues" },
        s.error_events,
        if s.error_events == 1 { "event" } else { "events" },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(secs: u64, events: u64) -> Seen {
        Seen { elapsed: Duration::from_secs(secs), new_issues: 0, error_events: events, crashed_dynos: 0 }
    }

    #[test]
    fn off_a_tty_the_watch_says_it_is_alive_at_the_first_look_then_once_a_minute() {
        let first = look_line(None, &snapshot(0, 0)).expect("the first look has a line");
        assert_eq!(first, "watching · 0s · 0 new issues · 0 error events since the release · no crashed dynos");
        assert_eq!(look_line(Some(Duration::ZERO), &snapshot(45, 3)), None, "not yet a minute");
        let later = look_line(Some(Duration::ZERO), &snapshot(75, 1)).expect("a minute later");
        assert_eq!(later, "watching · 1m15s · 0 new issues · 1 error event since the release · no crashed dynos");
    }

    #[test]
    fn phase_times_are_tenths_under_a_minute() {
        assert_eq!(took(Duration::from_millis(9_240)), "9.2s");
        assert_eq!(took(Duration::from_secs(130)), "2m10s");
    }
}
