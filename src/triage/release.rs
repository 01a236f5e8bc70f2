//! Which release is triaged and which issues: the current Heroku release (or `--release vN`),
//! the commit it runs, its name in Sentry, when it went live, the code release before it; and,
//! without ISSUE arguments, every unresolved issue Sentry first saw in it, most events first.
use super::evidence::TriagedRelease;
use crate::api::heroku::{Heroku, Release};
use crate::api::sentry::IssueRef;
use crate::api::sentry::{IssueQuery, Sentry};
use crate::config::Config;
use crate::deploy::preflight_step::release_commit;
use crate::deploy::rollback::{previous_code_release, ReleaseSummary};
use crate::error::Failure;
use crate::exit::Exit;
use crate::recovery::rollback::named_release;
use crate::recovery::rollback_target::Requested;
use anyhow::Context as _;

/// Releases read to find the one asked for and the code release before it.
const RECENT: usize = 50;

/// New issues triaged at most when none is named: the rest are listed in a warning.
pub const MAX_NEW_ISSUES: usize = 10;

pub async fn triaged(heroku: &Heroku, config: &Config, app: &str, asked: &Requested) -> anyhow::Result<TriagedRelease> {
    let mut releases = heroku.releases(app, RECENT).await.with_context(|| format!("reading the releases of {app}"))?;
    let chosen = match asked {
        Requested::Default => releases.iter().find(|r| r.current).cloned(),
        // Older than the recent ones: asked for by name (the previous code release may be missing).
        named => named_release(heroku, app, &mut releases, named).await?,
    };
    let Some(release) = chosen else {
        let f = match asked {
            Requested::Version(_) | Requested::Id(_) => {
                Failure::new(Exit::Failure, "release_not_found", format!("{app} has no release {}", asked.name()))
                    .with_hint("`bpdeploy releases -n 50` lists them")
            }
            Requested::Default => {
                Failure::new(Exit::Failure, "no_release", format!("{app} has no current release: nothing to triage"))
            }
        };
        return Err(f.into());
    };
    let commit = release_commit(heroku, app, &release).await.ok_or_else(|| {
        Failure::new(
            Exit::Failure,
            "release_not_found",
            format!("Heroku records no commit for v{} (no slug commit, no \"Deploy <sha>\")", release.version),
        )
        .with_hint("triage a release bpdeploy or a git push deployed: `bpdeploy releases` shows their commits")
    })?;
    let summaries: Vec<ReleaseSummary> = releases.iter().map(ReleaseSummary::from).collect();
    let previous = match previous_code_release(&summaries, &ReleaseSummary::from(&release)) {
        Some(p) => {
            let full = releases.iter().find(|r| r.id == p.id).cloned().expect("a summary of one of them");
            Some((p.version, release_commit(heroku, app, &full).await))
        }
        None => None,
    };
    let replaced = replaced_by(&releases, &release);
    Ok(TriagedRelease {
        version: release.version,
        name: config.release_name(&commit),
        commit,
        created_at: Some(release.created_at),
        // A release serves traffic once its release phase is over.
        live_at: (release.status == "succeeded").then(|| release.updated_at.unwrap_or(release.created_at)),
        replaced,
        previous,
    })
}

/// The first newer release that succeeded with another slug (a deploy of other code, a
/// rollback), and when it went live. Unknown slugs (Fir apps) say nothing.
fn replaced_by(releases: &[Release], triaged: &Release) -> Option<(u64, chrono::DateTime<chrono::Utc>)> {
    let slug = triaged.slug.as_ref().map(|s| s.id.as_str())?;
    releases
        .iter()
        .filter(|r| r.version > triaged.version && r.status == "succeeded")
        .filter(|r| r.slug.as_ref().is_some_and(|s| s.id != slug))
        .min_by_key(|r| r.version)
        .map(|r| (r.version, r.updated_at.unwrap_or(r.created_at)))
}

/// The issue ids to triage: the ones named (short ids resolved through Sentry), else the
/// release's new issues, most events first. The second value names the new issues left out.
pub async fn issue_ids(
    sentry: &Sentry,
    config: &Config,
    release: &TriagedRelease,
    named: &[IssueRef],
) -> anyhow::Result<(Vec<String>, Vec<String>)> {
    if !named.is_empty() {
        let mut ids = Vec::new();
        for issue in named {
            let id = match issue {
                IssueRef::Id(id) => id.clone(),
                IssueRef::ShortId(short) => match sentry.resolve_short_id(short).await {
                    Ok(found) => found.group_id,
                    Err(e) if e.is_not_found() => return Err(issue.not_found().into()),
                    Err(e) => {
                        return Err(anyhow::Error::new(e).context(format!("resolving the Sentry short id {short}")))
                    }
                },
            };
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        return Ok((ids, Vec::new()));
    }
    let (_, project) = config.require_sentry()?;
    let query = IssueQuery {
        query: format!("is:unresolved firstRelease:\"{}\"", release.name),
        stats_period: Some("14d".into()),
        sort: Some("freq".into()),
        environment: Some(config.sentry.environment.clone()),
        projects: vec![project.to_string()],
        limit: Some(100),
        max: Some(100),
    };
    let issues = sentry.issues(&query).await.context("listing the release's new Sentry issues")?;
    let mut sorted = issues;
    sorted.sort_by_key(|i| std::cmp::Reverse(i.count));
    let left: Vec<String> = sorted.iter().skip(MAX_NEW_ISSUES).map(|i| i.short_id.clone()).collect();
    Ok((sorted.into_iter().take(MAX_NEW_ISSUES).map(|i| i.id).collect(), left))
}
