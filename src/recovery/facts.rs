//! The reads both previews share: a release as people need it (its commit, who, how long ago),
//! the PRs and migrations of a range (preflight's own git stage), GitHub's titles for them, the
//! deploy lock, and the durations the estimate learns from.
use super::compat::{self, OldCode, Verdict};
use super::eta::{part_from, span, Part};
use super::report::{ReleaseFacts, StayingMigration};
use crate::api::github::{GitHub, GraphQl};
use crate::api::heroku::{Heroku, Release};
use crate::api::ApiError;
use crate::config::Config;
use crate::deploy::announce::PullRequestLine;
use crate::deploy::lock::{evaluate, LockState};
use crate::deploy::lock_io::{read_evidence, HerokuRecent};
use crate::deploy::preflight_step::{pull_request_lines, release_commit};
use crate::deploy::removed::range_request;
use crate::deploy::steps::LockHolder;
use crate::error::Failure;
use crate::exit::Exit;
use crate::preflight::migrations::{Change, Kind, Migration};
use chrono::{SecondsFormat, Utc};

/// A release with the commit it runs.
pub async fn release_facts(heroku: &Heroku, app: &str, r: &Release) -> ReleaseFacts {
    let hours = (Utc::now() - r.created_at).num_minutes() as f64 / 60.0;
    ReleaseFacts {
        version: r.version,
        id: r.id.clone(),
        status: r.status.clone(),
        description: r.description.clone(),
        commit: release_commit(heroku, app, r).await,
        user: r.user.as_ref().and_then(|u| u.email.clone()),
        created_at: r.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        hours_ago: (hours * 10.0).round() / 10.0,
    }
}

/// What the repository says about `from..to`: the PRs (first parent, offline) and every
/// migration file changed, judged against the code at `from`.
pub struct RangeFacts {
    pub pull_requests: Vec<PullRequestLine>,
    pub migrations: Vec<StayingMigration>,
}

/// Reads the range with preflight's git stage, off the async workers.
pub async fn range_facts(config: &Config, from: &str, to: &str) -> Result<RangeFacts, String> {
    let request = range_request(config, from, to);
    let read = tokio::task::spawn_blocking(move || -> Result<RangeFacts, crate::git::GitError> {
        let report = crate::preflight::offline(&request)?;
        let repo = crate::git::open(&request.repo)?;
        let to = repo.revparse_single(request.range.to.as_deref().unwrap_or_default())?.peel_to_commit()?.id();
        let migrations = report
            .migrations
            .iter()
            .map(|m| {
                let source = crate::git::file_at(&repo, to, &m.path).ok().flatten();
                let source = source.map(|b| String::from_utf8_lossy(&b).into_owned());
                StayingMigration::new(m.clone(), judge(m, source.as_deref()))
            })
            .collect();
        Ok(RangeFacts { pull_requests: pull_request_lines(&report), migrations })
    });
    match read.await {
        Ok(Ok(facts)) => Ok(facts),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(e.to_string()),
    }
}

/// Old code against one migration that ran; a migration that never runs again cannot hurt it.
pub fn judge(m: &Migration, source: Option<&str>) -> OldCode {
    // Preflight did not read it (larger than `[migrations] max_size`, or nested too deeply):
    // neither does recovery, and it says so instead of guessing.
    let unchecked = m.risks.iter().any(|r| r.check == "unchecked") && m.kind == Kind::Schema;
    match (m.change, m.is_new()) {
        (Change::Renamed, false) => OldCode {
            verdict: Verdict::Compatible,
            reason: "renamed without a new version: it did not run again".into(),
        },
        (Change::Added | Change::Renamed, _) if unchecked => OldCode {
            verdict: Verdict::Unknown,
            reason:
                "too large or too deeply nested for bpdeploy to read (its lint finding says which): read it by hand"
                    .into(),
        },
        _ => compat::judge(m.kind, m.change, source),
    }
}

/// GitHub's titles, authors and links for PRs read from commit messages. A failure leaves the
/// messages' titles and says so.
pub async fn enrich(graphql: &GraphQl, owner: &str, name: &str, prs: &mut [PullRequestLine]) -> Result<(), ApiError> {
    let numbers: Vec<u64> = prs.iter().map(|p| p.number).collect();
    if numbers.is_empty() {
        return Ok(());
    }
    let found = graphql.pulls(owner, name, &numbers).await?.found;
    for pr in prs.iter_mut() {
        if let Some(g) = found.get(&pr.number) {
            pr.title = g.title.clone();
            pr.author = g.author.as_ref().map(|a| a.login.clone()).or(pr.author.take());
            pr.url = Some(g.url.clone());
        }
    }
    Ok(())
}

/// The deploy lock, as `deploy` reads it: a pending build or release, or a young bpdeploy
/// deployment in progress. `Err` is the refusal (exit 5).
pub async fn check_lock(heroku: &Heroku, github: Option<&GitHub>, app: &str) -> anyhow::Result<Result<(), Failure>> {
    let recent = HerokuRecent::read(heroku, app).await?;
    let evidence = read_evidence(&recent, github, app).await?;
    Ok(match evaluate(&evidence, Utc::now(), None) {
        LockState::Free { .. } => Ok(()),
        LockState::Held(holder) => Err(locked(&holder)),
    })
}

/// The refusal when someone else holds the deploy lock (exit 5), naming who and since when.
pub fn locked(holder: &LockHolder) -> Failure {
    Failure::new(Exit::Locked, "locked", format!("another deploy is in progress: {}", holder.describe()))
        .with_hint("wait for it to finish (`bpdeploy releases`), then run this again")
}

/// The release phase of a release, as long as it took when it ran.
pub fn release_phase_part(r: &Release) -> Part {
    match span(Some(r.created_at), r.updated_at) {
        Some(secs) => Part { what: "release_phase", secs: Some(secs), from: format!("v{}'s release phase", r.version) },
        None => Part {
            what: "release_phase",
            secs: None,
            from: format!("unknown: Heroku does not say how long v{} took", r.version),
        },
    }
}

/// The app's recent successful builds, for the build part of an estimate.
pub async fn build_part(heroku: &Heroku, app: &str) -> Result<Part, ApiError> {
    let builds = heroku.builds(app, 20).await?;
    let durations =
        builds.iter().filter(|b| b.status == "succeeded").filter_map(|b| span(Some(b.created_at), b.updated_at));
    Ok(part_from("build", durations.collect(), "builds"))
}
