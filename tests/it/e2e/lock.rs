//! Two people press the button: the second deploy is refused while the first one's build runs
//! (exit 5, naming the holder), and Ctrl-C on the first stops following without cancelling the
//! build (exit 130, with the command that resumes).
use super::{context, of_type, result, Drill};
use crate::support::Run;
use bpdeploy::cli::Scenario;
use std::process::{Child, Command};
use std::time::Duration;

/// Build POSTs the sandbox accepted.
fn builds_created(d: &Drill) -> usize {
    d.sb.exchanges()
        .iter()
        .filter(|x| x.method == "POST" && x.path == "/apps/storefront/builds" && x.status == 201)
        .count()
}

/// Waits (bounded) until the first deploy's build exists; the wait is on an event, not a time.
async fn until_a_build_is_created(d: &Drill, first: &mut Child) {
    for _ in 0..1500 {
        if builds_created(d) > 0 {
            return;
        }
        assert!(first.try_wait().unwrap().is_none(), "the first deploy ended before creating its build");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the first deploy never created its build");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_deploy_is_refused_and_ctrl_c_leaves_the_first_build_running() {
    // Speed 1: the first build takes seconds, a window no scheduler hiccup closes.
    let d = Drill::start_at(Scenario::Happy, 1.0).await;
    let mut first = d.cmd().env("BPDEPLOY_USER", "alice").args(["--json", "deploy", "--yes"]).spawn();
    until_a_build_is_created(&d, &mut first).await;

    let second = d.run(&["--json", "deploy", "--yes"]).await;
    let killed = Command::new("kill").args(["-INT", &first.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let first = tokio::task::spawn_blocking(move || Run::of(first)).await.unwrap();

    assert_eq!(second.code, 5, "{}", context(&second));
    let refused = result(&second);
    assert_eq!(refused["status"], "locked");
    let holder = &refused["lock"]["holder"];
    assert!(holder["what"].as_str().is_some_and(|w| !w.is_empty()), "{refused}");
    assert!(holder["who"].as_str().is_some_and(|w| !w.is_empty()), "names who holds it: {refused}");
    assert!(holder["since"].as_str().is_some_and(|w| !w.is_empty()), "and since when: {refused}");
    assert_eq!(builds_created(&d), 1, "the refused deploy created nothing");

    assert_eq!(first.code, 130, "{}", context(&first));
    let stopped = result(&first);
    assert_eq!(stopped["status"], "interrupted");
    let build = stopped["build_id"].as_str().unwrap_or_else(|| panic!("{stopped}"));
    assert_eq!(stopped["resume"], format!("bpdeploy watch --build {build}"), "{stopped}");
    let cancels = d.sb.exchanges().into_iter().filter(|x| x.method == "DELETE" || x.path.contains("cancel")).count();
    assert_eq!(cancels, 0, "Ctrl-C cancels nothing remote");
    // The build carries on at Heroku: still pending (it takes seconds at speed 1), or finished
    // on its own; never failed or cancelled by the interruption.
    let status = d.heroku(&format!("apps/storefront/builds/{build}")).await["status"].clone();
    assert!(status == "pending" || status == "succeeded", "the build carries on: {status}");
    d.assert_contract();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_deploy_resumes_with_the_command_it_printed() {
    let d = Drill::start(Scenario::Happy).await;
    let mut first = d.cmd().args(["--json", "deploy", "--yes"]).spawn();
    until_a_build_is_created(&d, &mut first).await;
    let killed = Command::new("kill").args(["-INT", &first.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let first = tokio::task::spawn_blocking(move || Run::of(first)).await.unwrap();
    assert_eq!(first.code, 130, "{}", context(&first));
    // `bpdeploy watch --build ID` while building, `--release vN` if the build already finished.
    let resume = result(&first)["resume"].as_str().unwrap_or_else(|| panic!("{}", context(&first))).to_string();
    let args: Vec<&str> = resume.strip_prefix("bpdeploy ").expect("a bpdeploy command").split(' ').collect();
    assert_eq!(args[0], "watch", "{resume}");

    let mut full = vec!["--json"];
    full.extend(&args);
    full.extend(["--duration", "300ms", "--interval", "100ms"]);
    let resumed = d.run(&full).await;
    assert_eq!(resumed.code, 0, "{resume}: {}", context(&resumed));
    let r = result(&resumed);
    assert_eq!((r["status"].as_str(), r["release"].as_u64()), (Some("healthy"), Some(7)), "{r}");
    assert_eq!(builds_created(&d), 1, "resuming follows the same build");
    d.assert_contract();
}

/// The race of issue 9: two `deploy --yes` started together both went ahead (check-then-act).
/// Twenty times, two deploys are started at once; the proxy in front of the sandbox holds each
/// build POST until both have passed the lock step (or one has stopped), so both really race.
/// Every time exactly one builds, the other exits 5 naming the holder. The same sandbox serves all
/// rounds, so from the second one on both pass `--force` (production already runs the tip).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_deploys_started_together_never_both_go() {
    let f = crate::faults::Faulty::start(Scenario::Happy).await;
    let hold = f.proxy.hold("POST", "/heroku/apps/storefront/builds");
    let created = |f: &crate::faults::Faulty, path: &str| {
        f.d.sb.requests().iter().filter(|r| r.method == "POST" && r.path == path && r.status == 201).count()
    };
    for round in 0..20 {
        let builds = created(&f, BUILDS);
        let (a, b) = f.race(&hold, &["--json", "deploy", "--yes", "--force"]).await;
        let mut codes = [a.code, b.code];
        codes.sort();
        assert_eq!(codes, [0, 5], "round {round}: one deploys, one is refused\n{}\n{}", context(&a), context(&b));
        assert_eq!(created(&f, BUILDS), builds + 1, "round {round}: exactly one build");
        let refused = if a.code == 5 { &a } else { &b };
        let r = result(refused);
        assert_eq!(r["status"], "locked", "round {round}: {r}");
        let holder = &r["lock"]["holder"];
        assert!(holder["who"].as_str().is_some_and(|w| w == "you" || w.contains('@')), "names the holder: {r}");
        assert!(holder["what"].as_str().is_some_and(|w| !w.is_empty()), "{r}");
    }
    // Every deployment ended: one success per round, every loser's record closed as an error.
    f.assert_every_deployment_closed().await;
}

const BUILDS: &str = "/apps/storefront/builds";

/// Issue 9's stale lock: after Ctrl-C the GitHub deployment stayed in progress and blocked every
/// deploy for an hour, even after the suggested `watch --build` ended healthy. Now a lock whose
/// Heroku work finished is stale (said, closed, deploy goes on), and the resume command takes the
/// deployment over and finishes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_deploys_lock_is_stale_once_its_work_finished_and_resuming_releases_it() {
    // Not resumed: the build and release phase finish on Heroku; the next deploy goes ahead.
    let f = crate::faults::Faulty::start(Scenario::Happy).await;
    let first = interrupted_deploy(&f).await;
    let deployment = in_progress_deployment(&f).await;
    until_live(&f, 7).await;
    let again = f.run(&["--json", "deploy", "--yes"]).await;
    assert_eq!((again.code, result(&again)["status"].clone()), (0, "nothing_to_deploy".into()), "{}", context(&again));
    let forced = f.run(&["--json", "deploy", "--yes", "--force"]).await;
    assert_eq!(forced.code, 0, "a stale lock does not hold: {}", context(&forced));
    let warnings = of_type(&forced, "warning");
    assert!(warnings.iter().any(|w| w["message"].as_str().unwrap().contains("stale lock")), "it says so: {warnings:?}");
    assert_eq!(deployment_state(&f, deployment).await, "success", "closed with how its work ended");
    assert!(first["resume"].is_string());

    // Resumed with the command it printed: the watch finishes the deployment; the lock is free.
    let f = crate::faults::Faulty::start(Scenario::Happy).await;
    let first = interrupted_deploy(&f).await;
    let deployment = in_progress_deployment(&f).await;
    let resume = first["resume"].as_str().unwrap().to_string();
    let mut args = vec!["--json"];
    args.extend(resume.strip_prefix("bpdeploy ").unwrap().split(' '));
    args.extend(["--duration", "300ms", "--interval", "100ms"]);
    let resumed = f.run(&args).await;
    assert_eq!(resumed.code, 0, "{resume}: {}", context(&resumed));
    assert_eq!(deployment_state(&f, deployment).await, "success", "the resume command finished the deployment");
    let again = f.run(&["--json", "deploy", "--yes", "--force"]).await;
    assert_eq!(again.code, 0, "{}", context(&again));
    let warnings = of_type(&again, "warning");
    assert!(
        !warnings.iter().any(|w| w["message"].as_str().unwrap().contains("stale lock")),
        "nothing stale: {warnings:?}"
    );
}

/// A deploy interrupted (SIGINT) while it follows the build: its build stream is held at the proxy.
async fn interrupted_deploy(f: &crate::faults::Faulty) -> serde_json::Value {
    let stream = f.proxy.hold("GET", "/streams/builds/");
    let mut child = f.d.cmd().args(["--json", "deploy", "--yes"]).spawn();
    let give_up = std::time::Instant::now() + Duration::from_secs(60);
    while !f.d.sb.requests().iter().any(|r| r.method == "POST" && r.path == BUILDS && r.status == 201) {
        assert!(child.try_wait().unwrap().is_none(), "the deploy ended before its build");
        assert!(std::time::Instant::now() < give_up, "no build within a minute");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let run = tokio::task::spawn_blocking(move || Run::of(child)).await.unwrap();
    stream.open();
    assert_eq!(run.code, 130, "{}", context(&run));
    result(&run)
}

async fn in_progress_deployment(f: &crate::faults::Faulty) -> u64 {
    let list = f.github("repos/acme/storefront/deployments?environment=storefront").await;
    let id = list[0]["id"].as_u64().unwrap();
    assert_eq!(deployment_state(f, id).await, "in_progress", "Ctrl-C after the build leaves it for the resume");
    id
}

async fn deployment_state(f: &crate::faults::Faulty, id: u64) -> String {
    let statuses = f.github(&format!("repos/acme/storefront/deployments/{id}/statuses")).await;
    statuses[0]["state"].as_str().unwrap_or("none").to_string()
}

/// Waits (bounded) until Heroku serves `version`: the interrupted deploy's work finishing alone.
async fn until_live(f: &crate::faults::Faulty, version: u64) {
    for _ in 0..3000 {
        let releases = f.heroku("apps/storefront/releases").await;
        if releases.as_array().unwrap().iter().any(|r| r["current"] == true && r["version"] == version) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("v{version} never went live");
}

/// The lock's own create, a GitHub deployment, whose request reaches GitHub after bpdeploy's
/// timeout: it was read back once, at once, found nothing, and the deploy stopped; the deployment
/// GitHub made a moment later then held the lock (no status, no build) and the next deploy, the
/// one the hint asked for, exited 5 for an hour. Read back over the safe window, it is found and
/// this deploy goes on with it; one that never reached GitHub stops the deploy and holds nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_deployment_whose_answer_is_lost_is_found_and_never_left_holding_the_lock() {
    use crate::faults::{Fault, Faulty, Rule, TIMEOUT};
    let late = Fault::Late(TIMEOUT + Duration::from_millis(300));
    let stall = Fault::Stall(TIMEOUT + Duration::from_millis(300));
    let cases = [
        (late, 0, "live"),
        (Fault::StatusAfter(502), 0, "live"),
        (stall, 1, "error"),
        (Fault::Status(500), 1, "error"),
    ];
    for (fault, code, status) in cases {
        let f = Faulty::start(Scenario::Happy).await;
        f.proxy.add(Rule::new("POST", "/github/repos/acme/storefront/deployments", fault));
        let run = f.run(&["--json", "deploy", "--yes"]).await;
        assert!(!f.proxy.applied().is_empty(), "{fault:?}: the fault was injected");
        assert_eq!((run.code, result(&run)["status"].clone()), (code, status.into()), "{fault:?}: {}", context(&run));
        if code == 0 {
            f.assert_truth(&run, &format!("{fault:?}")).await;
        }
        // Whatever reached GitHub, late or not, is finished: nothing holds the lock.
        tokio::time::sleep(Duration::from_millis(500)).await;
        f.assert_every_deployment_closed().await;
        let again = f.run(&["--json", "deploy", "--yes", "--force"]).await;
        assert_eq!(again.code, 0, "{fault:?}: the lock is free: {}", context(&again));
    }
}

/// Runs `args` with the first POST under `path` reaching the sandbox after three timeouts, and
/// sends Ctrl-C once the POST timed out, inside the read-back window (twice the timeout at least).
async fn ctrl_c_in_a_read_back(scenario: Scenario, path: &str, args: &[&str]) -> (crate::faults::Faulty, Run) {
    use crate::faults::{Fault, Faulty, Rule, TIMEOUT};
    let f = Faulty::start(scenario).await;
    f.proxy.add(Rule::new("POST", path, Fault::Late(TIMEOUT * 3)));
    let timeout = TIMEOUT.as_millis().to_string();
    let mut child = f.d.cmd().env("BPDEPLOY_HTTP_TIMEOUT_MS", timeout).args(args).spawn();
    let give_up = std::time::Instant::now() + Duration::from_secs(60);
    while f.proxy.applied().is_empty() {
        assert!(child.try_wait().unwrap().is_none(), "{args:?} ended before its POST to {path}");
        assert!(std::time::Instant::now() < give_up, "no POST to {path} within a minute");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(TIMEOUT * 3 / 2).await;
    assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    let run = tokio::task::spawn_blocking(move || Run::of(child)).await.unwrap();
    assert_eq!(run.code, 130, "{}", context(&run));
    (f, run)
}

/// Ctrl-C while the build POST's answer is lost (its request reaches Heroku after the timeout,
/// and the builds are being read back): one look found nothing and the account said "no build
/// was created", with nothing to resume, while Heroku built the commit a moment later. Until the
/// read-back window is over, whether a build exists is unknown, and the account says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_while_a_lost_build_post_is_read_back_leaves_the_build_unknown_not_absent() {
    let args = ["--json", "deploy", "--yes"];
    let (f, run) = ctrl_c_in_a_read_back(Scenario::Happy, "/heroku/apps/storefront/builds", &args).await;
    let r = result(&run);
    assert!(!r["production"].as_str().unwrap().contains("no build was created"), "{r}");
    assert!(!r["account"]["build"].is_null(), "found, or unknown: {r}");
    assert!(r["resume"].is_string(), "how to find out: {r}");
    // And Heroku did build it.
    until_live(&f, 7).await;
}

/// Ctrl-C while the automatic rollback's POST has lost its answer: the account said v7 serves
/// with nothing to resume and proposed triage only, while Heroku made the rollback a moment
/// later; someone reading it would roll back again. Whether the rollback happened is unknown,
/// and `bpdeploy releases` finds out; Slack keeps saying a rollback is under way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_while_a_lost_rollback_post_is_read_back_says_the_rollback_is_unknown() {
    let args = ["--json", "deploy", "--yes", "--watch", "--auto-rollback"];
    let (f, run) = ctrl_c_in_a_read_back(Scenario::ErrorSpike, "/heroku/apps/storefront/releases", &args).await;
    let r = result(&run);
    assert_eq!(r["resume"], "bpdeploy releases", "{r}");
    assert!(r["next"][0]["why"].as_str().unwrap().contains("rollback"), "{r}");
    let text = super::announcement(&f.d.sb).text;
    assert!(!text.contains("before a verdict"), "{text}");
}

/// Ctrl-C inside the lock deployment's read-back window: the create reached GitHub after the
/// deploy had gone, leaving a bpdeploy deployment with no status at all and no build, which held
/// the lock for an hour. While young it still holds it (its deploy may be reading it back); once
/// older than any read-back window, it is a stale lock: said, closed as an error, and the next
/// deploy goes ahead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_deployment_created_after_ctrl_c_goes_stale_once_no_read_back_can_claim_it() {
    let args = ["--json", "deploy", "--yes"];
    let (f, _) = ctrl_c_in_a_read_back(Scenario::Happy, "/github/repos/acme/storefront/deployments", &args).await;
    let path = "repos/acme/storefront/deployments?environment=storefront";
    let mut late = serde_json::Value::Null;
    for _ in 0..3000 {
        late = f.github(path).await[0].clone();
        if !late.is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let id = late["id"].as_u64().unwrap_or_else(|| panic!("the late create never reached GitHub: {late}"));
    assert_eq!(deployment_state(&f, id).await, "none", "nobody was left to give it a status");

    let young = f.run(&["--json", "deploy", "--yes"]).await;
    assert_eq!(young.code, 5, "a deployment this young may still be read back: {}", context(&young));

    f.d.sb.backdate_deployments(chrono::Duration::minutes(3));
    let next = f.run(&["--json", "deploy", "--yes"]).await;
    assert_eq!(next.code, 0, "a stale lock does not hold: {}", context(&next));
    let warnings = of_type(&next, "warning");
    let said = warnings.iter().any(|w| w["message"].as_str().unwrap().contains(&format!("{id} started")));
    assert!(said, "it says which lock is stale: {warnings:?}");
    assert_eq!(deployment_state(&f, id).await, "error", "closed: it never deployed anything");
}
