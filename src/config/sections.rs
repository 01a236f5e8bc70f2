//! The resolved configuration and its sections, as the commands read them.
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// `[triage] experiment_patterns` when the file says nothing (the README lists the same).
pub const DEFAULT_EXPERIMENT_PATTERNS: [&str; 5] = ["experiment", "ab_test", "split_test", "feature_flag", "flipper"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum MergeMethod {
    #[default]
    Merge,
    Squash,
    Rebase,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// The file this came from, if any.
    pub path: Option<PathBuf>,
    /// The repository the commands work on: `[repo] path` (relative to the file), else the git
    /// repository around the current directory, else the current directory (git then says so).
    pub root: PathBuf,
    pub app: Option<String>,
    pub github: GithubConfig,
    pub sentry: SentryConfig,
    pub slack_channel: Option<String>,
    pub migrations: MigrationGlobs,
    pub watch: WatchConfig,
    pub triage: TriageConfig,
    pub endpoints: super::endpoints::Endpoints,
}

#[derive(Debug, Clone)]
pub struct GithubConfig {
    /// `owner/name`.
    pub repo: Option<String>,
    pub branch: String,
    pub merge_method: MergeMethod,
}

#[derive(Debug, Clone)]
pub struct SentryConfig {
    pub org: Option<String>,
    pub project: Option<String>,
    pub environment: String,
    /// Release name template: `{sha}`, `{short_sha}`, `{app}`.
    pub release: String,
}

/// The `[migrations]` section: where migrations live, and how the lint judges them.
#[derive(Debug, Clone)]
pub struct MigrationGlobs {
    pub schema: Vec<String>,
    pub data: Vec<String>,
    /// `postgres_version` and `max_size`.
    pub lint: crate::preflight::lint::LintSettings,
    /// Each glob the file writes out, with where: a typo there is named by its line.
    pub written: Vec<WrittenGlob>,
}

/// A `[migrations]` glob as the config file writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenGlob {
    pub glob: String,
    /// `migrations.schema` or `migrations.data`.
    pub key: String,
    /// `path/to/bpdeploy.toml:7`.
    pub place: String,
}

impl Default for MigrationGlobs {
    fn default() -> Self {
        MigrationGlobs {
            schema: vec!["db/migrate/*.rb".into(), "db/post_migrate/*.rb".into()],
            data: vec!["db/data/*.rb".into()],
            lint: Default::default(),
            written: Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct WatchConfig {
    pub duration: Duration,
    pub interval: Duration,
    /// More new issues than this (each with at least `min_events` events) fails the watch.
    pub max_new_issues: u32,
    /// Error events per minute over the baseline rate beyond this ratio fails the watch.
    pub max_error_rate_ratio: f64,
    /// An issue or a rate needs at least this many events before it counts.
    pub min_events: u64,
    /// Router (and dyno) errors per minute, per code, allowed when the log gives no baseline.
    pub max_router_errors_per_minute: f64,
    /// Pages fetched every interval, as an anonymous visitor.
    pub smoke: Vec<url::Url>,
    /// This many bad smoke rounds in a row fail the watch.
    pub smoke_failing_rounds: u32,
    /// A smoke median latency beyond this many times the first round's fails the watch.
    pub smoke_latency_ratio: f64,
    /// Slack channels read for messages since the release (`#name` or an id).
    pub slack_channels: Vec<String>,
    /// A new issue silent for this many intervals has stopped (transient).
    pub transient_quiet_intervals: u32,
    /// A transient issue with more events than this still fails the watch.
    pub max_transient_events: u64,
    /// An old issue firing beyond this many times its own baseline is a regression.
    pub max_issue_rate_ratio: f64,
}

#[derive(Debug, Clone)]
pub struct TriageConfig {
    /// Code paths of A/B tests and feature flags (substrings of file paths or function names).
    pub experiment_patterns: Vec<String>,
    /// Transactions whose errors rule out waiting (e.g. `CheckoutController#create`).
    pub critical_transactions: Vec<String>,
    /// Where the app runs on its dynos (`/app/`): stack frames' absolute paths lose it to become
    /// repository paths.
    pub app_root: String,
    /// No event for this long after a burst: the issue stopped.
    pub stopped_after: Duration,
    /// From this many events per minute, or this many users, the damage is severe (no waiting
    /// for a revert's CI and build).
    pub severe_events_per_minute: f64,
    pub severe_users: u64,
}

impl Default for TriageConfig {
    fn default() -> Self {
        TriageConfig {
            experiment_patterns: DEFAULT_EXPERIMENT_PATTERNS.iter().map(|p| p.to_string()).collect(),
            critical_transactions: Vec::new(),
            app_root: "/app/".into(),
            stopped_after: Duration::from_secs(5 * 60),
            severe_events_per_minute: 60.0,
            severe_users: 100,
        }
    }
}
