//! `deploy --dry-run`: every check ran for real (GitHub's sha, preflight of it, credentials, the
//! lock); what is listed is what the deploy would do from there, each call it would make and
//! none made, for the services this run really has (no Slack call without a Slack credential).
use crate::config::Config;
use crate::ui::render::table;
use crate::ui::Ui;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedCall {
    pub service: &'static str,
    pub method: &'static str,
    pub path: String,
    pub purpose: &'static str,
}

/// What the remaining calls depend on.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanScope {
    pub watch: bool,
    pub auto_rollback: bool,
    pub sentry: bool,
    /// None: no Slack; Some(true): a bot token (edits); Some(false): a webhook.
    pub slack_edits: Option<bool>,
}

pub fn deploy_calls(config: &Config, app: &str, sha: &str, scope: PlanScope) -> Vec<PlannedCall> {
    let repo = config.github.repo.clone().unwrap_or_else(|| "<owner>/<repo>".into());
    let org = config.sentry.org.clone().unwrap_or_else(|| "<org>".into());
    let release = config.release_name(sha);
    let mut calls = vec![];
    let mut call = |service, method, path: String, purpose| calls.push(PlannedCall { service, method, path, purpose });
    call("github", "POST", format!("repos/{repo}/deployments"), "lock: this deploy's deployment of the sha");
    call("github", "POST", format!("repos/{repo}/deployments/<id>/statuses"), "lock: in_progress");
    call("github", "GET", format!("repos/{repo}/deployments?environment={app}"), "lock: the oldest in progress wins");
    if scope.sentry {
        call("sentry", "POST", format!("api/0/organizations/{org}/releases/"), "record: Sentry release with commits");
    }
    match scope.slack_edits {
        Some(true) => call("slack", "POST", "chat.postMessage".into(), "announce, and the PR list in its thread"),
        Some(false) => call("slack", "POST", "(incoming webhook)".into(), "announce"),
        None => {}
    }
    call("github", "GET", format!("repos/{repo}/tarball/{sha}"), "the source tarball URL (not followed)");
    call("heroku", "POST", format!("apps/{app}/builds"), "create the build (sent once)");
    call("heroku", "GET", "<build output_stream_url>".into(), "follow the build output");
    call("heroku", "GET", format!("apps/{app}/builds/<build>"), "build status");
    call("heroku", "GET", format!("apps/{app}/releases/<release>"), "the release the build created");
    call("heroku", "GET", "<release output_stream_url>".into(), "follow the release phase");
    if scope.sentry {
        call("sentry", "POST", format!("api/0/organizations/{org}/releases/{release}/deploys/"), "deploy marker");
    }
    call("github", "POST", format!("repos/{repo}/deployments/<id>/statuses"), "success or failure");
    match scope.slack_edits {
        Some(true) => call("slack", "POST", "chat.update".into(), "edit the message at each phase"),
        Some(false) => call("slack", "POST", "(incoming webhook)".into(), "the outcome"),
        None => {}
    }
    if scope.watch {
        call("sentry", "GET", format!("api/0/organizations/{org}/issues/"), "watch: issues new in the release");
        call("sentry", "GET", format!("api/0/organizations/{org}/events/"), "watch: error events vs the baseline");
        call("heroku", "GET", format!("apps/{app}/dynos"), "watch: crashed dynos");
        call("heroku", "GET", format!("apps/{app}/releases"), "watch: is the release still current");
        call("heroku", "POST", format!("apps/{app}/log-sessions"), "watch: router and dyno log (read only)");
        call("heroku", "GET", "<logplex_url>".into(), "watch: router and dyno lines");
        for page in &config.watch.smoke {
            call("app", "GET", crate::deploy::channels::smoke::shown(page), "watch: smoke page, no credentials");
        }
        // Reading a channel takes a bot token; a webhook cannot read.
        if scope.slack_edits == Some(true) && !config.watch.slack_channels.is_empty() {
            call("slack", "GET", "conversations.history".into(), "watch: messages since the release");
        }
    }
    if scope.watch && scope.auto_rollback {
        call("heroku", "POST", format!("apps/{app}/releases"), "on a failing verdict: roll back (sent once)");
    }
    calls
}

/// The calls as a table: tab-separated without a TTY.
pub fn calls_table(ui: &Ui, calls: &[PlannedCall]) -> String {
    let rows: Vec<Vec<String>> = calls
        .iter()
        .map(|c| vec![c.service.into(), c.method.into(), crate::ui::sanitize::one_line(&c.path), c.purpose.into()])
        .collect();
    table(ui, &["SERVICE", "METHOD", "PATH", "WHY"], &rows)
}
