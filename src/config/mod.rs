//! Configuration: bpdeploy.toml, then the environment, then flags (flags win).
//!
//! Discovery: `--config`, else `BPDEPLOY_CONFIG`, else `bpdeploy.toml` found walking up from the
//! current directory to the git root. The repository is `[repo] path`, else the one around the
//! current directory, wherever the file is. Credentials are never read from here (see `credentials`).
/// Durations live below the CLI (which validates them too); `config::duration` stays their name here.
pub use crate::duration;
pub mod endpoints;
mod file;
pub mod migrations;
pub mod template;

use crate::cli::GlobalArgs;
use crate::diagnose::Diagnose;
use crate::env::Env;
use crate::exit::Exit;
pub use endpoints::Endpoints;
use file::FileConfig;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const FILE_NAME: &str = "bpdeploy.toml";

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
    pub endpoints: Endpoints,
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

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}:{line}: {message}")]
    Parse { path: String, line: usize, message: String },
    /// `environment variable BPDEPLOY_WATCH_DURATION: watch.duration: …`; the key only once when
    /// the origin already names it (`environment variable BPDEPLOY_HTTP_RETRIES: …`).
    #[error("{origin}: {}{message}", if origin.ends_with(key.as_str()) { String::new() } else { format!("{key}: ") })]
    Invalid { origin: String, key: String, message: String },
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String, hint: String },
    #[error("{what} is not configured")]
    Missing { what: String, hint: String },
}

impl Diagnose for ConfigError {
    fn exit(&self) -> Exit {
        Exit::Failure
    }
    fn code(&self) -> String {
        match self {
            ConfigError::Parse { .. } | ConfigError::Invalid { .. } => "config_invalid",
            ConfigError::Read { .. } => "config_unreadable",
            ConfigError::Missing { .. } => "config_missing",
        }
        .into()
    }
    fn hint(&self) -> Option<String> {
        Some(match self {
            ConfigError::Invalid { origin, .. } if origin.starts_with(ENV_ORIGIN) => {
                format!("fix or unset the {}", &origin)
            }
            ConfigError::Parse { path: file, .. } | ConfigError::Invalid { origin: file, .. } => format!(
                "fix the value in {file}; `bpdeploy init --dry-run --force` prints a commented example \
                 without writing anything"
            ),
            ConfigError::Read { hint, .. } | ConfigError::Missing { hint, .. } => hint.clone(),
        })
    }
}

/// How a value that came from the environment names its origin.
const ENV_ORIGIN: &str = "environment variable ";

impl Config {
    /// Finds and reads the config file, then layers the environment and the global flags on top.
    pub fn load(global: &GlobalArgs, env: &Env) -> Result<Config, ConfigError> {
        let path = discover(global, env)?;
        let (file, text) = match &path {
            Some(p) => read_file(p)?,
            None => (FileConfig::default(), String::new()),
        };
        let root = match (&path, &file.repo.path) {
            (Some(p), Some(repo)) => p.parent().unwrap_or(&env.cwd).join(repo),
            _ => git_root(&env.cwd).unwrap_or_else(|| env.cwd.clone()),
        };
        let origin = path.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| FILE_NAME.into());
        if file.repo.path.is_some() && git_root(&root).is_none() {
            let message =
                format!("{} is not inside a git repository (the path is relative to this file)", root.display());
            return Err(file::with_line(
                ConfigError::Invalid { origin: origin.clone(), key: "repo.path".into(), message },
                &text,
                &origin,
            ));
        }
        let mut config =
            resolve(file, global, env, path, root, &origin).map_err(|e| file::with_line(e, &text, &origin))?;
        config.migrations.written = file::written_globs(&text, &origin);
        Ok(config)
    }

    /// The Heroku app, or an error that says how to set it.
    pub fn require_app(&self) -> Result<&str, ConfigError> {
        self.app.as_deref().ok_or_else(|| ConfigError::Missing {
            what: "the Heroku app".into(),
            hint: "pass --app NAME, set HEROKU_APP, or add `[heroku] app = \"…\"` to bpdeploy.toml (`bpdeploy init`)"
                .into(),
        })
    }

    /// The GitHub repository as (owner, name).
    pub fn require_repo(&self) -> Result<(&str, &str), ConfigError> {
        let repo = self.github.repo.as_deref().ok_or_else(|| ConfigError::Missing {
            what: "the GitHub repository".into(),
            hint: "add `[github] repo = \"owner/name\"` to bpdeploy.toml (`bpdeploy init` detects it from origin)"
                .into(),
        })?;
        Ok(repo.split_once('/').expect("validated at load"))
    }

    pub fn require_sentry(&self) -> Result<(&str, &str), ConfigError> {
        match (&self.sentry.org, &self.sentry.project) {
            (Some(o), Some(p)) => Ok((o, p)),
            _ => Err(ConfigError::Missing {
                what: "the Sentry org and project".into(),
                hint: "add `[sentry] org = \"…\"` and `project = \"…\"` to bpdeploy.toml".into(),
            }),
        }
    }

    /// The Sentry release name for a commit, from the `[sentry] release` template.
    pub fn release_name(&self, sha: &str) -> String {
        let app = self.app.as_deref().unwrap_or("");
        self.sentry.release.replace("{sha}", sha).replace("{short_sha}", &sha[..sha.len().min(7)]).replace("{app}", app)
    }
}

/// `[triage]`, each key over its default.
fn triage(file: file::TriageFile, origin: &str) -> Result<TriageConfig, ConfigError> {
    let d = TriageConfig::default();
    let stopped_after =
        duration::check_watch_span(file.stopped_after.unwrap_or(d.stopped_after)).map_err(|message| {
            ConfigError::Invalid { origin: origin.into(), key: "triage.stopped_after".into(), message }
        })?;
    let app_root = match file.app_root {
        // A root is a directory: `/app` and `/app/` both strip `/app/`.
        Some(root) => format!("{}/", root.trim_end_matches('/')),
        None => d.app_root,
    };
    Ok(TriageConfig {
        experiment_patterns: file.experiment_patterns.unwrap_or(d.experiment_patterns),
        critical_transactions: file.critical_transactions.unwrap_or_default(),
        app_root,
        stopped_after,
        severe_events_per_minute: file.severe_events_per_minute.unwrap_or(d.severe_events_per_minute),
        severe_users: file.severe_users.unwrap_or(d.severe_users),
    })
}

/// The file `--config` or `BPDEPLOY_CONFIG` names, made absolute; None when neither is given.
pub fn explicit_path(global: &GlobalArgs, env: &Env) -> Option<PathBuf> {
    let p = global.config.clone().or_else(|| env.get("BPDEPLOY_CONFIG").map(PathBuf::from))?;
    Some(if p.is_absolute() { p } else { env.cwd.join(p) })
}

fn discover(global: &GlobalArgs, env: &Env) -> Result<Option<PathBuf>, ConfigError> {
    if let Some(p) = explicit_path(global, env) {
        let unreadable = |message: &str, hint: String| ConfigError::Read {
            path: p.display().to_string(),
            message: message.into(),
            hint,
        };
        if p.is_dir() {
            let inside = p.join(FILE_NAME);
            return Err(unreadable(
                "it is a directory, not a file",
                format!("name the file itself, e.g. --config {}", inside.display()),
            ));
        }
        if p.exists() && !p.is_file() {
            return Err(unreadable(
                "it is not a regular file",
                "name a bpdeploy.toml file; a device or a pipe cannot be read as the config".into(),
            ));
        }
        if !p.is_file() {
            return Err(unreadable("no such file", "check the path given by --config or BPDEPLOY_CONFIG".into()));
        }
        return Ok(Some(p));
    }
    let mut dir = Some(env.cwd.as_path());
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Ok(Some(candidate));
        }
        if d.join(".git").exists() {
            break; // the git root bounds the search
        }
        dir = d.parent();
    }
    Ok(None)
}

/// The top of the git repository around `start`, if any.
pub fn git_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|d| d.join(".git").exists()).map(Path::to_path_buf)
}

/// No bpdeploy.toml comes near this; a file beyond it was named by mistake and is not read whole.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

fn read_file(path: &Path) -> Result<(FileConfig, String), ConfigError> {
    let shown = path.display().to_string();
    if std::fs::metadata(path).is_ok_and(|m| m.len() > MAX_CONFIG_BYTES) {
        return Err(ConfigError::Read {
            path: shown,
            message: "it is larger than 1 MB, which no bpdeploy.toml is".into(),
            hint: "check the path given by --config or BPDEPLOY_CONFIG".into(),
        });
    }
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
        path: shown.clone(),
        message: e.to_string(),
        hint: "check that the file is readable text".into(),
    })?;
    Ok((parse_file(&text, shown)?, text))
}

/// The text of a bpdeploy.toml; an error names `shown` and the line.
pub(crate) fn parse_file(text: &str, shown: String) -> Result<FileConfig, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let line = file::line_at(text, e.span().map(|s| s.start).unwrap_or(0));
        ConfigError::Parse { path: shown, line, message: plain_types(&e.message().trim().replace('\n', " ")) }
    })
}

/// serde names Rust types ("expected u64"); people read "expected a whole number".
fn plain_types(message: &str) -> String {
    let mut out = message.to_string();
    for int in ["u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize"] {
        out = out.replace(&format!("expected {int}"), "expected a whole number");
    }
    out.replace("expected f32", "expected a number")
        .replace("expected f64", "expected a number")
        .replace("expected a sequence", "expected a list")
}

fn resolve(
    file: FileConfig,
    global: &GlobalArgs,
    env: &Env,
    path: Option<PathBuf>,
    root: PathBuf,
    origin: &str,
) -> Result<Config, ConfigError> {
    let invalid = |origin: &str, key: &str, message: String| ConfigError::Invalid {
        origin: origin.to_string(),
        key: key.to_string(),
        message,
    };
    // Each value: (value, where it came from) so errors name the variable or the file.
    let pick = |var: &[&str], from_file: Option<String>| -> Option<(String, String)> {
        for v in var {
            if let Some(val) = env.get(v) {
                return Some((val, format!("{ENV_ORIGIN}{v}")));
            }
        }
        from_file.map(|v| (v, origin.to_string()))
    };

    let url = |key: &str, vars: &[&str], from_file: Option<String>, default: &str| -> Result<url::Url, ConfigError> {
        match pick(vars, from_file) {
            Some((v, src)) => endpoints::parse_base(&v).map_err(|m| invalid(&src, key, m)),
            None => Ok(endpoints::parse_base(default).expect("default URL")),
        }
    };
    let heroku = url("heroku.url", &["BPDEPLOY_HEROKU_URL"], file.heroku.url, endpoints::HEROKU)?;
    let github = url("github.url", &["BPDEPLOY_GITHUB_URL"], file.github.url, endpoints::GITHUB)?;
    let github_graphql = match pick(&["BPDEPLOY_GITHUB_GRAPHQL_URL"], file.github.graphql_url) {
        Some((v, src)) => {
            let mut u = endpoints::parse_base(&v).map_err(|m| invalid(&src, "github.graphql_url", m))?;
            // The GraphQL endpoint is a full URL, not a base.
            let p = u.path().trim_end_matches('/').to_string();
            u.set_path(&p);
            u
        }
        None => endpoints::derive_graphql(&github),
    };
    let sentry = url("sentry.url", &["BPDEPLOY_SENTRY_URL", "SENTRY_URL"], file.sentry.url, endpoints::SENTRY)?;
    let slack = url("slack.url", &["BPDEPLOY_SLACK_URL"], file.slack.url, endpoints::SLACK)?;

    let app = match global.app.clone() {
        Some(app) => Some(app), // checked by the flag's parser
        None => pick(&["HEROKU_APP", "BPDEPLOY_HEROKU_APP"], file.heroku.app)
            .map(|(app, src)| crate::cli::heroku_app_name(&app).map_err(|m| invalid(&src, "heroku.app", m)))
            .transpose()?,
    };

    let repo = pick(&["BPDEPLOY_GITHUB_REPO"], file.github.repo);
    if let Some((r, src)) = &repo {
        let ok = r.split_once('/').is_some_and(|(o, n)| !o.is_empty() && !n.is_empty() && !n.contains('/'));
        if !ok {
            return Err(invalid(src, "github.repo", format!("expected \"owner/name\", got {r:?}")));
        }
    }
    let branch = pick(&["BPDEPLOY_GITHUB_BRANCH"], file.github.branch).map(|v| v.0).unwrap_or_else(|| "master".into());

    let release = pick(&["BPDEPLOY_SENTRY_RELEASE"], file.sentry.release);
    if let Some((t, src)) = &release {
        let stripped = t.replace("{sha}", "").replace("{short_sha}", "").replace("{app}", "");
        if stripped.contains('{') || stripped.contains('}') {
            return Err(invalid(
                src,
                "sentry.release",
                format!("unknown placeholder in {t:?} (use {{sha}}, {{short_sha}}, {{app}})"),
            ));
        }
        if !t.contains("{sha}") && !t.contains("{short_sha}") {
            return Err(invalid(src, "sentry.release", "the template must contain {sha} or {short_sha}".into()));
        }
    }

    let watch_duration = |key: &str, var: &str, from_file: Option<Duration>, default: Duration| match env.get(var) {
        Some(v) => duration::parse_watch_span(&v).map_err(|m| invalid(&format!("{ENV_ORIGIN}{var}"), key, m)),
        None => duration::check_watch_span(from_file.unwrap_or(default)).map_err(|m| invalid(origin, key, m)),
    };
    let watch = WatchConfig {
        duration: watch_duration(
            "watch.duration",
            "BPDEPLOY_WATCH_DURATION",
            file.watch.duration,
            Duration::from_secs(7 * 60),
        )?,
        interval: watch_duration(
            "watch.interval",
            "BPDEPLOY_WATCH_INTERVAL",
            file.watch.interval,
            Duration::from_secs(15),
        )?,
        max_new_issues: file.watch.max_new_issues.unwrap_or(0),
        max_error_rate_ratio: file.watch.max_error_rate_ratio.unwrap_or(2.0),
        min_events: file.watch.min_events.unwrap_or(5),
        max_router_errors_per_minute: file.watch.max_router_errors_per_minute.unwrap_or(3.0),
        smoke: file.watch.smoke.unwrap_or_default(),
        smoke_failing_rounds: file.watch.smoke_failing_rounds.unwrap_or(3),
        smoke_latency_ratio: file.watch.smoke_latency_ratio.unwrap_or(3.0),
        slack_channels: file.watch.slack_channels.unwrap_or_default(),
        transient_quiet_intervals: file.watch.transient_quiet_intervals.unwrap_or(3),
        max_transient_events: file.watch.max_transient_events.unwrap_or(10),
        max_issue_rate_ratio: file.watch.max_issue_rate_ratio.unwrap_or(5.0),
    };

    let lint = migrations::lint_settings(file.migrations.postgres_version.as_ref(), file.migrations.max_size.as_ref())
        .map_err(|(key, message)| invalid(origin, &key, message))?;

    Ok(Config {
        path,
        root,
        app,
        github: GithubConfig {
            repo: repo.map(|r| r.0),
            branch,
            merge_method: file.github.merge_method.unwrap_or_default(),
        },
        sentry: SentryConfig {
            org: pick(&["BPDEPLOY_SENTRY_ORG", "SENTRY_ORG"], file.sentry.org).map(|v| v.0),
            project: pick(&["BPDEPLOY_SENTRY_PROJECT", "SENTRY_PROJECT"], file.sentry.project).map(|v| v.0),
            environment: pick(&["BPDEPLOY_SENTRY_ENVIRONMENT"], file.sentry.environment)
                .map(|v| v.0)
                .unwrap_or_else(|| "production".into()),
            release: release.map(|v| v.0).unwrap_or_else(|| "{sha}".into()),
        },
        slack_channel: pick(&["BPDEPLOY_SLACK_CHANNEL"], file.slack.channel).map(|v| v.0),
        migrations: MigrationGlobs {
            schema: file.migrations.schema.unwrap_or_else(|| MigrationGlobs::default().schema),
            data: file.migrations.data.unwrap_or_else(|| MigrationGlobs::default().data),
            lint,
            written: Vec::new(),
        },
        watch,
        triage: triage(file.triage, origin)?,
        endpoints: Endpoints { heroku, github, github_graphql, sentry, slack },
    })
}
