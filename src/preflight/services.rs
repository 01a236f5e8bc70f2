//! Online preflight over the real API clients: Heroku (production now, deploys in progress),
//! GitHub (branch head, CI of `to`, PR association and enrichment), Sentry (the baseline).
//! Everything is turned into the plain types of [`super::online`] right here.
use super::online::{
    Baseline, BaselineIssue, CiCheck, CiLevel, CiState, InProgress, OnlineFacts, PrDetails, Production,
};
use super::range::RangeWarning;
use super::{pulls, GitFacts};
use crate::api::github::{GitHub, GraphQl};
use crate::api::heroku::{Heroku, Release};
use crate::api::sentry::{IssueQuery, Sentry, SeriesQuery};
use crate::config::Config;
use crate::context::Context;
use crate::git::GitError;
use chrono::{SecondsFormat, Utc};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Commits without a PR number in their message that GitHub is asked about, at most: a long
/// run of direct pushes should not turn preflight into hundreds of requests.
pub const MAX_ASSOCIATION_LOOKUPS: usize = 30;
/// Unresolved issues of the last 24 hours counted, at most (five pages).
const MAX_BASELINE_ISSUES: usize = 500;
const TOP_ISSUES: usize = 10;

pub struct Gatherer {
    heroku: Heroku,
    github: GitHub,
    graphql: GraphQl,
    /// None when `[sentry]` is not configured: no baseline then.
    sentry: Option<(Sentry, String)>,
    app: String,
    repo: (String, String),
    state_dir: Option<PathBuf>,
}

/// What is needed before the range can be resolved.
pub struct BeforeGit {
    pub production: Production,
    /// The release production serves, as Heroku described it (the deploy keeps it).
    pub current: Release,
    pub github_head: Option<String>,
}

impl Gatherer {
    pub fn new(ctx: &Context, config: &Config) -> anyhow::Result<Gatherer> {
        let app = config.require_app()?.to_string();
        let (owner, name) = config.require_repo()?;
        let sentry = match config.require_sentry() {
            Ok((_, project)) => Some((ctx.sentry()?, project.to_string())),
            Err(_) => None,
        };
        Ok(Gatherer {
            heroku: ctx.heroku()?,
            github: ctx.github()?,
            graphql: ctx.github_graphql()?,
            sentry,
            app,
            repo: (owner.to_string(), name.to_string()),
            state_dir: ctx.env.state_dir(),
        })
    }

    /// Production now (current release, its commit, deploys in progress) and GitHub's head.
    pub async fn before_git(&self, branch: &str) -> anyhow::Result<BeforeGit> {
        let head_ref = format!("heads/{branch}");
        let (releases, builds, head) = tokio::join!(
            self.heroku.releases(&self.app, 10),
            self.heroku.builds(&self.app, 10),
            self.github.ref_sha(&head_ref)
        );
        let (releases, builds) = (releases?, builds?);
        let current = releases
            .iter()
            .find(|r| r.current)
            .or_else(|| releases.iter().find(|r| r.status == "succeeded"))
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("{} has no release yet: nothing to compare with", self.app))?;
        let commit = self.commit_of(&current).await?;
        let mut in_progress: Vec<InProgress> = builds
            .iter()
            .filter(|b| b.status == "pending")
            .map(|b| InProgress {
                kind: "build".into(),
                id: b.id.clone(),
                user: b.user.as_ref().and_then(|u| u.email.clone()),
                created_at: Some(rfc3339(b.created_at)),
            })
            .collect();
        in_progress.extend(releases.iter().filter(|r| r.status == "pending").map(|r| InProgress {
            kind: "release".into(),
            id: format!("v{}", r.version),
            user: r.user.as_ref().and_then(|u| u.email.clone()),
            created_at: Some(rfc3339(r.created_at)),
        }));
        let hours = (Utc::now() - current.created_at).num_minutes() as f64 / 60.0;
        let production = Production {
            app: self.app.clone(),
            release_version: current.version,
            release_id: current.id.clone(),
            commit,
            description: Some(current.description.clone()),
            user: current.user.as_ref().and_then(|u| u.email.clone()),
            deployed_at: Some(rfc3339(current.created_at)),
            hours_since_deploy: Some((hours * 10.0).round() / 10.0),
            in_progress,
        };
        // A branch GitHub does not know is reported by the range check, not here.
        Ok(BeforeGit { production, current, github_head: head.ok() })
    }

    /// The commit a release ran: its slug's, else the sha of a "Deploy <sha>" description.
    async fn commit_of(&self, release: &Release) -> Result<Option<String>, crate::api::ApiError> {
        let described = release.described_commit().map(str::to_string);
        match &release.slug {
            Some(slug) => Ok(self.heroku.slug(&self.app, &slug.id).await?.commit.or(described)),
            None => Ok(described),
        }
    }

    /// The commit of the Heroku release `version` (`v5`), as a revision given on the command line.
    pub async fn release_commit(&self, version: &str) -> anyhow::Result<String> {
        let unknown = |hint: String| GitError::UnknownRevision { rev: version.to_string(), hint };
        let release = match self.heroku.release(&self.app, version).await {
            Err(e) if e.is_not_found() => {
                return Err(
                    unknown(format!("{} has no release {version}: `bpdeploy releases` lists them", self.app)).into()
                )
            }
            other => other?,
        };
        let commit = self.commit_of(&release).await?;
        Ok(commit.ok_or_else(|| {
            unknown(format!(
                "Heroku records no commit for {version} (no slug commit, no \"Deploy <sha>\"): pass the commit"
            ))
        })?)
    }

    /// CI of `to`, the PRs GitHub knows, and the Sentry baseline.
    pub async fn after_git(&self, config: &Config, facts: &GitFacts, before: BeforeGit) -> anyhow::Result<OnlineFacts> {
        let mut warnings = Vec::new();
        let ci = self.ci(&facts.range.to).await?;
        let associated = self.associate(facts, &mut warnings).await?;
        let mut numbers: Vec<u64> = facts.commits.iter().filter_map(|c| pulls::number_in_message(&c.subject)).collect();
        numbers.extend(associated.values().copied());
        let pull_requests = self.enrich(&numbers).await?;
        let baseline = match (&self.sentry, &before.production.commit) {
            (Some((sentry, project)), Some(sha)) => match self.baseline(config, sentry, project, sha).await {
                Ok(b) => Ok(b),
                Err(e) => {
                    warnings.push(warning("sentry_unavailable", format!("no Sentry baseline: {e:#}")));
                    Err("Sentry could not be read (the warning says why)")
                }
            },
            (None, _) => Err("[sentry] org and project are not set (bpdeploy.toml, or SENTRY_ORG and SENTRY_PROJECT)"),
            (_, None) => Err("Heroku did not say which commit production runs"),
        };
        Ok(OnlineFacts {
            offline: false,
            associated,
            pull_requests,
            ci: Some(ci),
            production: Some(before.production),
            baseline_unknown: baseline.as_ref().err().map(|why| why.to_string()),
            baseline: baseline.ok(),
            warnings,
        })
    }

    async fn ci(&self, sha: &str) -> anyhow::Result<CiState> {
        Ok(ci_of(&self.github, sha).await?)
    }

    /// `commits/{sha}/pulls` for first-parent commits whose message names no PR.
    async fn associate(
        &self,
        facts: &GitFacts,
        warnings: &mut Vec<RangeWarning>,
    ) -> anyhow::Result<BTreeMap<String, u64>> {
        let unknown = facts.commits_without_pr();
        if unknown.len() > MAX_ASSOCIATION_LOOKUPS {
            warnings.push(warning(
                "many_direct_commits",
                format!(
                    "{} commits name no PR; GitHub was asked about the newest {MAX_ASSOCIATION_LOOKUPS}",
                    unknown.len()
                ),
            ));
        }
        let mut out = BTreeMap::new();
        for sha in unknown.into_iter().take(MAX_ASSOCIATION_LOOKUPS) {
            if let Some(number) = merged_pull_of(&self.github, sha).await? {
                out.insert(sha.to_string(), number);
            }
        }
        Ok(out)
    }

    /// One GraphQL request per 50 PRs (aliases), whatever the number of PRs.
    async fn enrich(&self, numbers: &[u64]) -> anyhow::Result<Vec<PrDetails>> {
        if numbers.is_empty() {
            return Ok(Vec::new());
        }
        let lookup = self.graphql.pulls(&self.repo.0, &self.repo.1, numbers).await?;
        Ok(lookup
            .found
            .into_values()
            .map(|p| PrDetails {
                number: p.number,
                title: p.title,
                author: p.author.map(|a| a.login),
                url: p.url,
                merged_at: p.merged_at.map(rfc3339),
                labels: p.labels.map(|l| l.nodes.into_iter().map(|n| n.name).collect()).unwrap_or_default(),
            })
            .collect())
    }

    async fn baseline(&self, config: &Config, sentry: &Sentry, project: &str, sha: &str) -> anyhow::Result<Baseline> {
        let environment = Some(config.sentry.environment.clone());
        let issues = IssueQuery {
            query: "is:unresolved".into(),
            stats_period: Some("24h".into()),
            sort: Some("freq".into()),
            environment: environment.clone(),
            projects: vec![project.to_string()],
            limit: Some(100),
            max: Some(MAX_BASELINE_ISSUES),
        };
        let events = SeriesQuery {
            query: String::new(),
            projects: vec![project.to_string()],
            environment,
            stats_period: Some("1h".into()),
            ..SeriesQuery::default()
        };
        let (issues, last_hour) = tokio::join!(sentry.issues(&issues), sentry.error_total(&events));
        let mut issues = issues?;
        issues.sort_by_key(|i| std::cmp::Reverse(i.count));
        let mut baseline = Baseline {
            app: self.app.clone(),
            release: config.release_name(sha),
            captured_at: rfc3339(Utc::now()),
            unresolved_issues: issues.len() as u64,
            top_issues: issues
                .into_iter()
                .take(TOP_ISSUES)
                .map(|i| BaselineIssue {
                    id: i.id,
                    short_id: Some(i.short_id),
                    title: i.title,
                    count: i.count,
                    first_seen: i.first_seen.map(rfc3339),
                    last_seen: i.last_seen.map(rfc3339),
                    permalink: i.permalink,
                })
                .collect(),
            error_events_last_hour: Some(last_hour?),
            saved_to: None,
        };
        if let Some(dir) = &self.state_dir {
            baseline.saved_to = Some(super::online::save_baseline(dir, &baseline)?.display().to_string());
        }
        Ok(baseline)
    }
}

/// The merged PR GitHub associates with a first-parent commit (`commits/{sha}/pulls`): the one
/// whose merge commit it is, else the first merged one. Rebase merges name no PR in their
/// messages; this is how they are found.
pub async fn merged_pull_of(github: &GitHub, sha: &str) -> Result<Option<u64>, crate::api::ApiError> {
    let pulls = github.commit_pulls(sha).await?;
    let merged = pulls.iter().filter(|p| p.merged_at.is_some());
    let best = merged.clone().find(|p| p.merge_commit_sha.as_deref() == Some(sha)).or(merged.clone().next());
    Ok(best.map(|p| p.number))
}

/// CI of a commit: its legacy statuses and its check runs, combined.
pub async fn ci_of(github: &GitHub, sha: &str) -> Result<CiState, crate::api::ApiError> {
    let (status, runs) = tokio::join!(github.combined_status(sha), github.check_runs(sha));
    let mut checks: Vec<CiCheck> = status?
        .statuses
        .into_iter()
        .map(|s| CiCheck { state: status_level(&s.state), name: s.context, url: s.target_url })
        .collect();
    checks.extend(runs?.into_iter().map(|r| CiCheck {
        state: run_level(&r.status, r.conclusion.as_deref()),
        name: r.name,
        url: r.html_url,
    }));
    Ok(CiState { sha: sha.to_string(), state: combine(&checks), checks })
}

fn status_level(state: &str) -> CiLevel {
    match state {
        "success" => CiLevel::Success,
        "pending" => CiLevel::Pending,
        _ => CiLevel::Failure,
    }
}

/// Green is success, neutral or skipped once completed; anything not completed is pending.
fn run_level(status: &str, conclusion: Option<&str>) -> CiLevel {
    match (status, conclusion) {
        ("completed", Some("success" | "neutral" | "skipped")) => CiLevel::Success,
        ("completed", _) => CiLevel::Failure,
        _ => CiLevel::Pending,
    }
}

/// Any failure fails; else any pending is pending; no check at all is `none`.
pub fn combine(checks: &[CiCheck]) -> CiLevel {
    if checks.is_empty() {
        CiLevel::None
    } else if checks.iter().any(|c| c.state == CiLevel::Failure) {
        CiLevel::Failure
    } else if checks.iter().any(|c| c.state == CiLevel::Pending) {
        CiLevel::Pending
    } else {
        CiLevel::Success
    }
}

fn rfc3339(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn warning(code: &str, message: String) -> RangeWarning {
    RangeWarning { code: code.into(), message }
}
