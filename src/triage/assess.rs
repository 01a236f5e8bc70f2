//! One triage run over a release's issues: Sentry's evidence for each, the repository's blame
//! under its frames (GitHub names the PRs of rebase merges), the suspects with GitHub's titles
//! and logins, an experiment's switch, both recovery paths from their previews, and the
//! decision. Reads only.
use super::blame::{self, BlameFindings, BlameRequest};
use super::decision::{self, Case, RevertOutlook, RollbackOutlook};
use super::evidence::{self, IssueFacts, TriagedRelease};
use super::experiment::{self, ExperimentInput};
use super::frames;
use super::outlook;
use super::report::{Estimates, IssueReport, Shown, TriageReport};
use super::suspects::{self, implicated, Suspect};
use crate::api::github::{GitHub, GraphQl};
use crate::api::heroku::Heroku;
use crate::api::sentry::Sentry;
use crate::config::Config;
use crate::preflight::migrations::kind_of;
use crate::preflight::services::{merged_pull_of, MAX_ASSOCIATION_LOOKUPS};
use crate::recovery::{revert, rollback};
use chrono::{SecondsFormat, Utc};
use std::collections::BTreeMap;

pub struct Services {
    pub sentry: Sentry,
    pub heroku: Heroku,
    /// Without GitHub: no rebase-merge association, no titles, no revert prediction.
    pub github: Option<GitHub>,
    pub graphql: Option<GraphQl>,
}

pub async fn assess(
    services: &Services,
    config: &Config,
    app: &str,
    release: TriagedRelease,
    ids: &[String],
    progress: &(dyn Fn(&str) + Sync),
) -> anyhow::Result<TriageReport> {
    let mut warnings = Vec::new();
    let mut facts = Vec::new();
    for id in ids {
        progress(&format!("Reading Sentry issue {id}"));
        let env = &config.sentry.environment;
        match evidence::gather(&services.sentry, id, env, config.triage.stopped_after).await {
            Ok(f) => facts.push(f),
            Err(e) if e.is_not_found() => return Err(crate::api::sentry::IssueRef::Id(id.clone()).not_found().into()),
            Err(e) => return Err(e.into()),
        }
    }
    progress("Blaming the frames at the release commit");
    let request = BlameRequest {
        repo: config.root.clone(),
        release: release.commit.clone(),
        previous: release.previous.as_ref().and_then(|p| p.1.clone()),
        frames: Vec::new(),
        associated: associated(services, &release, config, &mut warnings).await?,
    };
    let app_root = config.triage.app_root.clone();
    let requests: Vec<BlameRequest> = facts
        .iter()
        .map(|f| BlameRequest { frames: frames::in_app(&f.frames, &app_root), ..request.clone() })
        .collect();
    let blames =
        tokio::task::spawn_blocking(move || requests.iter().map(blame::blame).collect::<Result<Vec<_>, _>>()).await??;
    for w in blames.iter().flat_map(|b| b.warnings.iter()) {
        if !warnings.contains(w) {
            warnings.push(w.clone());
        }
    }
    let is_migration = |p: &str| kind_of(&config.migrations, p).is_some();
    let mut all: Vec<Vec<Suspect>> = blames.iter().map(|b| suspects::suspects(b, &is_migration)).collect();
    if let Err(e) = enrich(services, config, &mut all).await {
        warnings.push(format!("GitHub could not name the pull requests (titles come from the commits): {e:#}"));
    }
    progress("Previewing the rollback and the revert");
    let rollback = rollback_outlook(services, config, app).await;
    let mut reverts: BTreeMap<u64, RevertOutlook> = BTreeMap::new();
    for list in &all {
        if let Some(pr) = implicated(list).first().and_then(|s| s.pull_request) {
            if let std::collections::btree_map::Entry::Vacant(slot) = reverts.entry(pr) {
                slot.insert(revert_outlook(services, config, app, pr).await);
            }
        }
    }
    let config_keys = config_keys(services, app, config, &facts, &blames).await;
    let now = Utc::now();
    let mut issues = Vec::new();
    for ((f, b), s) in facts.iter().zip(&blames).zip(all) {
        let found = experiment::find(&ExperimentInput {
            issue: f,
            frames: &b.frames,
            sources: &b.sources,
            patterns: &config.triage.experiment_patterns,
            config_keys: config_keys.as_deref(),
            app,
        });
        let revert = implicated(&s).first().and_then(|t| t.pull_request).and_then(|n| reverts.get(&n));
        let case = Case {
            issue: f,
            release: &release,
            now,
            config: &config.triage,
            frames: &b.frames,
            range_known: b.range_known,
            suspects: &s,
            experiment: found.as_ref(),
            revert,
            rollback: Some(&rollback),
            branch: &config.github.branch,
        };
        let d = decision::decide(&case);
        issues.push(report(f, b, s, d, revert, &rollback));
    }
    Ok(TriageReport { issues, release, warnings })
}

fn report(
    f: &IssueFacts,
    b: &BlameFindings,
    suspects: Vec<Suspect>,
    d: decision::Decision,
    revert: Option<&RevertOutlook>,
    rollback: &RollbackOutlook,
) -> IssueReport {
    let stamp = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let release_files: std::collections::BTreeSet<&String> = b.changes.iter().flat_map(|c| c.files.iter()).collect();
    IssueReport {
        id: f.id.clone(),
        short_id: f.short_id.clone(),
        title: f.title.clone(),
        events: f.events,
        users: f.users,
        events_per_minute: f.events_per_minute.map(|r| (r * 10.0).round() / 10.0),
        still_happening: d.still_happening,
        first_seen: f.first_seen.map(stamp),
        first_release: f.first_release.clone(),
        frames: b.frames.iter().map(|x| x.frame.clone()).collect(),
        suspects,
        classification: d.classification,
        reasons: d.reasons,
        estimates: Estimates {
            revert_secs: revert.and_then(|r| r.estimate.clone()),
            rollback_secs: rollback.estimate.clone(),
        },
        next_command: d.next_command,
        shown: Shown {
            level: f.level.clone(),
            last_seen: f.last_seen.map(stamp),
            transaction: f.transaction.clone(),
            permalink: f.permalink.clone(),
            message: f.message.clone(),
            call: d.call,
            release_files: b.range_known.then_some(release_files.len()),
            frames_in_release_files: b
                .frames
                .iter()
                .filter(|x| release_files.contains(&x.frame.file))
                .map(|x| x.frame.file.clone())
                .collect(),
        },
    }
}

/// First-parent commits of the release that GitHub ties to a PR their message does not name.
async fn associated(
    services: &Services,
    release: &TriagedRelease,
    config: &Config,
    warnings: &mut Vec<String>,
) -> anyhow::Result<BTreeMap<String, u64>> {
    let Some(github) = &services.github else { return Ok(BTreeMap::new()) };
    let request = BlameRequest {
        repo: config.root.clone(),
        release: release.commit.clone(),
        previous: release.previous.as_ref().and_then(|p| p.1.clone()),
        frames: Vec::new(),
        associated: BTreeMap::new(),
    };
    let unnamed = tokio::task::spawn_blocking(move || blame::unnamed_commits(&request)).await??;
    if unnamed.len() > MAX_ASSOCIATION_LOOKUPS {
        warnings.push(format!(
            "{} commits of the release name no PR; GitHub was asked about the newest {MAX_ASSOCIATION_LOOKUPS}",
            unnamed.len()
        ));
    }
    let mut out = BTreeMap::new();
    for sha in unnamed.into_iter().take(MAX_ASSOCIATION_LOOKUPS) {
        if let Some(n) = merged_pull_of(github, &sha).await? {
            out.insert(sha, n);
        }
    }
    Ok(out)
}

/// GitHub's titles, logins and links for the suspect PRs (one GraphQL request per 50).
async fn enrich(services: &Services, config: &Config, all: &mut [Vec<Suspect>]) -> anyhow::Result<()> {
    let (Some(graphql), Ok((owner, name))) = (&services.graphql, config.require_repo()) else { return Ok(()) };
    let numbers: Vec<u64> = all.iter().flatten().filter_map(|s| s.pull_request).collect();
    if numbers.is_empty() {
        return Ok(());
    }
    let found = graphql.pulls(owner, name, &numbers).await?.found;
    for s in all.iter_mut().flatten() {
        if let Some(g) = s.pull_request.and_then(|n| found.get(&n)) {
            s.title = g.title.clone();
            s.url = Some(g.url.clone());
            if let Some(login) = &g.author {
                s.authors = vec![login.login.clone()];
            }
        }
    }
    Ok(())
}

async fn rollback_outlook(services: &Services, config: &Config, app: &str) -> RollbackOutlook {
    let reads = rollback::Services {
        heroku: services.heroku.clone(),
        github: services.github.clone(),
        graphql: services.graphql.clone(),
    };
    outlook::rollback_path(&reads, config, app).await
}

async fn revert_outlook(services: &Services, config: &Config, app: &str, pr: u64) -> RevertOutlook {
    let Some(github) = services.github.clone() else {
        return RevertOutlook {
            pull_request: pr,
            state: decision::RevertState::Unknown("GitHub is not configured".into()),
            estimate: None,
            breaking: vec![],
        };
    };
    let reads = revert::Services { github, heroku: Some(services.heroku.clone()) };
    outlook::revert_path(&reads, config, app, pr).await
}

/// The app's config var keys (never values), read only when some issue looks like an experiment.
async fn config_keys(
    services: &Services,
    app: &str,
    config: &Config,
    facts: &[IssueFacts],
    blames: &[BlameFindings],
) -> Option<Vec<String>> {
    let looks = facts.iter().zip(blames).any(|(f, b)| {
        let input = ExperimentInput {
            issue: f,
            frames: &b.frames,
            sources: &b.sources,
            patterns: &config.triage.experiment_patterns,
            config_keys: None,
            app,
        };
        experiment::find(&input).is_some()
    });
    if !looks {
        return None;
    }
    services.heroku.config_vars(app).await.ok().map(|vars| vars.0.keys().cloned().collect())
}
