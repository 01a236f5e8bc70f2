//! What only the services know, as plain data: CI of `to`, what production runs now, the Sentry
//! baseline, and GitHub's view of the pull requests. Gathering sits behind [`gather`] so that
//! the git side of preflight never depends on a network client.
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CiLevel {
    Success,
    Pending,
    Failure,
    /// No status and no check run reported for the commit.
    None,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CiCheck {
    pub name: String,
    pub state: CiLevel,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CiState {
    pub sha: String,
    pub state: CiLevel,
    pub checks: Vec<CiCheck>,
}

/// A build or release that has not finished: someone is deploying right now.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct InProgress {
    /// `build` or `release`.
    pub kind: String,
    pub id: String,
    pub user: Option<String>,
    pub created_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Production {
    pub app: String,
    pub release_version: u64,
    pub release_id: String,
    pub commit: Option<String>,
    pub description: Option<String>,
    pub user: Option<String>,
    pub deployed_at: Option<String>,
    pub hours_since_deploy: Option<f64>,
    pub in_progress: Vec<InProgress>,
}

#[derive(Debug, Clone, Serialize, PartialEq, serde::Deserialize)]
pub struct BaselineIssue {
    pub id: String,
    pub short_id: Option<String>,
    pub title: String,
    pub count: u64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub permalink: Option<String>,
}

/// Sentry before the deploy, saved so that `watch` can compare after it.
#[derive(Debug, Clone, Serialize, PartialEq, serde::Deserialize)]
pub struct Baseline {
    pub app: String,
    /// The Sentry release production runs (from `[sentry] release` and its commit).
    pub release: String,
    pub captured_at: String,
    /// Unresolved issues seen in the last 24 hours.
    pub unresolved_issues: u64,
    /// The top 10 of those by events.
    pub top_issues: Vec<BaselineIssue>,
    pub error_events_last_hour: Option<u64>,
    /// Where it was saved (under the XDG state directory).
    pub saved_to: Option<String>,
}

/// GitHub's view of a pull request.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PrDetails {
    pub number: u64,
    pub title: String,
    pub author: Option<String>,
    pub url: String,
    pub merged_at: Option<String>,
    pub labels: Vec<String>,
}

/// Everything the services said, joined to the git facts by [`super::assemble`].
#[derive(Debug, Clone, Default)]
pub struct OnlineFacts {
    pub offline: bool,
    /// Commit sha -> the PR GitHub associates it with (`commits/{sha}/pulls`).
    pub associated: std::collections::BTreeMap<String, u64>,
    pub pull_requests: Vec<PrDetails>,
    pub ci: Option<CiState>,
    pub production: Option<Production>,
    pub baseline: Option<Baseline>,
    /// Why there is no baseline, when there is none.
    pub baseline_unknown: Option<String>,
    pub warnings: Vec<super::range::RangeWarning>,
}

impl OnlineFacts {
    pub fn offline() -> OnlineFacts {
        OnlineFacts { offline: true, ..OnlineFacts::default() }
    }
}

/// Saves the baseline as `<state_dir>/baselines/<app>/<release>.json`, where `watch` finds it.
pub fn save_baseline(state_dir: &std::path::Path, baseline: &Baseline) -> std::io::Result<std::path::PathBuf> {
    let safe = |s: &str| {
        s.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect::<String>()
    };
    let dir = state_dir.join("baselines").join(safe(&baseline.app));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{}.json", safe(&baseline.release)));
    let mut saved = baseline.clone();
    saved.saved_to = Some(path.display().to_string());
    std::fs::write(&path, serde_json::to_vec_pretty(&saved).map_err(std::io::Error::other)?)?;
    Ok(path)
}
