//! What to do next, as every result that gives advice gives it (`deploy`, `watch`, `rollback`,
//! `revert`): a command to run and why. Scripts read `command` (`jq -r '.next[].command'`);
//! people read the line, command first so that it can be copied as it stands.
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextStep {
    /// A command line, ready to run: `bpdeploy triage 4501000100`, `heroku releases:retry -a app`.
    pub command: String,
    /// Why, or when, to run it: "find the PR behind the top new issue".
    pub why: String,
}

impl NextStep {
    pub fn new(command: impl Into<String>, why: impl Into<String>) -> NextStep {
        NextStep { command: command.into(), why: why.into() }
    }

    /// `Next: bpdeploy triage 77 — find the PR behind the top new issue` (scrubbed: a command may
    /// carry a name that came from outside).
    pub fn line(&self) -> String {
        use crate::ui::sanitize::one_line;
        format!("Next: {} — {}", one_line(&self.command), one_line(&self.why))
    }
}

/// Whether `steps` already has a step running `command` (steps are never given twice).
pub fn has(steps: &[NextStep], command: &str) -> bool {
    steps.iter().any(|s| s.command == command)
}

/// Adds a step unless one with the same command is there already.
pub fn push(steps: &mut Vec<NextStep>, step: NextStep) {
    if !has(steps, &step.command) {
        steps.push(step);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_is_a_command_and_its_reason_on_one_line() {
        let step = NextStep::new("bpdeploy triage 77", "find the PR behind the top\nnew issue");
        assert_eq!(step.line(), "Next: bpdeploy triage 77 — find the PR behind the top new issue");
        let json = serde_json::to_value(&step).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"command": "bpdeploy triage 77", "why": "find the PR behind the top\nnew issue"})
        );
        let mut steps = vec![step.clone()];
        push(&mut steps, NextStep::new("bpdeploy triage 77", "again"));
        push(&mut steps, NextStep::new("bpdeploy rollback", "take it out of production"));
        assert_eq!(
            steps.iter().map(|s| s.command.as_str()).collect::<Vec<_>>(),
            ["bpdeploy triage 77", "bpdeploy rollback"]
        );
    }
}
