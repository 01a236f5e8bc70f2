//! Reading the lock's evidence from Heroku and GitHub, taking the lock (create this run's GitHub
//! deployment, then list), closing stale records, and finding the deployment a resume command
//! takes over. The decisions are [`crate::deploy::lock`]'s; this file only asks and writes.
use crate::api::github::{Deployment, GitHub};
use crate::api::heroku::{Build, Heroku, Release};
use crate::api::ApiError;
use crate::deploy::lock::{evaluate, DeploymentRecord, DeploymentWork, LockEvidence, LockState, PendingWork};
use crate::deploy::lock::{StaleLock, STALE_AFTER, UNCLAIMED_STALE_AFTER};
use crate::deploy::records::{self, DEPLOYMENT_DESCRIPTION};
use crate::deploy::steps::LockHolder;
use chrono::{DateTime, Utc};

/// How many recent deployments of the environment the lock looks at.
const RECENT_DEPLOYMENTS: usize = 10;

/// What Heroku runs or ran recently: the newest builds and releases.
pub struct HerokuRecent {
    pub builds: Vec<Build>,
    pub releases: Vec<Release>,
}

impl HerokuRecent {
    pub async fn read(heroku: &Heroku, app: &str) -> Result<HerokuRecent, ApiError> {
        Ok(HerokuRecent { builds: heroku.builds(app, 20).await?, releases: heroku.releases(app, 10).await? })
    }

    /// The Heroku work of a deployment: the build that names it (bpdeploy writes the deployment
    /// into the build's `version_description`), and that build's release. Matching by sha alone
    /// would take an earlier deploy of the same commit for this one's work.
    fn work_of(&self, d: &Deployment) -> DeploymentWork {
        let tag = deployment_tag(d.id);
        let build =
            self.builds.iter().find(|b| b.source_blob.version_description.as_deref().is_some_and(|v| v.contains(&tag)));
        let Some(build) = build else { return DeploymentWork::NotStarted };
        match build.status.as_str() {
            "pending" => DeploymentWork::Running,
            "failed" => DeploymentWork::Finished { succeeded: false },
            _ => {
                let release = build.release.as_ref().and_then(|r| self.releases.iter().find(|x| x.id == r.id));
                match release.map(|r| r.status.as_str()) {
                    Some("succeeded") => DeploymentWork::Finished { succeeded: true },
                    Some("failed" | "expired") => DeploymentWork::Finished { succeeded: false },
                    _ => DeploymentWork::Running,
                }
            }
        }
    }
}

/// How a build names the GitHub deployment it belongs to, in its `version_description`.
pub fn deployment_tag(id: u64) -> String {
    format!("(GitHub deployment {id})")
}

fn pending<'a>(items: impl Iterator<Item = (&'a str, Option<String>, DateTime<Utc>)>) -> Vec<PendingWork> {
    items.filter(|(status, _, _)| *status == "pending").map(|(_, who, since)| PendingWork { who, since }).collect()
}

/// Reads what is in flight on the app and in GitHub's deployments of its environment.
pub async fn read_evidence(
    heroku: &HerokuRecent,
    github: Option<&GitHub>,
    app: &str,
) -> Result<LockEvidence, ApiError> {
    let builds =
        heroku.builds.iter().map(|b| (b.status.as_str(), b.user.as_ref().and_then(|u| u.email.clone()), b.created_at));
    let releases = heroku
        .releases
        .iter()
        .map(|r| (r.status.as_str(), r.user.as_ref().and_then(|u| u.email.clone()), r.created_at));
    let mut deployments = vec![];
    let mut unclaimed_after = UNCLAIMED_STALE_AFTER;
    if let Some(github) = github {
        unclaimed_after = unclaimed_after.max(github.http().settings().timeout * 4);
        let now = Utc::now();
        for d in github.deployments(None, Some(app)).await?.into_iter().take(RECENT_DEPLOYMENTS) {
            let by_bpdeploy = d.description.as_deref().is_some_and(|t| t.starts_with(DEPLOYMENT_DESCRIPTION));
            // Statuses cost a request each: only deployments that could still hold the lock.
            let young = (now - d.created_at).to_std().map(|age| age < STALE_AFTER * 2).unwrap_or(true);
            let state = match by_bpdeploy && young {
                true => github.deployment_statuses(d.id).await?.into_iter().next().map(|s| s.state),
                false => Some("unknown".into()),
            };
            deployments.push(DeploymentRecord {
                id: d.id,
                creator: d.creator.as_ref().map(|u| u.login.clone()),
                created_at: d.created_at,
                state,
                by_bpdeploy,
                work: heroku.work_of(&d),
            });
        }
    }
    Ok(LockEvidence {
        pending_builds: pending(builds),
        pending_releases: pending(releases),
        deployments,
        unclaimed_after,
    })
}

/// The outcome of taking the lock. Either way `deployment_id` is this run's record (None: GitHub
/// made none); when the lock is lost the caller closes it, unless it steals the lock.
pub enum Taken {
    Held { deployment_id: Option<u64>, stale: Vec<StaleLock> },
    Lost { holder: LockHolder, deployment_id: Option<u64> },
}

/// Creates this run's deployment, then reads the evidence again: an older deployment in
/// progress, or pending work on Heroku, means someone else holds the lock.
pub async fn take(heroku: &Heroku, github: &GitHub, app: &str, sha: &str, who: &str) -> Result<Taken, ApiError> {
    let own = records::start_deployment(github, sha, app, who).await?;
    let recent = HerokuRecent::read(heroku, app).await?;
    let evidence = read_evidence(&recent, Some(github), app).await?;
    Ok(match evaluate(&evidence, Utc::now(), own) {
        LockState::Free { stale } => Taken::Held { deployment_id: own, stale },
        LockState::Held(holder) => Taken::Lost { holder, deployment_id: own },
    })
}

/// Closes a stale deployment with the state its Heroku work ended in.
pub async fn close_stale(github: &GitHub, stale: &StaleLock) -> Result<(), ApiError> {
    records::set_deployment_status(github, stale.id, stale.close_as, "closed by a later bpdeploy: stale lock").await
}

/// The bpdeploy deployment of `sha` still in progress, which `watch --build`/`--release` (the
/// commands that resume an interrupted deploy) take over and finish.
pub async fn deployment_to_take_over(github: &GitHub, app: &str, sha: &str) -> Result<Option<u64>, ApiError> {
    for d in github.deployments(Some(sha), Some(app)).await?.into_iter().take(RECENT_DEPLOYMENTS) {
        if !d.description.as_deref().is_some_and(|t| t.starts_with(DEPLOYMENT_DESCRIPTION)) {
            continue;
        }
        let state = github.deployment_statuses(d.id).await?.into_iter().next().map(|s| s.state);
        if matches!(state.as_deref(), None | Some("in_progress" | "queued" | "pending")) {
            return Ok(Some(d.id));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn build(id: &str, status: &str, description: &str, release: Option<&str>) -> Build {
        serde_json::from_value(json!({
            "id": id, "status": status, "created_at": "2025-01-01T10:00:00Z",
            "source_blob": {"url": null, "version": "abc", "version_description": description},
            "release": release.map(|r| json!({"id": r})),
        }))
        .unwrap()
    }

    fn release(id: &str, status: &str) -> Release {
        serde_json::from_value(json!({"id": id, "version": 7, "status": status, "created_at": "2025-01-01T10:01:00Z"}))
            .unwrap()
    }

    /// Found while racing twenty deploys of the same commit: an earlier deploy's finished build
    /// of the same sha made a live deploy's lock look stale. The build names its deployment.
    #[test]
    fn a_deployments_work_is_the_build_that_names_it_not_any_build_of_its_sha() {
        let deployment = |id: u64| -> Deployment {
            serde_json::from_value(json!({"id": id, "sha": "abc", "ref": "abc", "environment": "shop",
                "created_at": "2025-01-01T10:00:30Z"}))
            .unwrap()
        };
        let recent = HerokuRecent {
            builds: vec![
                build("b2", "pending", &format!("bpdeploy: master by bob {}", deployment_tag(12)), None),
                build("b1", "succeeded", &format!("bpdeploy: master by alice {}", deployment_tag(11)), Some("r7")),
            ],
            releases: vec![release("r7", "succeeded")],
        };
        assert_eq!(recent.work_of(&deployment(11)), DeploymentWork::Finished { succeeded: true });
        assert_eq!(recent.work_of(&deployment(12)), DeploymentWork::Running);
        assert_eq!(recent.work_of(&deployment(13)), DeploymentWork::NotStarted, "same sha, no build of its own");
        assert_eq!(recent.work_of(&deployment(1)), DeploymentWork::NotStarted, "1 is not a prefix match of 11 or 12");
    }
}
