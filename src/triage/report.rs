//! The `--json` document of `bpdeploy triage`, field for field as the README gives it:
//! `{"issues":[{"id","short_id","title","events","users","events_per_minute","still_happening",
//! "first_seen","first_release","frames","suspects","classification","reasons","estimates",
//! "next_command"}]}`. What the human form adds (level, last event, the people to call) rides
//! along unserialized.
use super::decision::Classification;
use super::evidence::TriagedRelease;
use super::frames::StackFrame;
use super::suspects::Suspect;
use crate::recovery::eta::Estimate;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct TriageReport {
    pub issues: Vec<IssueReport>,
    #[serde(skip)]
    pub release: TriagedRelease,
    /// Said on stderr before the result; the JSON keeps to its fields.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IssueReport {
    pub id: String,
    pub short_id: String,
    pub title: String,
    pub events: u64,
    pub users: u64,
    /// In the last `[triage] stopped_after`; null when Sentry could not say.
    pub events_per_minute: Option<f64>,
    pub still_happening: bool,
    pub first_seen: Option<String>,
    /// The Sentry release it was first seen in.
    pub first_release: Option<String>,
    /// In-app frames of the latest event, innermost first.
    pub frames: Vec<StackFrame>,
    pub suspects: Vec<Suspect>,
    pub classification: Classification,
    pub reasons: Vec<String>,
    pub estimates: Estimates,
    pub next_command: Option<String>,
    #[serde(skip)]
    pub shown: Shown,
}

/// Both paths' time to recovery, as the revert and rollback previews estimate them; null when
/// a path does not apply (no PR to revert) or its preview could not run.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Estimates {
    pub revert_secs: Option<Estimate>,
    pub rollback_secs: Option<Estimate>,
}

/// What only the human form shows.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    pub level: Option<String>,
    pub last_seen: Option<String>,
    pub transaction: Option<String>,
    pub permalink: Option<String>,
    pub message: Option<String>,
    pub call: Vec<String>,
    /// How many files the release changed (None: unknown), and the frames' files among them.
    pub release_files: Option<usize>,
    pub frames_in_release_files: Vec<String>,
}

impl TriageReport {
    /// The recommendation the demo follows: the first issue that needs a recovery.
    pub fn recovery(&self) -> Option<&IssueReport> {
        self.issues.iter().find(|i| matches!(i.classification, Classification::Revert | Classification::Rollback))
    }
}
