//! The only code that writes to the terminal. Terminal facts are resolved once into [`Ui`].
//!
//! Every byte goes out through one of the writers here, and each writer passes its text through
//! [`sanitize`] (no escape sequence from outside survives; with `--json`, none can) and then
//! through the [`Secrets`] registry (no token or signed URL survives, wherever the text came
//! from). Renderers scrub the outside text they quote as well: this is the last line, not the only one.
pub mod log;
pub mod progress;
pub mod render;
pub mod sanitize;
pub mod time;

use crate::api::secret::Secrets;
use crate::cli::{ColorChoice, GlobalArgs};
use crate::env::Env;
use crate::error::Failure;
use crate::exit::Exit;
use console::Style;
use serde::Serialize;
use std::io::{IsTerminal, Write};

/// Everything downstream needs to know about the terminal, decided once.
#[derive(Debug, Clone)]
pub struct Ui {
    pub json: bool,
    pub quiet: bool,
    pub verbose: u8,
    pub yes: bool,
    pub dry_run: bool,
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    pub stdin_tty: bool,
    /// Colour on stdout / stderr.
    pub color_out: bool,
    pub color_err: bool,
    /// Every secret of the process: masked in everything written (shared by clones).
    pub secrets: Secrets,
}

impl Ui {
    pub fn resolve(global: &GlobalArgs, env: &Env) -> Ui {
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        let stdin_tty = std::io::stdin().is_terminal();
        let color = |tty: bool| match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                if env.get("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                    false
                } else if env.get("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
                    true
                } else {
                    tty && env.get("TERM").as_deref() != Some("dumb")
                }
            }
        };
        Ui {
            json: global.json,
            quiet: global.quiet,
            verbose: global.verbose,
            yes: global.yes,
            dry_run: global.dry_run,
            stdout_tty,
            stderr_tty,
            stdin_tty,
            color_out: color(stdout_tty) && !global.json,
            color_err: color(stderr_tty),
            secrets: Secrets::new(),
        }
    }

    /// A plain, non-interactive Ui (tests, the demo's inner commands).
    pub fn plain() -> Ui {
        Ui {
            json: false,
            quiet: false,
            verbose: 0,
            yes: true,
            dry_run: false,
            stdout_tty: false,
            stderr_tty: false,
            stdin_tty: false,
            color_out: false,
            color_err: false,
            secrets: Secrets::new(),
        }
    }

    /// A plain Ui in `--json` mode, for errors found before the command line could be parsed.
    pub fn plain_json() -> Ui {
        Ui { json: true, ..Ui::plain() }
    }

    /// Spinners and live panels only where a person is watching stderr.
    pub fn live(&self) -> bool {
        self.stderr_tty && !self.quiet
    }

    pub fn interactive(&self) -> bool {
        self.stdin_tty && self.stderr_tty
    }

    /// Writes the result to stdout. A closed pipe (`| head`) is not an error.
    pub fn out(&self, text: &str) {
        write_stdout(&self.secrets.mask(&sanitize::terminal(text, self.color_out)));
    }

    /// One JSON document on stdout, on one line like the NDJSON events and the errors.
    pub fn out_json<T: Serialize>(&self, value: &T) {
        let text = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
        self.out_json_text(&format!("{text}\n"));
    }

    /// One NDJSON line on stdout (deploy and watch events).
    pub fn event<T: Serialize>(&self, value: &T) {
        if let Ok(text) = serde_json::to_string(value) {
            self.out_json_text(&format!("{text}\n"));
        }
    }

    fn out_json_text(&self, text: &str) {
        write_stdout(&self.secrets.mask(&sanitize::json(text)));
    }

    /// Text for stderr as it will be written: scrubbed for the terminal and masked. For
    /// writers outside this file (progress bars, the `-vv` log).
    pub fn shown_err(&self, text: &str) -> String {
        self.secrets.mask(&sanitize::terminal(text, self.color_err))
    }

    /// Progress and narration on stderr; silent with --quiet.
    pub fn info(&self, text: &str) {
        if !self.quiet {
            eprintln_safe(&self.shown_err(text));
        }
    }

    /// Detail shown with -v.
    pub fn detail(&self, text: &str) {
        if self.verbose > 0 && !self.quiet {
            eprintln_safe(&self.shown_err(text));
        }
    }

    pub fn warn(&self, text: &str) {
        let label = self.err_style(Style::new().yellow().bold()).apply_to("warning:");
        eprintln_safe(&self.shown_err(&format!("{label} {}", sanitize::one_line(text))));
    }

    /// Reports an error: JSON on stdout in --json mode, one line plus a hint on stderr otherwise.
    pub fn error(&self, failure: &Failure) {
        if self.json {
            // One line, so it is also the last line of an NDJSON stream (deploy, watch).
            self.event(&serde_json::json!({ "error": failure }));
            return;
        }
        let label = self.err_style(Style::new().red().bold()).apply_to("error:");
        eprintln_safe(&self.shown_err(&format!("{label} {}", sanitize::one_line(&failure.message))));
        if let Some(hint) = &failure.hint {
            let label = self.err_style(Style::new().cyan()).apply_to("hint:");
            eprintln_safe(&self.shown_err(&format!("{label} {}", sanitize::one_line(hint))));
        }
    }

    /// A question can be asked: a TTY on stdin and stderr, and no `--json` (whose reader is a
    /// script).
    pub fn can_ask(&self) -> bool {
        self.interactive() && !self.json
    }

    /// A mutating command would have to ask and cannot: no `--yes`, no `--dry-run`, no TTY.
    /// Commands check this before anything else, so that they stop before a single request.
    pub fn consent_needed(&self) -> bool {
        !self.yes && !self.dry_run && !self.can_ask()
    }

    /// Asks a yes/no question on a TTY; without one, a mutating command needs --yes.
    pub fn confirm(&self, question: &str) -> Result<bool, Failure> {
        if self.yes || self.dry_run {
            return Ok(true);
        }
        if !self.can_ask() {
            return Err(consent_missing(&format!("cannot ask \"{question}\": there is no TTY to answer on")));
        }
        dialog(&self.shown_err(question))
    }

    pub fn out_style(&self, style: Style) -> Style {
        style.force_styling(self.color_out)
    }

    pub fn err_style(&self, style: Style) -> Style {
        style.force_styling(self.color_err)
    }
}

/// A mutating command without `--yes` where nobody can be asked (exit 2).
pub fn consent_missing(message: &str) -> Failure {
    Failure::new(Exit::Usage, "confirmation_required", message)
        .with_hint("no TTY to ask on: pass --yes to confirm, or --dry-run to see what would happen")
}

fn dialog(question: &str) -> Result<bool, Failure> {
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Failure::new(Exit::Failure, "stdin", format!("reading the answer: {e}")))?;
    Ok(matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}

fn write_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}

fn eprintln_safe(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_reaches_stderr_is_scrubbed_and_masked() {
        let ui = Ui::plain();
        ui.secrets.add("xoxb-0123456789");
        assert_eq!(ui.shown_err("a \u{1b}]0;t\u{7}xoxb-0123456789\u{1b}[1m!"), "a ***!");
        let styled = Ui { color_err: true, ..ui.clone() };
        assert_eq!(styled.shown_err("\u{1b}[1mok\u{1b}[0m\u{1b}[2J xoxb-0123456789"), "\u{1b}[1mok\u{1b}[0m ***");
    }
}
