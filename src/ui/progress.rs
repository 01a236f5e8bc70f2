//! Spinners and bars on a TTY; one plain line per phase otherwise. What a bar shows goes through
//! the same scrubbing and masking as every other line ([`Ui::shown_err`]).
use crate::ui::Ui;
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;

/// A phase in progress. On a TTY a spinner with the elapsed time; otherwise plain lines.
pub struct Phase {
    bar: Option<ProgressBar>,
    ui: Ui,
}

impl Phase {
    pub fn start(ui: &Ui, message: &str) -> Phase {
        if ui.live() && !ui.json {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_message(ui.shown_err(message));
            bar.enable_steady_tick(Duration::from_millis(120));
            Phase { bar: Some(bar), ui: ui.clone() }
        } else {
            ui.info(message);
            Phase { bar: None, ui: ui.clone() }
        }
    }

    pub fn set_message(&self, message: &str) {
        match &self.bar {
            Some(bar) => bar.set_message(self.ui.shown_err(message)),
            None => self.ui.info(message),
        }
    }

    /// Prints a line above the spinner (or plainly).
    pub fn println(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(self.ui.shown_err(line)),
            None => self.ui.info(line),
        }
    }

    pub fn finish(self, message: &str) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        self.ui.info(message);
    }
}
