//! The deploy's first step: what preflight says about the range. This is the one place that
//! knows the preflight library, so it can be swapped as that library grows.
use crate::api::heroku::{Heroku, Release};
use crate::deploy::announce::PullRequestLine;
use crate::deploy::migrations::ExpectedMigration;
use crate::deploy::steps::PreflightLevel;

/// What the deploy needs from preflight.
#[derive(Debug, Clone)]
pub struct PreflightFacts {
    pub level: PreflightLevel,
    pub reasons: Vec<String>,
    pub pull_requests: Vec<PullRequestLine>,
    /// In the order the release command runs them.
    pub migrations: Vec<ExpectedMigration>,
    /// The release production serves now, and its commit.
    pub production: Option<Release>,
    pub production_sha: Option<String>,
}

/// Until the preflight library is in this build, the step reads only what production runs now
/// and lets the deploy go on; the lock check still refuses a concurrent deploy.
pub async fn run(heroku: &Heroku, app: &str) -> anyhow::Result<PreflightFacts> {
    let production = heroku.current_release(app).await?;
    let mut production_sha = production.as_ref().and_then(|r| r.described_commit().map(str::to_string));
    if let Some(slug) = production.as_ref().and_then(|r| r.slug.as_ref()) {
        if let Ok(s) = heroku.slug(app, &slug.id).await {
            production_sha = s.commit.or(production_sha);
        }
    }
    Ok(PreflightFacts {
        level: PreflightLevel::Go,
        reasons: vec![],
        pull_requests: vec![],
        migrations: vec![],
        production,
        production_sha,
    })
}
