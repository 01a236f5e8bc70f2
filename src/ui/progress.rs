//! Spinners and bars on a TTY; one plain line per phase otherwise. What a bar shows goes through
//! the same scrubbing and masking as every other line ([`Ui::shown_err`]).
use crate::ui::time::took;
use crate::ui::Ui;
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A phase in progress. On a TTY a spinner with the elapsed time; otherwise plain lines.
pub struct Phase {
    bar: Option<ProgressBar>,
    ui: Ui,
    /// For a phase whose message names each step ([`Phase::start`]): the step under way and
    /// when it began, so that `-v` says how long each took.
    step: Mutex<Option<(String, Instant)>>,
}

impl Phase {
    /// `⠋ Reading the range from git (3s)`: the message and the time since it started.
    pub fn start(ui: &Ui, message: &str) -> Phase {
        let phase = Phase::with_style(ui, message, ProgressStyle::with_template("{spinner} {msg} ({elapsed})"));
        Phase { step: Mutex::new(Some((message.to_string(), Instant::now()))), ..phase }
    }

    /// A spinner whose message says everything itself (a panel that counts its own time).
    pub fn untimed(ui: &Ui, message: &str) -> Phase {
        Phase::with_style(ui, message, ProgressStyle::with_template("{spinner} {msg}"))
    }

    /// A spinner whose status is redrawn from the time elapsed at every tick (one timer, however
    /// rarely the message changes: `building · 2m10s · about 3m left`), then the message. Off a
    /// terminal nothing is written: a timer there would be one line per tick.
    pub fn timed<F>(ui: &Ui, status: F) -> Phase
    where
        F: Fn(Duration) -> String + Send + Sync + Clone + 'static,
    {
        if !ui.live() || ui.json {
            return Phase { bar: None, ui: ui.clone(), step: Mutex::default() };
        }
        let style = ProgressStyle::with_template("{spinner} {status}{msg}").map(|s| {
            s.with_key("status", move |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&status(state.elapsed()));
            })
        });
        Phase::with_style(ui, "", style)
    }

    fn with_style(ui: &Ui, message: &str, style: Result<ProgressStyle, indicatif::style::TemplateError>) -> Phase {
        if ui.live() && !ui.json {
            let bar = ProgressBar::new_spinner();
            bar.set_style(style.unwrap_or_else(|_| ProgressStyle::default_spinner()));
            bar.set_message(ui.shown_err(message));
            bar.enable_steady_tick(Duration::from_millis(120));
            Phase { bar: Some(bar), ui: ui.clone(), step: Mutex::default() }
        } else {
            if !message.is_empty() {
                ui.info(message);
            }
            Phase { bar: None, ui: ui.clone(), step: Mutex::default() }
        }
    }

    pub fn set_message(&self, message: &str) {
        self.step_done(Some(message));
        match &self.bar {
            Some(bar) => bar.set_message(self.ui.shown_err(message)),
            None => self.ui.info(message),
        }
    }

    /// `-v`: how long the step that just ended took (above the spinner, which goes on).
    fn step_done(&self, next: Option<&str>) {
        let mut step = self.step.lock().unwrap_or_else(|p| p.into_inner());
        let Some((done, began)) = step.take() else { return };
        if self.ui.verbose > 0 {
            self.println_detail(&format!("{done} took {}", took(began.elapsed())));
        }
        *step = next.map(|n| (n.to_string(), Instant::now()));
    }

    fn println_detail(&self, line: &str) {
        match &self.bar {
            Some(bar) if !bar.is_finished() => bar.println(self.ui.shown_err(line)),
            _ => self.ui.detail(line),
        }
    }

    /// Prints a line above the spinner (or plainly).
    pub fn println(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(self.ui.shown_err(line)),
            None => self.ui.info(line),
        }
    }

    /// Clears the spinner and leaves `message` in its place (nothing when it is empty).
    pub fn finish(self, message: &str) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        self.step_done(None);
        if !message.is_empty() {
            self.ui.info(message);
        }
    }
}
