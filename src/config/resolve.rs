//! The file's values, then the environment's over them, then the global flags: one [`Config`].
use super::endpoints::{self, Endpoints};
use super::error::{ConfigError, ENV_ORIGIN};
use super::file::{self, FileConfig};
use super::migrations;
use super::sections::{Config, GithubConfig, MigrationGlobs, SentryConfig, TriageConfig, WatchConfig};
use crate::cli::GlobalArgs;
use crate::duration;
use crate::env::Env;
use std::path::PathBuf;
use std::time::Duration;

/// `[triage]`, each key over its default (the file's values were checked as it was read).
fn triage(file: file::TriageFile) -> TriageConfig {
    let d = TriageConfig::default();
    let app_root = match file.app_root {
        // A root is a directory: `/app` and `/app/` both strip `/app/`.
        Some(root) => format!("{}/", root.trim_end_matches('/')),
        None => d.app_root,
    };
    TriageConfig {
        experiment_patterns: file.experiment_patterns.unwrap_or(d.experiment_patterns),
        critical_transactions: file.critical_transactions.unwrap_or_default(),
        app_root,
        stopped_after: file.stopped_after.unwrap_or(d.stopped_after),
        severe_events_per_minute: file.severe_events_per_minute.unwrap_or(d.severe_events_per_minute),
        severe_users: file.severe_users.unwrap_or(d.severe_users),
    }
}

pub(super) fn resolve(
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

    // The file's durations were checked as it was read (`file::duration_opt`), naming their line.
    let watch_duration = |key: &str, var: &str, from_file: Option<Duration>, default: Duration| match env.get(var) {
        Some(v) => duration::parse_watch_span(&v).map_err(|m| invalid(&format!("{ENV_ORIGIN}{var}"), key, m)),
        None => Ok(from_file.unwrap_or(default)),
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
        triage: triage(file.triage),
        endpoints: Endpoints { heroku, github, github_graphql, sentry, slack },
    })
}
