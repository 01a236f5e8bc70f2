//! Which pull requests a rollback takes out of production. A deploy knows them from its own
//! preflight (what it shipped is what a rollback right after it removes); `watch --auto-rollback`
//! ran no preflight, so the PRs are read here from the local repository with preflight's git
//! stage, over the range from the commit production goes back to, to the commit it ran.
//! When the repository or one of the commits is not available here, the list stays empty and a
//! warning says so: an empty list must never read as "the rollback removed nothing".
use crate::config::Config;
use crate::deploy::announce::PullRequestLine;
use crate::deploy::driver::Driver;
use crate::deploy::preflight_step::{pull_request_lines, release_commit};
use crate::deploy::rollback::RolledBack;
use crate::git::GitError;
use crate::preflight::range::RangeRequest;
use crate::preflight::GitRequest;

/// The PRs in `back_to..rolled_back` (first parent), read from the repository at the config's
/// root. Offline on purpose: titles come from the merge commits' messages, which is enough to
/// say what left production, and a rollback is no time to wait on GitHub.
pub fn pull_requests_between(
    config: &Config,
    back_to: &str,
    rolled_back: &str,
) -> Result<Vec<PullRequestLine>, GitError> {
    let report = crate::preflight::offline(&range_request(config, back_to, rolled_back))?;
    Ok(pull_request_lines(&report))
}

/// Preflight's repository request for the range a rollback takes out of production.
pub fn range_request(config: &Config, back_to: &str, rolled_back: &str) -> GitRequest {
    GitRequest {
        repo: config.root.clone(),
        range: RangeRequest {
            from: Some(back_to.to_string()),
            to: Some(rolled_back.to_string()),
            branch: config.github.branch.clone(),
            production_commit: None,
            github_head: None,
        },
        globs: config.migrations.clone(),
    }
}

impl Driver {
    /// The PRs `done` took out of production, or none with a warning saying why.
    pub(crate) async fn removed_by(&mut self, done: &RolledBack) -> Vec<PullRequestLine> {
        match self.removed_range(done).await {
            Ok(prs) => prs,
            Err(why) => {
                self.reporter.warn(&format!(
                    "cannot tell which pull requests the rollback to v{} removed ({why}); \
                     removed_pull_requests is left empty",
                    done.to_version
                ));
                Vec::new()
            }
        }
    }

    async fn removed_range(&self, done: &RolledBack) -> Result<Vec<PullRequestLine>, String> {
        let rolled_back = self
            .watched_commit
            .clone()
            .or_else(|| self.machine.facts.sha.clone())
            .ok_or_else(|| format!("the commit v{} ran is unknown", done.from_version))?;
        let heroku = &self.services.heroku;
        let target = heroku.release(&self.setup.app, &done.to_release_id).await.map_err(|e| e.to_string())?;
        let back_to = release_commit(heroku, &self.setup.app, &target)
            .await
            .ok_or_else(|| format!("the commit v{} runs is unknown", done.to_version))?;
        let config = self.setup.config.clone();
        // Reading the range is CPU work over the repository: off the async workers.
        let read = tokio::task::spawn_blocking(move || pull_requests_between(&config, &back_to, &rolled_back));
        match read.await {
            Ok(Ok(prs)) => Ok(prs),
            Ok(Err(e)) => Err(format!("the local repository cannot say: {e}")),
            Err(e) => Err(e.to_string()),
        }
    }
}
