//! What happens after a POST: a build compiles (and may fail on a real syntax error in the
//! pushed code), a release runs its release phase (the deploy's pending migrations, which a
//! drill may make fail), and a live release may wake the drill's Sentry issue.
use super::drill::{resolve_frames, triggered};
use super::world::heroku::{uuid, Release, Slug, Status};
use super::world::output::OutputLog;
use super::world::{migration_versions, process_types, sentry, you, World};
use super::Shared;
use chrono::{DateTime, Utc};
use git2::{Oid, Repository};
use std::sync::Arc;
use std::time::Duration;

const STEP: Duration = Duration::from_millis(400);

pub fn new_release(w: &mut World, now: DateTime<Utc>, slug_id: String, description: String) -> Release {
    let n = w.fresh_id();
    Release {
        id: uuid(10, n),
        version: w.heroku.next_version(),
        description,
        slug_id: Some(slug_id),
        status: Status::Pending,
        user: you(),
        addon_plan_names: w.heroku.current().map(|r| r.addon_plan_names.clone()).unwrap_or_default(),
        config: w.heroku.config(),
        created_at: now,
        updated_at: now,
        output: Some(OutputLog::new()),
    }
}

/// The commit a build's source points at: `version`, else the ref at the end of the URL.
fn source_commit(repo: &Repository, blob: &serde_json::Value) -> Option<Oid> {
    let version = blob.get("version").and_then(|v| v.as_str()).map(str::to_string);
    let from_url = blob
        .get("url")
        .and_then(|v| v.as_str())
        .and_then(|u| u.split('?').next()?.rsplit('/').next().map(str::to_string));
    version
        .into_iter()
        .chain(from_url)
        .find_map(|r| repo.revparse_single(&r).ok()?.peel_to_commit().ok().map(|c| c.id()))
}

/// Asset compilation's verdict on the JavaScript: the first unbalanced closing brace.
fn asset_error(repo: &Repository, sha: Oid) -> Option<String> {
    for path in super::scratch::tree::list_files(repo, sha, "app/assets/javascripts/") {
        let text = super::scratch::tree::read_file(repo, sha, &path).unwrap_or_default();
        let mut depth = 0i32;
        for (i, line) in text.lines().enumerate() {
            for (j, c) in line.chars().enumerate() {
                depth += match c {
                    '{' => 1,
                    '}' => -1,
                    _ => 0,
                };
                if depth < 0 {
                    return Some(format!("SyntaxError: Unexpected token '}}' ({path}:{}:{})", i + 1, j + 1));
                }
            }
        }
    }
    None
}

pub async fn run_build(s: Arc<Shared>, build_id: String) {
    let Some((log, blob)) = s.world().heroku.build_mut(&build_id).map(|b| (b.output.clone(), b.source_blob.clone()))
    else {
        return;
    };
    let repo = s.origin_repo();
    let url = blob.get("url").and_then(|u| u.as_str()).unwrap_or_default().to_string();
    let commit = repo.as_ref().and_then(|r| source_commit(r, &blob));
    let fetchable = s.codeload_valid(&url);
    let say = |line: &str| log.line(line);
    say("-----> Building on the Heroku-24 stack");
    s.clock.sleep(STEP).await;
    let (Some(repo), Some(sha), true) = (repo, commit, fetchable) else {
        say(" !     Unable to fetch source from the source_blob URL: 404 Not Found");
        return finish_build(&s, &build_id, &log, None);
    };
    for line in [
        "-----> Using buildpack: heroku/ruby",
        "-----> Ruby app detected",
        "-----> Installing bundler 2.5.6",
        "-----> Compiling Ruby/Rails",
        "-----> Using Ruby version: ruby-3.3.6",
        "-----> Installing dependencies using bundler 2.5.6",
        "       Running: BUNDLE_WITHOUT='development:test' bundle install -j4",
        "       Bundle complete! 9 Gemfile dependencies, 84 gems now installed.",
        "-----> Preparing app for Rails asset pipeline",
        "       Running: rake assets:precompile",
    ] {
        say(line);
        s.clock.sleep(STEP / 2).await;
    }
    s.clock.sleep(STEP).await;
    if let Some(error) = asset_error(&repo, sha) {
        for line in [
            "       rake aborted!".to_string(),
            format!("       ExecJS::RuntimeError: {error}"),
            " !".into(),
            " !     Precompiling assets failed.".into(),
            " !".into(),
            " !     Push rejected, failed to compile Ruby app.".into(),
            "".into(),
            " !     Push failed".into(),
        ] {
            say(&line);
        }
        return finish_build(&s, &build_id, &log, None);
    }
    for line in [
        "       Asset precompilation completed (2.31s)",
        "-----> Discovering process types",
        "       Procfile declares types     -> release, web, worker",
        "-----> Compressing...",
        "       Done: 52.1M",
        "-----> Launching...",
    ] {
        say(line);
        s.clock.sleep(STEP / 2).await;
    }
    let release_id = {
        let mut w = s.world();
        let n = w.fresh_id();
        let commit = repo.find_commit(sha).ok();
        let slug = Slug {
            id: uuid(11, n),
            commit: sha.to_string(),
            commit_description: commit.as_ref().and_then(|c| c.summary().map(str::to_string)).unwrap_or_default(),
            process_types: process_types(&repo, sha),
            created_at: s.clock.now(),
        };
        let release = new_release(&mut w, s.clock.now(), slug.id.clone(), format!("Deploy {}", &sha.to_string()[..8]));
        say(" !     Release command declared: this new release will not be available until the command succeeds.");
        say(&format!("       Released v{}", release.version));
        say(&format!("       {}/{}/ deployed to Heroku", s.base_url, s.app_name()));
        let id = release.id.clone();
        if let Some(b) = w.heroku.build_mut(&build_id) {
            b.slug_id = Some(slug.id.clone());
            b.release_id = Some(id.clone());
        }
        w.heroku.slugs.push(slug);
        w.heroku.releases.push(release);
        id
    };
    finish_build(&s, &build_id, &log, Some(()));
    run_release_phase(s, release_id).await;
}

fn finish_build(s: &Shared, build_id: &str, log: &OutputLog, ok: Option<()>) {
    log.finish();
    let now = s.clock.now();
    if let Some(b) = s.world().heroku.build_mut(build_id) {
        b.status = if ok.is_some() { Status::Succeeded } else { Status::Failed };
        b.updated_at = now;
    }
}

fn class_name(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path).trim_end_matches(".rb");
    let name = file.split_once('_').map(|(_, n)| n).unwrap_or(file);
    name.split('_').map(|w| w[..1].to_uppercase() + &w[1..]).collect()
}

/// `== 20250101000001 AddX: migrating ====…` padded to 79 columns, as Rails prints it.
fn banner(version: &str, class: &str, what: &str) -> String {
    let text = format!("== {version} {class}: {what} ");
    format!("{text}{}", "=".repeat(79usize.saturating_sub(text.len())))
}

/// Schema statements of a migration, printed the way ActiveRecord announces them.
fn statements(source: &str) -> Vec<String> {
    const CALLS: [&str; 8] = [
        "add_column",
        "add_index",
        "change_column",
        "remove_column",
        "create_table",
        "add_reference",
        "rename_column",
        "execute",
    ];
    source
        .lines()
        .map(str::trim)
        // `rake db:migrate` runs `up` (or `change`); what `down` would do is not announced.
        .take_while(|l| *l != "def down")
        .filter_map(|l| {
            let (call, args) = l.split_once(' ')?;
            CALLS.contains(&call).then(|| {
                let args = args.split(", ").map(|a| match a.split_once(": ") {
                    Some((k, v)) if !k.starts_with(':') && !k.contains('"') => format!(":{k}=>{v}"),
                    _ => a.to_string(),
                });
                format!("-- {call}({})", args.collect::<Vec<_>>().join(", "))
            })
        })
        .collect()
}

pub async fn run_release_phase(s: Arc<Shared>, release_id: String) {
    let found = {
        let w = s.world();
        w.heroku.releases.iter().find(|r| r.id == release_id).and_then(|r| {
            let slug = w.heroku.slug(r.slug_id.as_deref()?)?;
            Some((
                r.output.clone()?,
                slug.commit.clone(),
                w.heroku.applied_schema.clone(),
                w.heroku.applied_data.clone(),
            ))
        })
    };
    let (Some((log, commit, applied_schema, applied_data)), Some(repo)) = (found, s.origin_repo()) else { return };
    let Ok(sha) = Oid::from_str(&commit) else { return };
    s.clock.sleep(STEP).await;
    let phases = [("db/migrate/", applied_schema, "db:migrate"), ("db/data/", applied_data, "data:migrate")];
    for (dir, applied, task) in phases {
        for (version, path) in migration_versions(&repo, sha, dir).into_iter().filter(|(v, _)| !applied.contains(v)) {
            let class = class_name(&path);
            log.line(&banner(&version, &class, "migrating"));
            s.clock.sleep(STEP).await;
            let source = super::scratch::tree::read_file(&repo, sha, &path).unwrap_or_default();
            for statement in statements(&source) {
                log.line(&statement);
                s.clock.sleep(STEP).await;
                if s.drill.failing_migration == Some(version.as_str()) {
                    for line in [
                        "rake aborted!".to_string(),
                        "StandardError: An error has occurred, this and all later migrations canceled:".into(),
                        "".into(),
                        "PG::LockNotAvailable: ERROR:  canceling statement due to lock timeout".into(),
                        format!("/app/{path}:3:in `change'"),
                        format!("Tasks: TOP => {task}"),
                        "(See full trace by running task with --trace)".into(),
                    ] {
                        log.line(&line);
                    }
                    return finish_release(&s, &release_id, &log, false);
                }
                log.line("   -> 0.0123s");
            }
            log.line(&banner(&version, &class, "migrated (0.0125s)"));
            let mut w = s.world();
            let set = if dir == "db/migrate/" { &mut w.heroku.applied_schema } else { &mut w.heroku.applied_data };
            set.insert(version);
        }
    }
    s.clock.sleep(STEP).await;
    finish_release(&s, &release_id, &log, true);
    go_live(&s, &repo, sha);
}

fn finish_release(s: &Shared, release_id: &str, log: &OutputLog, ok: bool) {
    log.finish();
    let now = s.clock.now();
    if let Some(r) = s.world().heroku.release_mut(release_id) {
        r.status = if ok { Status::Succeeded } else { Status::Failed };
        r.updated_at = now;
    }
}

/// Traffic moves to the release: Sentry tags new events with it, and the drill's issue starts
/// (or stops) according to whether the bug is in the live code.
fn go_live(s: &Shared, repo: &Repository, sha: Oid) {
    let now = s.clock.now();
    let mut w = s.world();
    w.sentry.live.push((now, sha.to_string()));
    let issue_live = s.drill.new_issue.as_ref().is_some_and(|spec| triggered(repo, sha, spec.trigger));
    let router_live = s.drill.router_trouble.is_some_and(|t| triggered(repo, sha, t.trigger));
    if issue_live || router_live {
        for said in &s.drill.chatter {
            let at = now + chrono::Duration::from_std(s.clock.scaled(said.delay)).unwrap_or_default();
            w.slack.chatter.push(super::world::slack::ChatterMessage::new(said, at));
        }
    }
    let Some(spec) = s.drill.new_issue.clone() else { return };
    let speed = s.clock.speed();
    let starts = now + chrono::Duration::from_std(s.clock.scaled(spec.delay)).unwrap_or_default();
    let ends = spec.lasts.map(|d| starts + chrono::Duration::from_std(s.clock.scaled(d)).unwrap_or_default());
    let existing = w.sentry.issues.iter_mut().find(|i| i.id == DRILL_ISSUE_ID);
    let live = triggered(repo, sha, spec.trigger);
    match (existing, live) {
        (Some(issue), true) if !issue.is_active() => issue.spans.push(sentry::Span {
            start: starts,
            end: ends,
            per_sec: spec.per_sec * speed,
            burst: spec.burst,
        }),
        (Some(issue), false) => {
            for span in issue.spans.iter_mut().filter(|s| s.end.is_none()) {
                span.end = Some(now.max(span.start));
            }
        }
        (None, true) => w.sentry.issues.push(sentry::Issue {
            id: DRILL_ISSUE_ID,
            short_id: "STOREFRONT-4F".into(),
            exception: spec.exception.into(),
            value: spec.value.into(),
            culprit: spec.culprit.into(),
            first_release: sha.to_string(),
            status: "unresolved".into(),
            spans: vec![sentry::Span { start: starts, end: ends, per_sec: spec.per_sec * speed, burst: spec.burst }],
            frames: resolve_frames(repo, sha, &spec.frames),
        }),
        _ => {}
    }
}

pub const DRILL_ISSUE_ID: u64 = 4_501_000_100;
