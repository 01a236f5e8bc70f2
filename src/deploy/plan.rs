//! `deploy --dry-run`: every call the deploy would make, in order, and none made. Values only
//! known at run time (the sha, the build id) appear as placeholders.
use crate::config::Config;
use crate::ui::render::{table, Outcome};
use crate::ui::Ui;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedCall {
    pub service: &'static str,
    pub method: &'static str,
    pub path: String,
    pub purpose: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct DryRun {
    pub status: &'static str,
    pub app: String,
    pub branch: String,
    pub calls: Vec<PlannedCall>,
}

pub fn deploy_plan(config: &Config, app: &str, branch: &str, watch: bool) -> DryRun {
    let repo = config.github.repo.clone().unwrap_or_else(|| "<owner>/<repo>".into());
    let org = config.sentry.org.clone().unwrap_or_else(|| "<org>".into());
    let sentry = config.sentry.project.is_some();
    let slack = config.slack_channel.is_some();
    let release = config.release_name("<sha>");
    let mut calls = vec![];
    let mut call = |service, method, path: String, purpose| calls.push(PlannedCall { service, method, path, purpose });
    // Preflight's reads (it writes nothing but the local baseline file).
    call("heroku", "GET", format!("apps/{app}/releases"), "preflight: what production runs now");
    call("heroku", "GET", format!("apps/{app}/slugs/<slug>"), "preflight: the commit production runs");
    call("heroku", "GET", format!("apps/{app}/builds"), "preflight: a build in progress");
    call("github", "GET", format!("repos/{repo}/commits/heads/{branch}/status"), "preflight: GitHub's branch head");
    call("github", "GET", format!("repos/{repo}/commits/<sha>/status"), "preflight: CI statuses of the tip");
    call("github", "GET", format!("repos/{repo}/commits/<sha>/check-runs"), "preflight: CI check runs of the tip");
    call("github", "POST", "graphql".into(), "preflight: PR titles and authors (one per 50 PRs; a read)");
    call("github", "GET", format!("repos/{repo}/commits/<sha>/pulls"), "preflight: PRs of commits without (#N)");
    if sentry {
        call("sentry", "GET", format!("api/0/organizations/{org}/issues/"), "preflight: Sentry baseline issues");
        call("sentry", "GET", format!("api/0/organizations/{org}/events/"), "preflight: error events, last hour");
    }
    call("heroku", "GET", format!("apps/{app}/builds"), "lock: pending builds; ETA from recent builds");
    call("heroku", "GET", format!("apps/{app}/releases"), "lock: pending releases");
    call("github", "GET", format!("repos/{repo}/deployments?environment={app}"), "lock: bpdeploy deploys in progress");
    call("github", "GET", format!("repos/{repo}/commits/{branch}/status"), "resolve the branch to a sha");
    call("github", "POST", format!("repos/{repo}/deployments"), "record: deployment of <sha> to the app");
    call("github", "POST", format!("repos/{repo}/deployments/<id>/statuses"), "record: in_progress");
    if sentry {
        call("sentry", "POST", format!("api/0/organizations/{org}/releases/"), "record: Sentry release with commits");
    }
    if slack {
        call("slack", "POST", "chat.postMessage".into(), "announce, and the PR list in its thread");
    }
    call("github", "GET", format!("repos/{repo}/tarball/<sha>"), "the source tarball URL (not followed)");
    call("heroku", "POST", format!("apps/{app}/builds"), "create the build (sent once)");
    call("heroku", "GET", "<build output_stream_url>".into(), "follow the build output");
    call("heroku", "GET", format!("apps/{app}/builds/<build>"), "build status");
    call("heroku", "GET", format!("apps/{app}/releases/<release>"), "the release the build created");
    call("heroku", "GET", "<release output_stream_url>".into(), "follow the release phase");
    if sentry {
        call("sentry", "POST", format!("api/0/organizations/{org}/releases/{release}/deploys/"), "deploy marker");
    }
    call("github", "POST", format!("repos/{repo}/deployments/<id>/statuses"), "success or failure");
    if slack {
        call("slack", "POST", "chat.update".into(), "edit the message at each phase");
    }
    if watch {
        call("sentry", "GET", format!("api/0/organizations/{org}/issues/"), "watch: issues new in the release");
        call("sentry", "GET", format!("api/0/organizations/{org}/events/"), "watch: error events vs the baseline");
        call("heroku", "GET", format!("apps/{app}/dynos"), "watch: crashed dynos");
        call("heroku", "GET", format!("apps/{app}/releases"), "watch: is the release still current");
    }
    DryRun { status: "dry_run", app: app.to_string(), branch: branch.to_string(), calls }
}

impl Outcome for DryRun {
    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    fn human(&self, ui: &Ui) -> String {
        let rows: Vec<Vec<String>> = self
            .calls
            .iter()
            .map(|c| vec![c.service.into(), c.method.into(), c.path.clone(), c.purpose.into()])
            .collect();
        use crate::ui::sanitize::one_line;
        let (branch, app) = (one_line(&self.branch), one_line(&self.app));
        let intro = format!("Dry run: deploying {branch} to {app} would make these calls (none was made):\n");
        intro + &table(ui, &["SERVICE", "METHOD", "PATH", "WHY"], &rows)
    }

    fn is_event_stream(&self) -> bool {
        true
    }
}
