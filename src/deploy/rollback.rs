//! Rolling back: which release to go back to, and how to tell whether a rollback POST that got no
//! answer happened. Shared by `deploy --watch`'s auto-rollback, `watch --auto-rollback` and
//! `bpdeploy rollback`. A rollback is one POST, never sent twice: a double rollback lands on the
//! wrong release.
use crate::api::heroku::{Heroku, Release};
use crate::api::ApiError;
use crate::deploy::follow::{ReadBack, READ_BACK_POLLS};
use std::time::Duration;

/// The facts of a Heroku release this module needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseSummary {
    pub id: String,
    pub version: u64,
    pub status: String,
    pub current: bool,
    pub eligible_for_rollback: bool,
    pub description: String,
    pub slug_id: Option<String>,
}

/// The newest earlier release that ran different code from `bad`: going back to a config change
/// made on top of the bad code would change nothing. Falls back to the description when slugs
/// are unknown (Fir apps have none).
pub fn previous_code_release<'a>(releases: &'a [ReleaseSummary], bad: &ReleaseSummary) -> Option<&'a ReleaseSummary> {
    let mut candidates: Vec<&ReleaseSummary> = releases
        .iter()
        .filter(|r| r.version < bad.version && r.status == "succeeded" && r.eligible_for_rollback)
        .collect();
    candidates.sort_by_key(|r| std::cmp::Reverse(r.version));
    candidates.into_iter().find(|r| match (&r.slug_id, &bad.slug_id) {
        (Some(a), Some(b)) => a != b,
        _ => is_code_release(&r.description),
    })
}

fn is_code_release(description: &str) -> bool {
    description.starts_with("Deploy ") || description.starts_with("Rollback to ")
}

/// The description Heroku gives the release a rollback creates.
pub fn rollback_description(target_version: u64) -> String {
    format!("Rollback to v{target_version}")
}

/// After an unanswered rollback POST: the release it would have created, if it exists.
pub fn find_rollback(releases: &[ReleaseSummary], newer_than: u64, target_version: u64) -> Option<&ReleaseSummary> {
    let wanted = rollback_description(target_version);
    releases.iter().filter(|r| r.version > newer_than && r.description == wanted).min_by_key(|r| r.version)
}

impl From<&Release> for ReleaseSummary {
    fn from(r: &Release) -> Self {
        ReleaseSummary {
            id: r.id.clone(),
            version: r.version,
            status: r.status.clone(),
            current: r.current,
            eligible_for_rollback: r.eligible_for_rollback,
            description: r.description.clone(),
            slug_id: r.slug.as_ref().map(|s| s.id.clone()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolledBack {
    pub from_version: u64,
    pub to_version: u64,
    pub new_version: u64,
    /// Heroku's id of the release rolled back to (`to_version`), to find the commit it runs.
    pub to_release_id: String,
    /// The POST got no answer and the rollback release was found afterwards.
    pub reconciled: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum RollbackError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("release v{0} is not among the app's recent releases")]
    UnknownRelease(u64),
    #[error("no earlier release with different code to roll back to from v{0}")]
    NoTarget(u64),
    #[error("the rollback request got no answer and no \"Rollback to v{0}\" release appeared while reading the releases back; it was not sent again: check `bpdeploy releases` before trying again")]
    Unconfirmed(u64),
    #[error("the rollback release v{0} {1}")]
    ReleaseFailed(u64, String),
}

/// The release a rollback of `bad_version` goes back to: the previous code release.
pub async fn rollback_target(heroku: &Heroku, app: &str, bad_version: u64) -> Result<ReleaseSummary, RollbackError> {
    Ok(plan(heroku, app, bad_version).await?.0)
}

/// The target and the newest version now (a rollback release will be newer).
async fn plan(heroku: &Heroku, app: &str, bad_version: u64) -> Result<(ReleaseSummary, u64), RollbackError> {
    let releases: Vec<ReleaseSummary> = heroku.releases(app, 25).await?.iter().map(ReleaseSummary::from).collect();
    let bad = releases.iter().find(|r| r.version == bad_version).ok_or(RollbackError::UnknownRelease(bad_version))?;
    let target = previous_code_release(&releases, bad).ok_or(RollbackError::NoTarget(bad_version))?.clone();
    let newest = releases.iter().map(|r| r.version).max().unwrap_or(bad_version);
    Ok((target, newest))
}

/// Rolls `bad_version` back to the previous code release: one POST, never sent again. When it
/// gets no answer the releases are read back over a safe window for the "Rollback to vN" it
/// would have made. Then waits for the new release to finish its release phase, polling every
/// `poll`, so that the caller can say what production serves.
pub async fn roll_back(
    heroku: &Heroku,
    app: &str,
    bad_version: u64,
    poll: Duration,
) -> Result<RolledBack, RollbackError> {
    let (target, newest) = plan(heroku, app, bad_version).await?;
    let (created, reconciled) = send_rollback(heroku, app, &target, newest, poll).await?;
    let status = settle(heroku, app, &created, poll).await?;
    if status != "succeeded" {
        return Err(RollbackError::ReleaseFailed(created.version, status));
    }
    Ok(RolledBack {
        from_version: bad_version,
        to_version: target.version,
        new_version: created.version,
        to_release_id: target.id,
        reconciled,
    })
}

/// The rollback POST to `target`, sent once, never again. When it gets no answer the releases
/// newer than `newest` are read back over a safe window for the "Rollback to vN" it would have
/// made; `true` says the release was found that way.
pub async fn send_rollback(
    heroku: &Heroku,
    app: &str,
    target: &ReleaseSummary,
    newest: u64,
    poll: Duration,
) -> Result<(Release, bool), RollbackError> {
    match heroku.rollback(app, &target.id).await {
        Ok(r) => Ok((r, false)),
        Err(ApiError::Ambiguous { .. }) => {
            Ok((find_after_lost_answer(heroku, app, newest, target.version, poll).await?, true))
        }
        Err(e) => Err(e.into()),
    }
}

/// Waits for a release's release phase to end (polling every `poll`); its final status. A read
/// that fails is tried again at the next poll, up to the deploy's limit of failed polls.
pub async fn settle(heroku: &Heroku, app: &str, release: &Release, poll: Duration) -> Result<String, ApiError> {
    let mut status = release.status.clone();
    let mut failures = 0;
    while status == "pending" {
        tokio::time::sleep(poll).await;
        match heroku.release(app, &release.id).await {
            Ok(r) => (status, failures) = (r.status, 0),
            Err(e) if failures + 1 < crate::deploy::follow::MAX_FAILED_POLLS => {
                failures += 1;
                tracing::info!("reading the rollback release failed ({e}); trying again");
            }
            Err(e) => return Err(e),
        }
    }
    Ok(status)
}

async fn find_after_lost_answer(
    heroku: &Heroku,
    app: &str,
    newest: u64,
    target: u64,
    poll: Duration,
) -> Result<Release, RollbackError> {
    let window = (heroku.http().settings().timeout * 2).max(poll * READ_BACK_POLLS);
    let mut read_back = ReadBack::new(window);
    loop {
        let after: Vec<Release> = heroku.releases(app, 10).await?;
        let summaries: Vec<ReleaseSummary> = after.iter().map(ReleaseSummary::from).collect();
        if let Some(found) = find_rollback(&summaries, newest, target) {
            let id = found.id.clone();
            return after.into_iter().find(|r| r.id == id).ok_or(RollbackError::Unconfirmed(target));
        }
        if read_back.missed() {
            return Err(RollbackError::Unconfirmed(target));
        }
        tokio::time::sleep(poll).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(version: u64, description: &str, slug: Option<&str>) -> ReleaseSummary {
        ReleaseSummary {
            id: format!("r{version}"),
            version,
            status: "succeeded".into(),
            current: false,
            eligible_for_rollback: true,
            description: description.into(),
            slug_id: slug.map(str::to_string),
        }
    }

    #[test]
    fn skips_config_changes_on_top_of_the_bad_code() {
        let releases = vec![
            release(44, "Set FLAG config vars", Some("s3")),
            release(43, "Deploy abc1234", Some("s3")),
            release(42, "Set FOO config vars", Some("s2")),
            release(41, "Deploy 0def999", Some("s2")),
        ];
        let bad = releases[0].clone();
        assert_eq!(previous_code_release(&releases, &bad).map(|r| r.version), Some(42));
    }

    #[test]
    fn without_slugs_the_description_decides_and_failed_releases_are_skipped() {
        let mut failed = release(42, "Deploy 1111111", None);
        failed.status = "failed".into();
        let releases = vec![
            release(44, "Deploy abc1234", None),
            release(43, "Set FOO config vars", None),
            failed,
            release(41, "Rollback to v39", None),
        ];
        let bad = releases[0].clone();
        assert_eq!(previous_code_release(&releases, &bad).map(|r| r.version), Some(41));
        assert_eq!(previous_code_release(&releases[3..], &releases[3]), None);
    }

    #[test]
    fn finds_the_release_an_unanswered_rollback_made() {
        let releases = vec![
            release(46, "Set X config vars", None),
            release(45, "Rollback to v41", None),
            release(44, "Deploy a", None),
        ];
        assert_eq!(find_rollback(&releases, 44, 41).map(|r| r.version), Some(45));
        assert_eq!(find_rollback(&releases, 45, 41), None);
        assert_eq!(find_rollback(&releases, 44, 40), None);
    }
}
