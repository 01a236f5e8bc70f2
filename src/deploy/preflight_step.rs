//! The deploy's preflight, online, over exactly what it ships: production's commit to the sha
//! GitHub's branch points at (fetched first when this clone lacks it; a deploy never builds a
//! commit its preflight did not read). This is the one place that maps the preflight report to
//! what the deploy needs: the verdict, the PR list for Slack, and the migrations the release
//! phase should run.
use crate::api::heroku::{Heroku, Release};
use crate::cli::PreflightArgs;
use crate::deploy::announce::PullRequestLine;
use crate::deploy::driver::Setup;
use crate::deploy::migrations::ExpectedMigration;
use crate::deploy::steps::PreflightLevel;
use crate::preflight::Preflight;

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

/// Runs preflight of `sha`. With `--force`, a preflight that cannot run (no local clone, a
/// shallow CI checkout) is a caution rather than the end of the deploy; without it, the error stands.
pub async fn run(setup: &Setup, heroku: &Heroku, force: bool, sha: &str) -> anyhow::Result<PreflightFacts> {
    let args = PreflightArgs { to: Some(sha.to_string()), ..PreflightArgs::default() };
    let gathered = match fetch_if_missing(setup, sha).await {
        Ok(()) => crate::preflight::gather::run_with_release(&setup.context, &args).await,
        Err(e) => Err(e),
    };
    let (report, production) = match gathered {
        Ok((report, current)) => (Some(report), current),
        Err(e) if force => {
            setup.context.ui.warn(&format!("preflight could not run, going on because of --force: {e:#}"));
            (None, None)
        }
        Err(e) => return Err(e),
    };
    // Preflight already read the current release; ask Heroku only when it could not.
    let production = match production {
        Some(release) => Some(release),
        None => heroku.current_release(&setup.app).await?,
    };
    let mut facts = match &report {
        Some(r) => from_report(r),
        None => PreflightFacts {
            level: PreflightLevel::Caution,
            reasons: vec!["preflight could not run".into()],
            pull_requests: vec![],
            migrations: vec![],
            production: None,
            production_sha: None,
        },
    };
    facts.production_sha = report.as_ref().and_then(|r| r.production.as_ref()).and_then(|p| p.commit.clone());
    if let (None, Some(release)) = (&facts.production_sha, production.as_ref()) {
        facts.production_sha = release_commit(heroku, &setup.app, release).await;
    }
    facts.production = production;
    Ok(facts)
}

/// This clone must have the commit that will be built, or preflight would read another one.
async fn fetch_if_missing(setup: &Setup, sha: &str) -> anyhow::Result<()> {
    let (root, sha_owned, branch) = (setup.config.root.clone(), sha.to_string(), setup.branch.clone());
    let has = tokio::task::spawn_blocking(move || crate::git::ensure_commit(&root, &sha_owned, &branch)).await??;
    if has {
        return Ok(());
    }
    Err(crate::git::GitError::UnknownRevision {
        rev: sha.to_string(),
        hint: format!(
            "GitHub's {} is at {}, which this clone cannot fetch: fix `git fetch origin {}` and run again",
            setup.branch,
            &sha[..sha.len().min(7)],
            setup.branch
        ),
    }
    .into())
}

/// The report's PRs as the announcement and the outcome list them; offline (no GitHub login),
/// the git author stands in.
pub fn pull_request_lines(report: &Preflight) -> Vec<PullRequestLine> {
    report
        .pull_requests
        .iter()
        .map(|pr| PullRequestLine {
            number: pr.number,
            title: pr.title.clone().unwrap_or_default(),
            author: pr.author.clone().or_else(|| Some(pr.git_author.clone())),
            url: pr.url.clone(),
        })
        .collect()
}

fn from_report(report: &Preflight) -> PreflightFacts {
    let pull_requests = pull_request_lines(report);
    let mut will_run: Vec<_> = report.migrations.iter().filter(|m| m.run_order.is_some()).collect();
    will_run.sort_by_key(|m| m.run_order);
    let migrations = will_run
        .into_iter()
        .filter_map(|m| {
            Some(ExpectedMigration { version: m.version.clone()?, name: m.class_name.clone(), kind: m.kind })
        })
        .collect();
    // A deploy in progress is the lock check's to report (exit 5, naming who and since when),
    // not a preflight stop (exit 3).
    let reasons: Vec<_> = report.verdict.reasons.iter().filter(|r| r.code != "deploy_in_progress").collect();
    PreflightFacts {
        level: reasons.iter().map(|r| r.level).max().unwrap_or(PreflightLevel::Go),
        reasons: reasons.iter().map(|r| format!("{}: {}", r.code, r.message)).collect(),
        pull_requests,
        migrations,
        production: None,
        production_sha: None,
    }
}

/// The commit a release runs: its slug's commit, else the "Deploy <sha>" description.
pub(crate) async fn release_commit(heroku: &Heroku, app: &str, release: &Release) -> Option<String> {
    if let Some(slug) = release.slug.as_ref() {
        if let Ok(s) = heroku.slug(app, &slug.id).await {
            if s.commit.is_some() {
                return s.commit;
            }
        }
    }
    release.described_commit().map(str::to_string)
}
