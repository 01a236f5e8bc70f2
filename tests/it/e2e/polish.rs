//! Issue 15's deploy and watch findings, through the binary against the sandbox, as a new user
//! meets them: no TTY and no `--yes`, who the Slack message names, each fact said once, progress
//! that shows the run is alive, and hints that name what is wrong.
use super::{announcement, context, of_type, result, Drill};
use crate::support::Run;
use bpdeploy::cli::Scenario;
use serde_json::Value;

/// A run without any of the names bpdeploy looks for first (`BPDEPLOY_USER`, `USER`, `LOGNAME`).
async fn anonymous(d: &Drill, args: &[&str]) -> Run {
    let cmd = d.cmd().env_remove("BPDEPLOY_USER").env_remove("USER").env_remove("LOGNAME").args(args);
    d.run_cmd(cmd).await
}

/// Lines of `text` that contain `needle`.
fn lines_with<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(needle)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_tty_or_yes_a_deploy_stops_before_a_single_request() {
    let d = Drill::start(Scenario::Happy).await;
    let before = d.sb.requests().len();
    let run = d.run(&["--json", "deploy", "--watch"]).await;
    assert_eq!(run.code, 2, "{}", context(&run));
    assert_eq!(run.events().len(), 1, "the result and nothing else: {}", context(&run));
    let r = result(&run);
    assert_eq!(r["status"], "confirmation_required", "{r}");
    assert_eq!(r["error"]["code"], "confirmation_required", "{r}");
    assert_eq!(r["next"][0]["command"], "bpdeploy deploy --watch --yes", "{r}");
    assert_eq!(r["next"][1]["command"], "bpdeploy deploy --watch --dry-run", "{r}");

    let human = d.run(&["deploy"]).await;
    assert_eq!(human.code, 2, "{}", context(&human));
    assert!(human.stdout.starts_with("Not deploying: there is no TTY to confirm on"), "{}", context(&human));
    assert!(human.stdout.contains("Next: bpdeploy deploy --yes — confirm up front"), "{}", human.stdout);
    assert!(!human.stderr.contains("preflight"), "no preflight ran first: {}", human.stderr);
    let watch = d.run(&["--json", "watch", "--auto-rollback"]).await;
    assert_eq!((watch.code, result(&watch)["status"].as_str()), (2, Some("confirmation_required")));
    // The recovery commands too: no preview is read only to be refused.
    for args in [&["rollback"][..], &["revert", "4"]] {
        let run = d.run(args).await;
        assert_eq!(run.code, 2, "{}", context(&run));
        assert!(run.stderr.contains("needs confirmation") && run.stderr.contains("--yes"), "{}", run.stderr);
    }
    assert_eq!(d.sb.requests().len(), before, "not one request reached a service");
}

/// Off a TTY, without `-v`: each migration has its line (not its raw rake line as well), the
/// watch says it is alive at its first look, and nobody is "someone": with no login name and no
/// git identity the Heroku account's email names the deployer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_deploy_says_each_thing_once_and_names_the_deployer() {
    let d = Drill::start(Scenario::Happy).await;
    let repo = git2::Repository::open(d.sb.repo_dir()).unwrap();
    let mut local = repo.config().unwrap().open_level(git2::ConfigLevel::Local).unwrap();
    local.remove("user.name").unwrap();
    local.remove("user.email").unwrap();
    let run = anonymous(&d, &["deploy", "--yes", "--watch", "--duration", "300ms", "--interval", "100ms"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let migrating = lines_with(&run.stderr, "AddLoyaltyPointsToOrders: migrating");
    assert_eq!(migrating, ["migration 20250101000001 AddLoyaltyPointsToOrders: migrating"], "{}", run.stderr);
    assert!(lines_with(&run.stderr, "-----> Building").is_empty(), "the build log is -v's: {}", run.stderr);
    assert!(!run.stderr.contains("(request 1)"), "{}", run.stderr);
    let look = lines_with(&run.stderr, "watching · 0s · ");
    assert_eq!(look.len(), 1, "the first look says the watch is alive: {}", run.stderr);
    let message = announcement(&d.sb);
    assert!(message.history[0].starts_with(":construction: you@acme.test is deploying"), "{:?}", message.history);
}

/// `-v` adds the raw log (each line once, behind the gutter) and how long each phase took.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verbose_adds_the_log_and_each_phases_time() {
    let d = Drill::start(Scenario::Happy).await;
    let run = d.run(&["-v", "deploy", "--yes"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let raw = lines_with(&run.stderr, "== 20250101000001 AddLoyaltyPointsToOrders: migrating");
    assert_eq!(raw, ["  | == 20250101000001 AddLoyaltyPointsToOrders: migrating ========================="]);
    assert_eq!(lines_with(&run.stderr, "-----> Building on the Heroku-24 stack").len(), 1, "{}", run.stderr);
    for phase in ["resolve source took", "preflight took", "building took", "release phase took"] {
        assert!(run.stderr.contains(phase), "-v times each phase: {phase}: {}", run.stderr);
    }
}

/// The result speaks the same shapes as the rest of the contract: the preflight event's reasons
/// are `preflight --json`'s, the result's `lock` is the last `lock` event, and git's user.name
/// names the deployer when no login name is set.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deploy_result_keeps_the_lock_and_the_reasons_in_their_shapes() {
    let d = Drill::start(Scenario::Happy).await;
    let repo = git2::Repository::open(d.sb.repo_dir()).unwrap();
    repo.config().unwrap().set_str("user.name", "Dana Deployer").unwrap();
    let preflight = d.run(&["--json", "preflight"]).await;
    assert_eq!(preflight.code, 0, "{}", context(&preflight));
    let reasons = preflight.json()["verdict"]["reasons"].clone();
    let run = anonymous(&d, &["--json", "deploy", "--yes"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let event = &of_type(&run, "preflight")[0];
    assert_eq!(event["reasons"], reasons, "one shape for reasons: {event}");
    assert!(event["reasons"][0]["level"].is_string() && event["reasons"][0]["code"].is_string(), "{event}");
    let mut lock = of_type(&run, "lock").last().cloned().expect("a lock event");
    lock.as_object_mut().unwrap().remove("type");
    assert_eq!(result(&run)["lock"], lock, "{}", context(&run));
    assert_eq!(lock, serde_json::json!({"held": false, "holder": null, "forced": false}));
    let message = announcement(&d.sb);
    assert!(message.history[0].starts_with(":construction: Dana Deployer is deploying"), "{:?}", message.history);
    // A watch of a release already live read no release-phase log: it says nothing of migrations.
    let watch = d.run(&["--json", "watch", "--duration", "200ms", "--interval", "100ms"]).await;
    assert_eq!(watch.code, 0, "{}", context(&watch));
    assert!(result(&watch)["migrations"].is_null(), "{}", context(&watch));
}

/// A failed build, off a TTY: its log is printed once (in the result, behind the gutter), the
/// database sentence once, and Slack no longer says anyone is deploying.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_build_is_told_once_and_slack_says_it_failed() {
    let d = Drill::start(Scenario::BuildFails).await;
    let run = d.run(&["deploy", "--yes"]).await;
    assert_eq!(run.code, 3, "{}", context(&run));
    let all = format!("{}{}", run.stdout, run.stderr);
    assert_eq!(lines_with(&all, "Precompiling assets failed").len(), 1, "{}", context(&run));
    assert_eq!(lines_with(&run.stdout, "  |  !     Precompiling assets failed.").len(), 1, "{}", run.stdout);
    assert_eq!(all.matches("the database was not touched").count(), 1, "{}", context(&run));
    let last = announcement(&d.sb).text;
    assert!(last.starts_with(":x: drill could not deploy"), "{last}");
    assert!(!last.contains("is deploying"), "{last}");
}

/// `-v` shows the retries of a flaky API; `-vv` logs the real paths, never a template or a token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verbose_runs_show_retries_and_real_paths() {
    let d = Drill::start(Scenario::FlakyApi).await;
    let run = d.run(&["-v", "deploy", "--yes"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let retries = lines_with(&run.stderr, "; retry 1 of 4 in ");
    assert!(!retries.is_empty(), "the flaky answers show: {}", run.stderr);
    assert!(lines_with(&run.stderr, " request ").is_empty(), "each request is -vv's: {}", run.stderr);
    let traced = d.run(&["-vv", "watch", "--duration", "200ms", "--interval", "100ms"]).await;
    let requests = lines_with(&traced.stderr, "endpoint=GET /apps/storefront/releases");
    assert!(!requests.is_empty(), "the real path: {}", traced.stderr);
    assert!(!traced.stderr.contains("{app}") && !traced.stderr.contains("{release}"), "{}", traced.stderr);
    let token = d.sb.tokens().heroku.clone();
    assert!(!traced.stderr.contains(&token), "tokens stay masked");
}

/// Hints name what is wrong: the release or the build that is not there (not the app), the
/// branch GitHub does not have (not `--to`), the Sentry token (exit 4, before watching).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_name_the_release_the_build_the_branch_and_the_token() {
    let d = Drill::start(Scenario::Happy).await;
    let error = |run: &Run| -> Value { run.events().last().cloned().unwrap_or_default()["error"].clone() };
    let release = d.run(&["--json", "watch", "--release", "v999"]).await;
    assert_eq!(release.code, 1, "{}", context(&release));
    assert_eq!(error(&release)["message"], "storefront has no release v999", "{}", context(&release));
    assert!(error(&release)["hint"].as_str().unwrap().contains("newest release is v6"), "{}", release.stdout);
    let build = d.run(&["watch", "--build", "bogus"]).await;
    assert_eq!(build.code, 1, "{}", context(&build));
    assert!(build.stderr.contains("error: storefront has no build bogus"), "{}", build.stderr);
    assert!(!build.stderr.contains("app storefront was not found"), "{}", build.stderr);
    let app = d.run(&["--app", "nope", "watch", "--release", "v1"]).await;
    assert!(app.stderr.contains("app nope was not found"), "an unknown app still says so: {}", app.stderr);

    let branch = d.run(&["--json", "deploy", "--yes", "--branch", "nosuch"]).await;
    assert_eq!(branch.code, 1, "{}", context(&branch));
    let failure = &result(&branch)["error"];
    assert_eq!(failure["message"], "GitHub has no branch nosuch in acme/storefront", "{failure}");
    assert!(failure["hint"].as_str().unwrap().starts_with("check --branch"), "{failure}");
    assert_eq!(result(&branch)["production"], "storefront is unchanged: nothing was deployed");

    let missing = d.run_cmd(d.cmd().env_remove("SENTRY_AUTH_TOKEN").args(["watch"])).await;
    assert_eq!(missing.code, 4, "{}", context(&missing));
    assert!(missing.stderr.contains("SENTRY_AUTH_TOKEN"), "{}", missing.stderr);
    let looks = |d: &Drill| d.sb.requests().iter().filter(|r| r.path.ends_with("/issues/")).count();
    let before = looks(&d);
    let rejected = d.run_cmd(d.cmd().env("SENTRY_AUTH_TOKEN", "sntryu_revoked_0000000000").args(["watch"])).await;
    assert_eq!(rejected.code, 4, "{}", context(&rejected));
    assert!(
        !rejected.stdout.contains("Deploy stopped") && !rejected.stderr.contains("watching v"),
        "{}",
        context(&rejected)
    );
    assert!(rejected.stderr.contains("SENTRY_AUTH_TOKEN"), "the hint names the token: {}", rejected.stderr);
    assert_eq!(looks(&d), before + 1, "one read found it out, before any look");
}
