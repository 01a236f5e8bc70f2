//! The trait every typed error of the library implements, so that `run()` can turn any of them
//! into a [`Failure`](crate::error::Failure). It sits apart from `error.rs`, which knows every
//! error type: the error types need the trait, not the list of their siblings.
use crate::exit::Exit;

/// What every typed error of the library can tell about itself.
pub trait Diagnose: std::error::Error {
    fn exit(&self) -> Exit;
    /// A stable machine code for `--json` (`config_invalid`, `heroku_unauthorized`, …).
    fn code(&self) -> String;
    /// One line for people: what to do next.
    fn hint(&self) -> Option<String>;
}
