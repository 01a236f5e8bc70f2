//! The one error shape that reaches the user: a message, a stable code, a hint and an exit code.
//!
//! Library modules keep their own typed errors; each implements [`Diagnose`] so that `run()` can
//! turn any of them into a [`Failure`] without string matching.
use crate::exit::Exit;
use serde::Serialize;

pub use crate::diagnose::Diagnose;

/// An error ready for the user. Commands build these directly for domain refusals
/// (a lock held, a missing app name); other errors are converted by [`Failure::from_anyhow`].
#[derive(Debug, Clone, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    #[serde(skip)]
    pub exit: Exit,
    pub code: String,
    pub message: String,
    pub hint: Option<String>,
}

impl Failure {
    pub fn new(exit: Exit, code: &str, message: impl Into<String>) -> Self {
        Failure { exit, code: code.to_string(), message: message.into(), hint: None }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Failure::new(Exit::Usage, "usage", message)
    }

    pub fn from_diagnose(err: &dyn Diagnose) -> Self {
        Failure { exit: err.exit(), code: err.code(), message: err.to_string(), hint: err.hint() }
    }

    /// Finds the most specific typed error in the chain; anything else is a plain failure
    /// whose message keeps the whole context chain on one line.
    pub fn from_anyhow(err: &anyhow::Error) -> Self {
        for cause in err.chain() {
            if let Some(f) = cause.downcast_ref::<Failure>() {
                return f.clone();
            }
            if let Some(d) = as_diagnose(cause) {
                let mut f = Failure::from_diagnose(d);
                // Keep the outer context ("reading releases of app x: …") in the message.
                if err.chain().count() > 1 {
                    f.message = one_line(err);
                }
                return f;
            }
        }
        Failure::new(Exit::Failure, "failed", one_line(err))
    }
}

fn one_line(err: &anyhow::Error) -> String {
    let parts: Vec<String> = err.chain().map(|c| c.to_string()).collect();
    let mut out: Vec<String> = Vec::new();
    for p in parts {
        // anyhow contexts often repeat the inner message; keep each fact once.
        if out.last().is_some_and(|last| last.ends_with(&p)) {
            continue;
        }
        out.push(p);
    }
    out.join(": ").replace('\n', " ")
}

/// The typed errors that know their exit code. Each module that adds one registers it here.
fn as_diagnose<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a dyn Diagnose> {
    if let Some(x) = e.downcast_ref::<crate::config::ConfigError>() {
        return Some(x);
    }
    if let Some(x) = e.downcast_ref::<crate::credentials::CredentialError>() {
        return Some(x);
    }
    if let Some(x) = e.downcast_ref::<crate::api::ApiError>() {
        return Some(x);
    }
    if let Some(x) = e.downcast_ref::<crate::git::GitError>() {
        return Some(x);
    }
    None
}
