//! Where the deploy's progress goes: NDJSON events on stdout with `--json`; otherwise a spinner
//! with a status line on a TTY (every output line with `-v`), or the plain lines on stderr.
//! The deploy code hands everything here; only `ui` writes bytes.
use crate::deploy::build_progress::{status_line, Eta, OutputTail};
use crate::deploy::events::{DeployEvent, OutputSource};
use crate::ui::progress::Phase;
use crate::ui::sanitize::clean;
use crate::ui::Ui;
use std::time::Instant;

pub struct Reporter {
    ui: Ui,
    spinner: Option<Phase>,
    started: Instant,
    /// `(label, eta)` of the output being followed, for the status line.
    following: Option<(&'static str, Option<Eta>)>,
    /// The spinner's last message, left on screen when it stops (a record of the phase).
    shown: String,
}

impl Reporter {
    pub fn new(ui: &Ui) -> Reporter {
        Reporter { ui: ui.clone(), spinner: None, started: Instant::now(), following: None, shown: String::new() }
    }

    pub fn ui(&self) -> &Ui {
        &self.ui
    }

    pub fn event(&mut self, event: DeployEvent) {
        if self.ui.json {
            self.ui.event(&event);
            return;
        }
        if let Some(line) = event.human_line() {
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
        self.following = Some((label, eta));
        if !self.ui.json && self.ui.live() {
            self.shown = status_line(label, self.started.elapsed(), eta.as_ref(), None);
            self.spinner = Some(Phase::start(&self.ui, &self.shown));
        }
    }

    /// One line of output: an NDJSON event, the status line on a TTY, or the line itself.
    pub fn output(&mut self, source: OutputSource, line: &str, tail: &OutputTail) {
        if self.ui.json {
            self.ui.event(&DeployEvent::Output { source, line: clean(line) });
            return;
        }
        match &self.spinner {
            Some(s) => {
                let (label, eta) = self.following.unwrap_or(("working", None));
                self.shown = status_line(label, self.started.elapsed(), eta.as_ref(), tail.last());
                s.set_message(&self.shown);
                if self.ui.verbose > 0 {
                    s.println(&gutter(line));
                }
            }
            None => self.ui.info(&gutter(line)),
        }
    }

    /// The live watch panel on a TTY (several lines), else the lines that changed.
    pub fn panel(&mut self, lines: &[String]) {
        if self.ui.json || lines.is_empty() {
            return;
        }
        self.shown = lines.join("\n");
        match (&self.spinner, self.ui.live()) {
            (Some(s), _) => s.set_message(&self.shown),
            (None, true) => self.spinner = Some(Phase::start(&self.ui, &self.shown)),
            (None, false) => {}
        }
    }

    pub fn finish_spinner(&mut self) {
        if let Some(s) = self.spinner.take() {
            s.finish(&std::mem::take(&mut self.shown));
        }
        self.following = None;
    }
}

/// A line of the build's or release phase's own output, behind a gutter: whatever the app
/// prints (a migration named `x\nVerdict: GO`, say) can never pass for one of bpdeploy's lines.
fn gutter(line: &str) -> String {
    format!("  | {}", clean(line).replace('\n', " "))
}
