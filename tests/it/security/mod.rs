//! Issue 14's acceptance, through the real binary: no secret in any output or file written, and
//! no text from outside (file, branch and author names, PR and Sentry titles, error bodies) that
//! can drive the terminal or forge a line.
mod hostile;
mod sentinel;
mod terminal;

use crate::preflight::fixture::entry;
use crate::support::{Cmd, Run};
use bpdeploy::cli::Scenario;
use bpdeploy::sandbox::{Sandbox, SandboxOptions};
use std::path::Path;

/// A sandbox whose error answers echo every secret it issued (the `echo_secrets` knob), at
/// drill speed, and a HOME of its own.
pub struct Echoing {
    pub sb: Sandbox,
    pub home: tempfile::TempDir,
}

impl Echoing {
    pub async fn start(scenario: Scenario) -> Echoing {
        let opts = SandboxOptions { speed: 20.0, echo_secrets: true, ..SandboxOptions::new(scenario) };
        let sb = Sandbox::start(opts).await.expect("sandbox starts");
        Echoing { sb, home: tempfile::tempdir().unwrap() }
    }

    /// `(what, value)` of every secret bpdeploy is given: the four tokens, the webhook URL, its
    /// path and its secret segment.
    pub fn sentinels(&self) -> Vec<(&'static str, String)> {
        let t = self.sb.tokens();
        let hook = t.webhook_path.rsplit('/').next().unwrap_or_default().to_string();
        vec![
            ("HEROKU_API_KEY", t.heroku.clone()),
            ("GITHUB_TOKEN", t.github.clone()),
            ("SENTRY_AUTH_TOKEN", t.sentry.clone()),
            ("SLACK_BOT_TOKEN", t.slack.clone()),
            ("the webhook path", t.webhook_path.clone()),
            ("the webhook secret", hook),
        ]
    }

    /// bpdeploy in the scratch repository with the sandbox's exports (all the secrets), short
    /// knobs, a state directory inside HOME, and `env` on top (an empty value unsets).
    pub fn cmd(&self, env: &[(&str, String)]) -> Cmd {
        let mut pairs: Vec<(String, String)> = self.sb.env_pairs();
        pairs.extend(
            [
                ("BPDEPLOY_USER", "drill"),
                ("BPDEPLOY_POLL_MS", "20"),
                ("BPDEPLOY_HTTP_RETRY_BASE_MS", "5"),
                ("BPDEPLOY_HTTP_RETRY_MAX_MS", "200"),
                ("BPDEPLOY_HTTP_TIMEOUT_MS", "5000"),
                ("BPDEPLOY_STREAM_IDLE_MS", "1000"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        pairs.push(("XDG_STATE_HOME".into(), self.home.path().join("state").display().to_string()));
        for (k, v) in env {
            pairs.retain(|(key, _)| key != k);
            if !v.is_empty() {
                pairs.push((k.to_string(), v.clone()));
            }
        }
        let mut cmd = Cmd::new(self.sb.repo_dir(), self.home.path());
        for (k, v) in pairs {
            cmd = cmd.env(&k, v);
        }
        cmd
    }

    /// A direct push of `files` (path, content) on top of the sandbox's GitHub master, by
    /// `author`, fetched into the working copy as `git fetch origin` would: the next preflight
    /// and deploy ship it.
    pub fn push_to_master(&self, files: &[(String, String)], author: &str, message: &str) {
        use git2::{Index, Repository, Signature, Time};
        let origin = Repository::open_bare(&self.sb.scratch().origin).unwrap();
        let master = origin.find_reference("refs/heads/master").unwrap().peel_to_commit().unwrap();
        let mut index = Index::new().unwrap();
        index.read_tree(&master.tree().unwrap()).unwrap();
        for (p, content) in files {
            let id = origin.blob(content.as_bytes()).unwrap();
            index.add(&entry(p, id, content.len())).unwrap();
        }
        let tree = origin.find_tree(index.write_tree_to(&origin).unwrap()).unwrap();
        let when = Time::new(master.time().seconds() + 60, 0);
        let sig = Signature::new(author, "mallory@example.com", &when).unwrap();
        origin.commit(Some("refs/heads/master"), &sig, &sig, message, &tree, &[&master]).unwrap();
        let work = Repository::open(self.sb.repo_dir()).unwrap();
        work.find_remote("origin")
            .unwrap()
            .fetch(&["+refs/heads/master:refs/remotes/origin/master"], None, None)
            .unwrap();
    }

    /// Runs off the runtime's worker threads, so the sandbox keeps answering.
    pub async fn run(&self, env: &[(&str, String)], args: &[&str]) -> Run {
        let cmd = self.cmd(env).args(args);
        tokio::task::spawn_blocking(move || cmd.run()).await.expect("bpdeploy ran")
    }
}

/// Every file under `dir` (recursively) that holds `needle`.
pub fn files_holding(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = vec![];
    let Ok(entries) = std::fs::read_dir(dir) else { return found };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_holding(&path, needle));
        } else if std::fs::read(&path).is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes())) {
            found.push(path.display().to_string());
        }
    }
    found
}
