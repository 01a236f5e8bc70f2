//! The end of a run: the Sentry deploy marker, the automatic rollback (held back by a dry run),
//! and the read-back that gives the final account: what Heroku says production serves and where
//! this run's build and release are, never inferred from the last thing seen.
use crate::api::heroku::{Build, Release};
use crate::deploy::account::{Account, BuildAccount, DeploymentAccount, ReleaseAccount, WorkStatus};
use crate::deploy::driver::Driver;
use crate::deploy::events::DeployEvent;
use crate::deploy::machine::Event;
use crate::deploy::records::{self, not_recorded};
use crate::deploy::rollback::{roll_back, rollback_target};

impl Driver {
    pub(crate) async fn mark_live(&mut self, version: u64) -> Event {
        self.reporter.event(DeployEvent::Live { version });
        if let (Some(sentry), Some(sha)) = (&self.services.sentry, &self.machine.facts.sha) {
            let name = self.setup.config.release_name(sha);
            let env = &self.setup.config.sentry.environment;
            if let Err(e) = records::mark_sentry_deploy(sentry, &name, env, &format!("v{version}")).await {
                self.reporter.warn(&not_recorded("Sentry deploy marker", &e));
            }
        }
        Event::LiveMarked
    }

    pub(crate) async fn roll_back(&mut self, bad_version: u64) -> Event {
        let heroku = self.services.heroku.clone();
        let app = self.setup.app.clone();
        if !self.services.transport.gate().is_open() {
            // A dry run says what the rollback would do, and sends nothing.
            return match rollback_target(&heroku, &app, bad_version).await {
                Ok(target) => Event::RollbackHeld { to_version: target.version },
                Err(e) => Event::RollbackFailed(e.to_string()),
            };
        }
        match roll_back(&heroku, &app, bad_version, self.setup.poll).await {
            Ok(done) => {
                self.reporter.event(DeployEvent::Rollback {
                    from_version: done.from_version,
                    to_version: done.to_version,
                    new_version: Some(done.new_version),
                    reconciled: done.reconciled,
                });
                self.stage.rolled_back_to = Some(done.to_version);
                if self.preflight.is_none() {
                    self.removed_pull_requests = Some(self.removed_by(&done).await);
                }
                let version = done.new_version;
                self.rollback = Some(done);
                Event::RolledBack { version }
            }
            Err(e) => Event::RollbackFailed(e.to_string()),
        }
    }

    /// What Heroku says now. Every read that fails leaves its part `unknown`.
    pub(crate) async fn read_back(&mut self) -> Account {
        let heroku = self.services.heroku.clone();
        let app = self.setup.app.clone();
        let releases = heroku.releases(&app, 10).await.ok();
        let current_release = releases.as_ref().and_then(|rs| rs.iter().find(|r| r.current)).map(|r| r.version);
        let facts = self.machine.facts.clone();
        let mut build_release = None;
        let build = match (&facts.build, facts.build_posts) {
            (Some(b), _) => {
                let read = heroku.build(&app, &b.id).await.ok();
                build_release = read.as_ref().and_then(|b| b.release.as_ref()).map(|r| r.id.clone());
                let status = read.map_or(WorkStatus::Unknown, |b| WorkStatus::from_heroku(&b.status));
                Some(BuildAccount { id: Some(b.id.clone()), status })
            }
            // The POST got no answer: one more look for the build it may have made. Not seeing
            // it settles nothing while the read-back window is still open (a Ctrl-C in it).
            (None, 1..) => match heroku.builds(&app, 20).await {
                Ok(builds) => match self.ours(&builds) {
                    Some(b) => {
                        build_release = b.release.as_ref().map(|r| r.id.clone());
                        Some(BuildAccount { id: Some(b.id.clone()), status: WorkStatus::from_heroku(&b.status) })
                    }
                    None => facts.build_post_open.then_some(BuildAccount { id: None, status: WorkStatus::Unknown }),
                },
                Err(_) => Some(BuildAccount { id: None, status: WorkStatus::Unknown }),
            },
            (None, 0) => None,
        };
        let release_id = facts.release.as_ref().map(|r| r.id.clone()).or(build_release);
        let release = match release_id {
            Some(id) => {
                // The release itself, else its line in the list read above.
                let listed = || releases.as_ref().and_then(|rs| rs.iter().find(|r| r.id == id).cloned());
                let read = heroku.release(&app, &id).await.ok().or_else(listed);
                let version = read.as_ref().map(|r| r.version).or(facts.release.as_ref().map(|r| r.version));
                let status = read.map_or(WorkStatus::Unknown, |r| WorkStatus::from_heroku(&r.status));
                Some(ReleaseAccount { version, status })
            }
            None => {
                // Linked to no release yet, or the build unreadable: the release deploying this
                // sha since the deploy began. A succeeded build without one has an unknown release.
                let found = releases.as_deref().and_then(|rs| self.deploying_our_sha(rs));
                let found = found
                    .map(|r| ReleaseAccount { version: Some(r.version), status: WorkStatus::from_heroku(&r.status) });
                let succeeded = build.as_ref().is_some_and(|b| b.status == WorkStatus::Succeeded);
                found.or(succeeded.then_some(ReleaseAccount { version: None, status: WorkStatus::Unknown }))
            }
        };
        let watch_only = facts.build_posts == 0 && facts.build.is_none();
        Account { current_release, build, release, watch_only, ..Account::default() }
    }

    /// The records, as they stand once every effect ran: the GitHub deployment's latest status
    /// read back, and what bpdeploy knows of its Slack message.
    pub(crate) async fn settle_records(&mut self) {
        let deployment = match (&self.services.github, self.machine.facts.deployment_id) {
            (Some(github), Some(id)) => {
                let state = match github.deployment_statuses(id).await {
                    Ok(statuses) => statuses.first().map_or("none".to_string(), |s| s.state.clone()),
                    Err(_) => "unknown".to_string(),
                };
                Some(DeploymentAccount { id, state })
            }
            _ => None,
        };
        let slack = self.services.announcer.as_ref().map(|a| a.state);
        if let Some(account) = self.machine.facts.account.as_mut() {
            account.deployment = deployment;
            account.slack = slack;
        }
    }

    /// The build this run's unanswered POST made, if Heroku lists one.
    fn ours<'a>(&self, builds: &'a [Build]) -> Option<&'a Build> {
        let sha = self.machine.facts.sha.as_deref()?;
        builds.iter().find(|b| b.source_blob.version.as_deref() == Some(sha) && !self.known_builds.contains(&b.id))
    }

    fn deploying_our_sha<'a>(&self, releases: &'a [Release]) -> Option<&'a Release> {
        let sha = self.machine.facts.sha.as_deref()?;
        let after = self.previous.as_ref().map_or(0, |p| p.version);
        releases.iter().filter(|r| r.version > after).find(|r| r.described_commit().is_some_and(|c| sha.starts_with(c)))
    }
}
