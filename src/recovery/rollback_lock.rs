//! A rollback takes the deploy lock the way `deploy` does: it creates its own GitHub deployment
//! (of the target's commit), then lists; the older deployment in progress wins and the other run
//! closes its record and stops (exit 5). Then production must still run what the preview saw:
//! a rollback decided on v7 is not sent once someone else moved production on. Without GitHub
//! (or without the target's commit) the lock is Heroku's own evidence only.
use super::facts::{check_lock, locked};
use crate::api::github::GitHub;
use crate::api::heroku::Heroku;
use crate::deploy::lock_io::{self, Taken};
use crate::deploy::records::set_deployment_status;
use crate::deploy::steps::DeploymentState;
use crate::error::Failure;
use crate::exit::Exit;

/// This run's hold on the deploy lock: its GitHub deployment, once made, until it is closed.
pub struct RollbackLock {
    pub heroku: Heroku,
    pub github: Option<GitHub>,
    pub who: String,
    deployment: Option<u64>,
}

impl RollbackLock {
    pub fn new(heroku: Heroku, github: Option<GitHub>, who: String) -> RollbackLock {
        RollbackLock { heroku, github, who, deployment: None }
    }

    /// Takes the lock and checks production is where the preview left it. `Err` is the refusal;
    /// nothing was sent to Heroku, and this run's own record (if any) is closed.
    pub async fn take(
        &mut self,
        app: &str,
        target_commit: Option<&str>,
        previewed_version: u64,
        warn: &mut impl FnMut(&str),
    ) -> Result<(), Failure> {
        let nothing_sent = "nothing was sent; run `bpdeploy rollback` again once it answers";
        match (&self.github, target_commit) {
            (Some(github), Some(sha)) => match lock_io::take(&self.heroku, github, app, sha, &self.who).await {
                Ok(Taken::Held { deployment_id, stale }) => {
                    self.deployment = deployment_id;
                    for s in &stale {
                        warn(&format!("{}; closing it", s.note(false)));
                        if let Err(e) = lock_io::close_stale(github, s).await {
                            warn(&format!("closing GitHub deployment {} failed: {e}", s.id));
                        }
                    }
                }
                Ok(Taken::Lost { holder, deployment_id }) => {
                    self.deployment = deployment_id;
                    self.close(DeploymentState::Error, "another deploy holds the lock", warn).await;
                    return Err(locked(&holder));
                }
                Err(e) => {
                    let e = anyhow::Error::new(e).context("taking the deploy lock (a GitHub deployment)");
                    return Err(Failure::from_anyhow(&e).with_hint(nothing_sent));
                }
            },
            _ => {
                let refusal = check_lock(&self.heroku, self.github.as_ref(), app).await.map_err(|e| {
                    Failure::from_anyhow(&e.context("checking the deploy lock")).with_hint(nothing_sent)
                })?;
                refusal?;
                if self.github.is_none() {
                    warn("without GitHub there is no deploy lock to take, only Heroku's work in flight to look at");
                }
            }
        }
        let now = match self.heroku.current_release(app).await {
            Ok(now) => now,
            Err(e) => {
                self.close(DeploymentState::Error, "could not read the current release", warn).await;
                let e = anyhow::Error::new(e).context("reading the current release again");
                return Err(Failure::from_anyhow(&e).with_hint(nothing_sent));
            }
        };
        match now.map(|r| r.version) {
            Some(v) if v == previewed_version => Ok(()),
            other => {
                self.close(DeploymentState::Error, "production changed since the preview", warn).await;
                let now = other.map(|v| format!("v{v}")).unwrap_or_else(|| "no release".into());
                Err(Failure::new(
                    Exit::Locked,
                    "production_changed",
                    format!("production changed since the preview: {app} runs {now} now, not v{previewed_version}"),
                )
                .with_hint(
                    "someone else acted first; `bpdeploy rollback --dry-run` shows what a rollback would do now",
                ))
            }
        }
    }

    /// Closes this run's GitHub deployment (a warning when it cannot: it would hold the lock).
    pub async fn close(&mut self, state: DeploymentState, why: &str, warn: &mut impl FnMut(&str)) {
        let (Some(github), Some(id)) = (&self.github, self.deployment.take()) else { return };
        if let Err(e) = set_deployment_status(github, id, state, why).await {
            warn(&format!("closing GitHub deployment {id} failed ({e}): it holds the deploy lock"));
        }
    }
}
