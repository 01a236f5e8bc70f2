//! The exit codes scripts rely on. The README table is tested against `Exit::ALL`.
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exit {
    /// Success; a healthy verdict.
    Success,
    /// Failure: an API error, bad input, a bug.
    Failure,
    /// Usage error, including a mutating command with no TTY and no `--yes`.
    Usage,
    /// Not safe or unhealthy: preflight stop with `--strict`, build or release phase failed,
    /// watch verdict failing, a revert that conflicts or whose checks fail, a recovery whose
    /// Sentry issue did not stop.
    Unsafe,
    /// Credentials missing or rejected.
    Credentials,
    /// Another deploy is in progress.
    Locked,
    /// Interrupted (Ctrl-C).
    Interrupted,
}

impl Exit {
    pub const ALL: [Exit; 7] =
        [Exit::Success, Exit::Failure, Exit::Usage, Exit::Unsafe, Exit::Credentials, Exit::Locked, Exit::Interrupted];

    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Usage => 2,
            Exit::Unsafe => 3,
            Exit::Credentials => 4,
            Exit::Locked => 5,
            Exit::Interrupted => 130,
        }
    }

    /// The README's exit-code table is tested against these, row by row.
    pub fn meaning(self) -> &'static str {
        match self {
            Exit::Success => "success; verdict healthy or go",
            Exit::Failure => {
                "failure: API error, bad input, bug; a rollback or revert that went through but whose watch or deploy could not run"
            }
            Exit::Usage => "usage error, including a mutating command with no TTY and no `--yes`",
            Exit::Unsafe => {
                "not safe or unhealthy: preflight `stop` with `--strict`, build failed, release phase failed, watch verdict failing, a revert that conflicts or whose checks fail, a recovery whose Sentry issue did not stop"
            }
            Exit::Credentials => "credentials missing or rejected",
            Exit::Locked => "another deploy is in progress",
            Exit::Interrupted => "interrupted (Ctrl-C); remote work is never cancelled, and bpdeploy says how to resume",
        }
    }
}
