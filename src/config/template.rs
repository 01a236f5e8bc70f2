//! The commented bpdeploy.toml that `bpdeploy init` writes: every key, with what was detected
//! filled in and the rest commented out with its default.
use super::sections::DEFAULT_EXPERIMENT_PATTERNS;
use std::path::Path;

/// What `init` knows about the repository and the flags.
#[derive(Debug, Clone, Default)]
pub struct Facts<'a> {
    pub app: Option<&'a str>,
    /// `owner/name`.
    pub repo: Option<&'a str>,
    pub branch: &'a str,
    pub release_command: Option<&'a str>,
    pub data_migrations: bool,
    /// Set when the file lives outside the repository, so that it works from anywhere.
    pub repo_path: Option<&'a Path>,
}

/// A TOML string literal, escaped.
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

pub fn render(f: &Facts) -> String {
    let app_line = match f.app {
        Some(app) => {
            format!("app = {}              # the production app (HEROKU_APP and --app override it)", quote(app))
        }
        None => "# app = \"my-app\"          # the production app (or HEROKU_APP / --app)".into(),
    };
    let repo_line = match f.repo {
        Some(r) => format!("repo = {}", quote(r)),
        None => "# repo = \"owner/name\"   # not detected: no GitHub origin remote".into(),
    };
    let release = match f.release_command {
        // A TOML comment holds no control characters: the Procfile's line is folded and scrubbed.
        Some(c) => format!("# Procfile release phase: {}", crate::ui::sanitize::one_line(c)),
        None => "# No `release:` line in the Procfile: migrations will not run on deploy.".into(),
    };
    let data = if f.data_migrations { "db/data exists (data_migrate)" } else { "no db/data directory yet" };
    let repo_section = match f.repo_path {
        Some(p) => format!(
            "\n[repo]\n# This file lives outside the repository: commands work on this one wherever they run.\npath = {}\n",
            quote(&p.display().to_string())
        ),
        None => String::new(),
    };
    let patterns: Vec<String> = DEFAULT_EXPERIMENT_PATTERNS.iter().map(|p| quote(p)).collect();
    format!(
        r##"# bpdeploy configuration. Credentials never go here: they come from HEROKU_API_KEY (or
# ~/.netrc), GITHUB_TOKEN/GH_TOKEN, SENTRY_AUTH_TOKEN (or ~/.sentryclirc) and SLACK_BOT_TOKEN
# (or SLACK_WEBHOOK_URL). Flags beat the environment, which beats this file.
{repo_section}
[heroku]
{app_line}

[github]
{repo_line}
branch = {branch}
# merge_method = "merge"  # merge | squash | rebase, for revert PRs

[sentry]
# org = "my-org"
# project = "rails"
environment = "production"
# release = "{{sha}}"     # sentry-ruby on Heroku reports HEROKU_SLUG_COMMIT, the full sha

[slack]
# channel = "#deploys"

[migrations]
{release}
# {data}
schema = ["db/migrate/*.rb", "db/post_migrate/*.rb"]
data = ["db/data/*.rb"]
# postgres_version = 16    # production's PostgreSQL ("14.3" with the minor): version-dependent checks
# max_size = "1m"          # a larger migration is reported as unchecked instead of parsed

[watch]
duration = "7m"           # traffic moves to a new release over 3-7 minutes (at most 24h)
interval = "15s"
max_new_issues = 0        # more new Sentry issues than this (each with min_events) fails
max_error_rate_ratio = 2.0
min_events = 5
max_issue_rate_ratio = 5.0 # an old Sentry issue beyond this many times its own rate is a regression
transient_quiet_intervals = 3  # a new issue silent this many intervals stopped on its own
max_transient_events = 10 # ...and fails nothing unless it had more events than this
max_router_errors_per_minute = 3.0  # Heroku router/dyno errors per code, when the log gives no baseline
# smoke = ["https://www.example.com/", "https://www.example.com/forums"]  # fetched every interval
smoke_failing_rounds = 3  # bad smoke rounds in a row that fail the watch
smoke_latency_ratio = 3.0 # a smoke median latency beyond this many times the first round's fails
# slack_channels = ["#dev-questions", "#sentry-integration"]  # read with conversations.history

[triage]
# experiment_patterns = [{patterns}]
# critical_transactions = ["CheckoutController#create"]
# app_root = "/app/"                # where the app runs on its dynos, stripped from stack frames
# stopped_after = "5m"              # no event for this long after a burst: the issue stopped
# severe_events_per_minute = 60     # from here (or severe_users) a revert is too slow: roll back
# severe_users = 100
"##,
        branch = quote(f.branch),
        patterns = patterns.join(", "),
    )
}
