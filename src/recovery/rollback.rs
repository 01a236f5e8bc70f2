//! `bpdeploy rollback`'s preview: the target and the current release, the PRs that leave
//! production, the migrations that stay (and whether the target's code can live with them),
//! the config keys that change with it, the time to recovery, and the refusals. Reads only.
use super::eta::Estimate;
use super::facts::{check_lock, enrich, range_facts, release_facts, release_phase_part};
use super::report::{Report, Target};
use super::rollback_target::{choose, Requested};
use crate::api::github::{GitHub, GraphQl};
use crate::api::heroku::{Heroku, Release};
use crate::api::ApiError;
use crate::config::Config;
use crate::deploy::rollback::ReleaseSummary;
use crate::next_step::NextStep;
use anyhow::Context as _;

/// The services a rollback talks to; only Heroku is required.
pub struct Services {
    pub heroku: Heroku,
    pub github: Option<GitHub>,
    pub graphql: Option<GraphQl>,
}

/// The preview, and what the rollback itself needs from it.
pub struct Plan {
    pub report: Report,
    pub target: Option<ReleaseSummary>,
    pub current: Option<Release>,
    /// The newest release version seen: a rollback release will be newer.
    pub newest: u64,
}

/// Releases read for the default choice: Heroku's CLI looks at the last 10; a few more let a
/// run of config changes be passed over.
const RECENT: usize = 25;

pub async fn preview(services: &Services, config: &Config, app: &str, requested: &Requested) -> anyhow::Result<Plan> {
    let heroku = &services.heroku;
    let mut releases = heroku.releases(app, RECENT).await.with_context(|| format!("reading the releases of {app}"))?;
    named_release(heroku, app, &mut releases, requested).await?;
    let mut report = Report::new("rollback", app);
    let newest = releases.iter().map(|r| r.version).max().unwrap_or(0);
    let current = releases.iter().find(|r| r.current).cloned();
    let Some(current) = current else {
        anyhow::bail!("{app} has no current release: there is nothing to roll back");
    };
    report.current = Some(release_facts(heroku, app, &current).await);
    let summaries: Vec<ReleaseSummary> = releases.iter().map(ReleaseSummary::from).collect();
    let choice = match choose(&summaries, &ReleaseSummary::from(&current), requested) {
        Ok(c) => c,
        Err(refusal) => {
            report.refuse(refusal);
            return Ok(Plan { report, target: None, current: Some(current), newest });
        }
    };
    let target = releases.iter().find(|r| r.id == choice.target.id).cloned().expect("chosen among them");
    let target_facts = release_facts(heroku, app, &target).await;
    report.skipped = choice.skipped;
    report.estimated_recovery_secs = Estimate::new(vec![release_phase_part(&target)]);
    let current_commit = report.current.as_ref().and_then(|c| c.commit.clone());
    match (&target_facts.commit, &current_commit) {
        (Some(from), Some(to)) if from != to && rolls_forward(config, from, to).await => {
            brings_back(services, config, &mut report, (target.version, from), (current.version, to)).await
        }
        (Some(from), Some(to)) => match range_facts(config, from, to).await {
            Ok(mut facts) => {
                if let (Some(graphql), Ok((owner, name))) = (&services.graphql, config.require_repo()) {
                    if let Err(e) = enrich(graphql, owner, name, &mut facts.pull_requests).await {
                        report.warn("github_unavailable", format!("PR titles come from the merge commits: {e}"));
                    }
                }
                report.removed_pull_requests = Some(facts.pull_requests);
                report.migrations = facts.migrations;
            }
            Err(why) => report.warn(
                "range_unknown",
                format!("cannot tell which pull requests and migrations leave production: the local repository cannot say ({why}); run `git fetch origin` and look again"),
            ),
        },
        _ => report.warn(
            "range_unknown",
            format!("cannot tell which commits v{} and v{} run (no slug commit or \"Deploy <sha>\" description): the PRs that leave production are unknown", target.version, current.version),
        ),
    }
    report.target = Some(Target::Release(target_facts));
    match tokio::try_join!(heroku.release_config_vars(app, &target.id), heroku.release_config_vars(app, &current.id)) {
        Ok((then, now)) => report.config_changes = Some(then.changed_keys(&now)),
        Err(e) => report.warn("config_unknown", format!("cannot compare the two releases' config vars: {e}")),
    }
    if let Err(refusal) = check_lock(heroku, services.github.as_ref(), app).await? {
        report.refuse(refusal);
    }
    report.judge();
    report.next = next_steps(&report);
    Ok(Plan { report, target: Some(ReleaseSummary::from(&target)), current: Some(current), newest })
}

/// The release `requested` names: among `releases`, else (older than the recent ones) read by
/// name and added to them. None for the default choice, or a release Heroku does not have.
pub async fn named_release(
    heroku: &Heroku,
    app: &str,
    releases: &mut Vec<Release>,
    requested: &Requested,
) -> Result<Option<Release>, ApiError> {
    let key = match requested {
        Requested::Default => return Ok(None),
        Requested::Version(v) => v.to_string(),
        Requested::Id(id) => id.clone(),
    };
    let is_it = |r: &Release| match requested {
        Requested::Version(v) => r.version == *v,
        _ => r.id == key,
    };
    if let Some(r) = releases.iter().find(|r| is_it(r)) {
        return Ok(Some(r.clone()));
    }
    match heroku.release(app, &key).await {
        Ok(r) => {
            releases.push(r.clone());
            Ok(Some(r))
        }
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The target's code builds on production's: after a rollback, the release production left
/// is the newest earlier one with other code (heroku's own default too). Going "back" to it
/// takes nothing out and brings newer code in.
async fn rolls_forward(config: &Config, target: &str, current: &str) -> bool {
    let (root, target, current) = (config.root.clone(), target.to_string(), current.to_string());
    let read = tokio::task::spawn_blocking(move || -> Option<bool> {
        let repo = crate::git::open(&root).ok()?;
        let (t, c) = (crate::git::try_resolve(&repo, &target)?, crate::git::try_resolve(&repo, &current)?);
        crate::git::is_ancestor(&repo, c, t).ok()
    });
    matches!(read.await, Ok(Some(true)))
}

/// The preview of a rollback onto newer code: no PR leaves, none of the migrations is the
/// target's problem (its own release ran them), and the PRs that come back are named.
async fn brings_back(
    services: &Services,
    config: &Config,
    report: &mut Report,
    (target, target_commit): (u64, &str),
    (current, current_commit): (u64, &str),
) {
    report.removed_pull_requests = Some(vec![]);
    let short = |sha: &str| sha[..sha.len().min(7)].to_string();
    let back = match range_facts(config, current_commit, target_commit).await {
        Ok(mut facts) => {
            if let (Some(graphql), Ok((owner, name))) = (&services.graphql, config.require_repo()) {
                let _ = enrich(graphql, owner, name, &mut facts.pull_requests).await;
            }
            let numbers: Vec<String> = facts.pull_requests.iter().map(|p| format!("#{}", p.number)).collect();
            match numbers.len() {
                0 => "brings back newer commits (no pull request)".to_string(),
                1 => format!("brings back 1 pull request: {}", numbers[0]),
                n => format!("brings back {n} pull requests: {}", numbers.join(", ")),
            }
        }
        Err(why) => format!("brings back newer code the local repository cannot list ({why})"),
    };
    report.warn(
        "brings_back",
        format!(
            "v{target} runs newer code than production (v{current} runs {}, which v{target}'s {} builds on): this rollback takes no pull request out and {back}; name an older release to go further back (`bpdeploy releases`)",
            short(current_commit),
            short(target_commit)
        ),
    );
}

/// A refusal's next step; a preview's is the command as asked, which the command line knows.
fn next_steps(report: &Report) -> Vec<NextStep> {
    match &report.refusal {
        Some(_) => vec![NextStep::new("bpdeploy releases", "see the releases and what production runs now")],
        None => vec![],
    }
}
