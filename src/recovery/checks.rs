//! CI for a revert: how long the branch's checks usually take (for the estimate and the wait's
//! ETA), and waiting for the revert PR's checks (check runs and statuses) to pass or fail.
use super::eta::{part_from, span, Part};
use crate::api::github::GitHub;
use crate::api::ApiError;
use crate::preflight::online::CiLevel;
use crate::preflight::services::ci_of;
use std::time::{Duration, Instant};

/// How a wait for checks ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChecksEnd {
    Passed,
    /// The names of the checks that failed.
    Failed(Vec<String>),
    /// No check ever appeared on the commit, and the branch's recent commits ran none either.
    NoChecks,
    /// The branch's recent commits ran CI, yet no check appeared on this one in as long as CI
    /// usually takes to finish.
    NeverStarted,
}

/// Polls without any check before concluding that the repository has no CI.
const NO_CHECKS_AFTER_POLLS: u32 = 20;

/// The CI part of an estimate: for each recent commit whose runs all finished, first start to
/// last finish; their median.
pub async fn ci_part(github: &GitHub, recent: &[String]) -> Result<Part, ApiError> {
    let mut durations = Vec::new();
    for sha in recent {
        let runs = github.check_runs(sha).await?;
        if runs.is_empty() || runs.iter().any(|r| r.completed_at.is_none()) {
            continue;
        }
        let start = runs.iter().filter_map(|r| r.started_at).min();
        let end = runs.iter().filter_map(|r| r.completed_at).max();
        durations.extend(span(start, end));
    }
    Ok(part_from("ci", durations, "CI runs on the branch"))
}

/// Waits until the commit's checks pass or one fails, telling `progress` how far they are and
/// how long they usually take (`typical`, seconds).
pub async fn wait(
    github: &GitHub,
    sha: &str,
    poll: Duration,
    typical: Option<u64>,
    mut progress: impl FnMut(&str),
) -> Result<ChecksEnd, ApiError> {
    let started = Instant::now();
    let mut empty_polls = 0;
    let mut said = String::new();
    loop {
        let ci = ci_of(github, sha).await?;
        match ci.state {
            CiLevel::Success => return Ok(ChecksEnd::Passed),
            CiLevel::Failure => {
                let failed = ci.checks.iter().filter(|c| c.state == CiLevel::Failure).map(|c| c.name.clone());
                return Ok(ChecksEnd::Failed(failed.collect()));
            }
            CiLevel::None => {
                empty_polls += 1;
                // A branch that runs CI (`typical` comes from its recent runs) runs it here too,
                // however late it starts: never concluded "no CI" and merged without it.
                let patience = Duration::from_secs(typical.unwrap_or_default());
                if empty_polls >= NO_CHECKS_AFTER_POLLS && started.elapsed() >= patience {
                    return Ok(if typical.is_some() { ChecksEnd::NeverStarted } else { ChecksEnd::NoChecks });
                }
            }
            CiLevel::Pending => {
                let done = ci.checks.iter().filter(|c| c.state == CiLevel::Success).count();
                let eta = match typical {
                    Some(t) => {
                        let left = t.saturating_sub(started.elapsed().as_secs());
                        format!(
                            ", about {} left (recent runs took {})",
                            super::eta::duration(left),
                            super::eta::duration(t)
                        )
                    }
                    None => String::new(),
                };
                let line = format!("checks: {done}/{} passed{eta}", ci.checks.len());
                if line != said {
                    progress(&line);
                    said = line;
                }
            }
        }
        tokio::time::sleep(poll).await;
    }
}
