//! The sandbox's state: one Heroku app, one GitHub repository, one Sentry project, one Slack
//! workspace. Seeded from the scratch repository's history so every answer agrees with git.
pub mod github;
pub mod heroku;
pub mod output;
pub mod sentry;
pub mod sentry_json;
pub mod slack;
pub mod traffic;

use crate::sandbox::clock::Clock;
use crate::sandbox::drill::{background_issues, resolve_frames};
use crate::sandbox::scratch::{history::PEOPLE, tree, ScratchRepo};
use chrono::{DateTime, Duration, TimeZone, Utc};
use git2::Repository;
use heroku::{uuid, Account, Build, HerokuApp, Release, Slug, Status};
use output::OutputLog;
use std::collections::BTreeMap;

pub const APP: &str = "storefront";

#[derive(Debug)]
pub struct World {
    pub heroku: HerokuApp,
    pub github: github::GithubState,
    pub sentry: sentry::SentryState,
    pub slack: slack::SlackRecord,
    /// Log sessions handed out (their keys are the capabilities in their URLs).
    pub log_sessions: Vec<crate::sandbox::http::logplex::LogSession>,
    pub next_id: u64,
}

/// The account behind the sandbox's HEROKU_API_KEY: whoever practises.
pub fn you() -> Account {
    Account { id: uuid(7, 1), email: "you@acme.test".into() }
}

fn account(email: &str) -> Account {
    let n = PEOPLE.iter().position(|p| p.email == email).unwrap_or(0) as u64 + 2;
    Account { id: uuid(7, n), email: email.to_string() }
}

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
}

/// Procfile process types at a commit.
pub fn process_types(repo: &Repository, sha: git2::Oid) -> BTreeMap<String, String> {
    tree::read_file(repo, sha, "Procfile")
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// Migration versions present in a commit's tree under a directory.
pub fn migration_versions(repo: &Repository, sha: git2::Oid, dir: &str) -> Vec<(String, String)> {
    tree::list_files(repo, sha, dir)
        .into_iter()
        .filter_map(|p| {
            let name = p.rsplit('/').next()?.strip_suffix(".rb")?.to_string();
            let (version, _) = name.split_once('_')?;
            Some((version.to_string(), p))
        })
        .collect()
}

impl World {
    pub fn fresh_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn seed(repo: &Repository, scratch: &ScratchRepo, clock: &Clock) -> Result<World, git2::Error> {
        let now = clock.started;
        let mut app = HerokuApp {
            id: uuid(1, 1),
            name: APP.into(),
            created_at: now - Duration::days(400),
            releases: Vec::new(),
            builds: Vec::new(),
            slugs: Vec::new(),
            applied_schema: Default::default(),
            applied_data: Default::default(),
            maintenance: false,
        };
        let mut sentry = sentry::SentryState::default();
        let mut last_slug: Option<String> = None;
        let mut addons: Vec<String> = Vec::new();
        let mut config = base_config();
        for (i, fact) in scratch.releases.iter().enumerate() {
            let n = i as u64 + 1;
            let when = now - Duration::hours(fact.hours_ago);
            let code = fact.description.starts_with("Deploy ");
            if code {
                let commit = repo.find_commit(fact.sha)?;
                let slug = Slug {
                    id: uuid(11, n),
                    commit: fact.sha.to_string(),
                    commit_description: commit.summary().unwrap_or_default().to_string(),
                    process_types: process_types(repo, fact.sha),
                    created_at: when - Duration::minutes(4),
                };
                app.builds.push(Build {
                    id: uuid(12, n),
                    status: Status::Succeeded,
                    source_blob: serde_json::json!({
                        "checksum": null, "url": format!("https://codeload.github.com/acme/storefront/legacy.tar.gz/{}", fact.sha),
                        "version": fact.sha.to_string(), "version_description": slug.commit_description,
                    }),
                    user: account(fact.by.email),
                    slug_id: Some(slug.id.clone()),
                    release_id: Some(uuid(10, n)),
                    created_at: when - Duration::minutes(6),
                    updated_at: when - Duration::minutes(1),
                    output: finished_log("-----> Building on the Heroku-24 stack\n       Released"),
                });
                last_slug = Some(slug.id.clone());
                app.slugs.push(slug);
                sentry.releases.push(sentry::SentryRelease {
                    id: 90_000 + n,
                    version: fact.sha.to_string(),
                    reference: None,
                    url: None,
                    date_created: when - Duration::minutes(5),
                    date_released: Some(crate::sandbox::clock::stamp_ms(when)),
                    commit_count: 1,
                    refs: Vec::new(),
                    deploys: vec![sentry::Deploy {
                        id: n.to_string(),
                        environment: "production".into(),
                        name: None,
                        url: None,
                        date_started: None,
                        date_finished: crate::sandbox::clock::stamp_ms(when),
                    }],
                });
                sentry.live.push((when, fact.sha.to_string()));
            }
            if let Some(addon) = fact.addon {
                addons.push(addon.to_string());
            }
            config.extend(config_set_by(&fact.description, fact.addon));
            app.releases.push(Release {
                id: uuid(10, n),
                version: n,
                description: fact.description.clone(),
                slug_id: last_slug.clone(),
                status: Status::Succeeded,
                user: account(fact.by.email),
                addon_plan_names: addons.clone(),
                config: config.clone(),
                created_at: when,
                // A code release's release phase ran its migrations for a little while.
                updated_at: when + Duration::seconds(if code { 42 } else { 2 }),
                output: code.then(|| finished_log("")),
            });
        }
        for (version, _) in migration_versions(repo, scratch.released, "db/migrate/") {
            app.applied_schema.insert(version);
        }
        for (version, _) in migration_versions(repo, scratch.released, "db/data/") {
            app.applied_data.insert(version);
        }
        let code_releases: Vec<String> = sentry.live.iter().map(|(_, v)| v.clone()).collect();
        for (i, (spec, release_index)) in background_issues().into_iter().enumerate() {
            let first_release = code_releases
                .get(release_index.min(code_releases.len().saturating_sub(1)))
                .cloned()
                .unwrap_or_default();
            sentry.issues.push(sentry::Issue {
                id: 4_501_000_001 + i as u64,
                short_id: format!("STOREFRONT-{}", 0x3A + i * 7),
                exception: spec.exception.into(),
                value: spec.value.into(),
                culprit: spec.culprit.into(),
                first_release,
                status: "unresolved".into(),
                spans: vec![sentry::Span {
                    start: now - Duration::days(30),
                    end: None,
                    per_sec: spec.per_sec,
                    burst: 0,
                }],
                frames: resolve_frames(repo, scratch.released, &spec.frames),
            });
        }
        let github = github::GithubState {
            prs: scratch
                .prs
                .iter()
                .map(|p| github::PullRequest {
                    number: p.number,
                    title: p.title.clone(),
                    body: p.body.clone(),
                    author: p.author.login.to_string(),
                    head_ref: p.branch.clone(),
                    head_sha: p.head_sha.to_string(),
                    base_ref: crate::sandbox::scratch::BRANCH.into(),
                    base_sha: p.base_sha.to_string(),
                    merge_sha: p.merge_sha.map(|s| s.to_string()),
                    open: p.merged_at.is_none(),
                    labels: p.labels.clone(),
                    created_at: at(p.created_at),
                    updated_at: at(p.merged_at.unwrap_or(p.created_at)),
                    merged_at: p.merged_at.map(at),
                    closed_at: p.merged_at.map(at),
                })
                .collect(),
            ..Default::default()
        };
        let mut slack = slack::SlackRecord::default();
        // Yesterday's chatter: older than any release watched here, so never news.
        let before = slack::Chatter {
            channel: "dev-questions",
            delay: std::time::Duration::ZERO,
            person: Some("carol"),
            text: "Is CI slow for anyone else today?",
        };
        slack.chatter.push(slack::ChatterMessage::new(&before, now - Duration::hours(20)));
        Ok(World { heroku: app, github, sentry, slack, log_sessions: Vec::new(), next_id: 100 })
    }
}

/// The app's config before any add-on or `config:set`.
fn base_config() -> BTreeMap<String, String> {
    [("RAILS_ENV", "production"), ("RACK_ENV", "production"), ("RAILS_LOG_TO_STDOUT", "enabled")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// What a config release of the history sets: `Set KEY config vars`, or an add-on's URL.
fn config_set_by(description: &str, addon: Option<&str>) -> Vec<(String, String)> {
    let mut set = Vec::new();
    if addon.is_some_and(|a| a.starts_with("heroku-postgresql")) {
        set.push(("DATABASE_URL".to_string(), "postgres://sandbox:secret@db.sandbox:5432/storefront".to_string()));
    }
    if let Some(keys) = description.strip_prefix("Set ").and_then(|d| d.strip_suffix(" config vars")) {
        for key in keys.split(", ") {
            set.push((key.to_string(), format!("sandbox-{}", key.to_lowercase())));
        }
    }
    set
}

fn finished_log(text: &str) -> std::sync::Arc<OutputLog> {
    let log = OutputLog::new();
    for line in text.lines() {
        log.line(line);
    }
    log.finish();
    log
}
