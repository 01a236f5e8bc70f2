//! The recovery writes under the faults of issue 9, through the fault proxy in front of the
//! sandbox: a rollback and each revert write (commit, branch, PR, merge) whose answer is lost
//! is read back and never sent twice; and two rollbacks started together never both post.
use crate::e2e::context;
use crate::faults::{Fault, Faulty, Rule, TIMEOUT};
use bpdeploy::cli::Scenario;
use serde_json::Value;
use std::time::Duration;

const ROLLBACK: &str = "/heroku/apps/storefront/releases";

/// Requests the sandbox received of `method path` (as the request log writes the path).
fn received(f: &Faulty, method: &str, path: &str) -> usize {
    f.d.sb.requests().iter().filter(|r| r.method == method && r.path == path).count()
}

async fn rollback_releases(f: &Faulty) -> Vec<Value> {
    let releases = f.heroku("apps/storefront/releases").await;
    let all = releases.as_array().unwrap().clone();
    all.into_iter().filter(|r| r["description"].as_str().is_some_and(|d| d.starts_with("Rollback"))).collect()
}

async fn deployed(scenario: Scenario) -> Faulty {
    let f = Faulty::start(scenario).await;
    let deploy = f.run(&["--json", "deploy", "--yes"]).await;
    assert_eq!(deploy.code, 0, "{}", context(&deploy));
    f
}

async fn rollback_case(name: &str, fault: Fault, sent: bool) {
    let f = deployed(Scenario::ErrorSpike).await;
    f.proxy.add(Rule::new("POST", ROLLBACK, fault));
    let run = f.run(&["--json", "rollback", "--yes"]).await;
    assert!(!f.proxy.applied().is_empty(), "{name}: the fault was injected");
    let made = rollback_releases(&f).await;
    let r = run.json();
    match sent {
        // Heroku made it and the answer was lost: found by reading back, not sent again.
        true => {
            assert_eq!((run.code, r["action"].as_str()), (0, Some("rolled_back")), "{name}: {}", context(&run));
            assert_eq!(made.len(), 1, "{name}: one rollback release: {made:#?}");
            assert_eq!(r["release"]["version"], made[0]["version"], "{name}: the one found");
            assert!(run.stderr.contains("so it was not sent again"), "{name}: {}", run.stderr);
        }
        // It never reached Heroku: nothing appears on reading back, and it is not sent again.
        false => {
            assert_eq!((run.code, r["action"].as_str()), (1, Some("failed")), "{name}: {}", context(&run));
            assert!(made.is_empty(), "{name}: {made:#?}");
            assert_eq!(r["refusal"]["code"], "rollback_unconfirmed", "{name}: {r}");
            assert_eq!(r["next"][0]["command"], "bpdeploy releases", "{name}: {r}");
        }
    }
    assert_eq!(received(&f, "POST", "/apps/storefront/releases"), usize::from(sent), "{name}: one POST at most");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_whose_answer_is_lost_is_read_back_and_never_sent_twice() {
    let past = TIMEOUT + Duration::from_millis(300);
    let cases = [
        ("reset after processing", Fault::ResetAfter, true),
        ("502 after processing", Fault::StatusAfter(502), true),
        ("truncated answer", Fault::Truncate, true),
        ("arrives after the timeout", Fault::Late(past), true),
        ("reset before processing", Fault::ResetBefore, false),
        ("stall past the timeout", Fault::Stall(past), false),
    ];
    for batch in cases.chunks(3) {
        futures_util::future::join_all(batch.iter().map(|(name, fault, sent)| rollback_case(name, *fault, *sent)))
            .await;
    }
}

/// Each create of a revert loses its answer once (Heroku-style: processed, then the connection
/// reset); the run reads it back, carries on, and GitHub holds exactly one of each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_revert_write_whose_answer_is_lost_is_read_back_and_sent_once() {
    let repo = "/repos/acme/storefront";
    let writes = [
        ("POST", format!("{repo}/git/commits")),
        ("POST", format!("{repo}/git/refs")),
        ("POST", format!("{repo}/pulls")),
        ("PUT", format!("{repo}/pulls/9/merge")),
    ];
    let writes = &writes;
    let cases = writes.iter().map(|(method, path)| async move {
        let f = Faulty::start(Scenario::ErrorSpike).await;
        let prefix = format!("/github{path}");
        f.proxy.add(Rule::new(method, &prefix, Fault::ResetAfter));
        let run = f.run(&["--json", "revert", "4", "--yes", "--merge"]).await;
        let label = format!("{method} {path}");
        assert!(!f.proxy.applied().is_empty(), "{label}: the fault was injected: {}", context(&run));
        assert_eq!((run.code, run.json()["action"].as_str()), (0, Some("merged")), "{label}: {}", context(&run));
        for (m, p) in writes {
            assert_eq!(received(&f, m, p), 1, "{label}: {m} {p} was sent once: {}", context(&run));
        }
        let pulls = f.github("repos/acme/storefront/pulls?state=all&per_page=100").await;
        let reverts = pulls.as_array().unwrap().iter().filter(|p| p["head"]["ref"] == "revert-4-dave-loyalty-points");
        assert_eq!(reverts.count(), 1, "{label}: one revert PR");
    });
    futures_util::future::join_all(cases).await;
}

/// Two people press "roll back" at once. The proxy holds each rollback POST until both runs
/// have made their GitHub deployment (or one has stopped), so both really race for the lock.
/// Each round exactly one rollback is posted; the other run exits 5 naming who holds the lock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_rollbacks_started_together_never_both_post() {
    let f = deployed(Scenario::ErrorSpike).await;
    let hold = f.proxy.hold("POST", ROLLBACK);
    let made = |f: &Faulty, path: &str| {
        f.d.sb.requests().iter().filter(|r| r.method == "POST" && r.path == path && r.status == 201).count()
    };
    for round in 0..4 {
        let rollbacks = made(&f, "/apps/storefront/releases");
        let (a, b) = f.race(&hold, &["--json", "rollback", "--yes"]).await;
        let mut codes = [a.code, b.code];
        codes.sort();
        assert_eq!(codes, [0, 5], "round {round}: one rolls back, one is refused\n{}\n{}", context(&a), context(&b));
        assert_eq!(made(&f, "/apps/storefront/releases"), rollbacks + 1, "round {round}: exactly one rollback");
        let refused = if a.code == 5 { a.json() } else { b.json() };
        assert_eq!(refused["action"], "refused", "round {round}: {refused}");
        let refusal = &refused["refusal"];
        assert_eq!(refusal["code"], "locked", "round {round}: {refused}");
        assert!(refusal["message"].as_str().unwrap().contains(" by "), "names who holds it: {refusal}");
    }
    f.assert_every_deployment_closed().await;
}

/// The deploy's thread does not end at "rolled back … (live as v8)" as if all were well: its last
/// reply (posted once) and the announcement's latest state say the watch of v8 could not run and
/// how to resume it.
fn assert_thread_ends_with_the_watch_to_resume(f: &Faulty, run: &crate::support::Run) {
    let record = f.d.sb.slack_record();
    let announcement = crate::e2e::announcement(&f.d.sb);
    let replies: Vec<&str> = record.thread(&announcement.ts).iter().map(|m| m.text.as_str()).collect();
    let said = |t: &str| t.contains("the watch of v8 could not run") && t.contains("`bpdeploy watch --release v8`");
    assert_eq!(replies.iter().filter(|t| said(t)).count(), 1, "said once: {replies:#?}\n{}", context(run));
    assert!(replies.last().is_some_and(|t| said(t)), "the thread ends with it: {replies:#?}");
    assert!(announcement.text.lines().last().is_some_and(said), "{}", announcement.text);
}

/// The rollback went through, then the watch of it could not read its release (Heroku answers
/// 503 to every release read once the rollback is recorded). The rollback is not lost with the
/// watch: the result says rolled_back and v8, warns `watch_failed`, exits 1 and resumes the watch.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_that_fails_after_the_rollback_keeps_the_rollback() {
    let args = ["rollback", "--yes", "--watch", "--duration", "1s", "--interval", "100ms"];
    let run = |json: bool| async move {
        let f = deployed(Scenario::ErrorSpike).await;
        // The Sentry deploy marker is the rollback's last write before its watch.
        let marker = "/sentry/api/0/organizations/acme/releases/";
        let rule = Rule::new("GET", "/heroku/apps/storefront/releases/", Fault::Status(503));
        f.proxy.add(rule.always().after("POST", marker));
        let mut all = if json { vec!["--json"] } else { vec![] };
        all.extend(args);
        let run = f.run(&all).await;
        assert!(!f.proxy.applied().is_empty(), "the fault was injected: {}", context(&run));
        assert_eq!(rollback_releases(&f).await.len(), 1, "one rollback release");
        assert_thread_ends_with_the_watch_to_resume(&f, &run);
        run
    };
    let (json, human) = tokio::join!(run(true), run(false));
    assert_eq!(json.code, 1, "{}", context(&json));
    let r = crate::e2e::result(&json);
    assert_eq!((r["action"].as_str(), r["release"]["version"].as_u64()), (Some("rolled_back"), Some(8)), "{r}");
    let warning = r["warnings"].as_array().unwrap().iter().find(|w| w["code"] == "watch_failed");
    assert!(warning.is_some_and(|w| w["message"].as_str().unwrap().contains("v8")), "{r}");
    assert_eq!(r["next"][0]["command"], "bpdeploy watch --release v8", "{r}");
    assert_eq!(human.code, 1, "{}", context(&human));
    for line in ["Rollback release v8: succeeded", "warning: ", "Next: bpdeploy watch --release v8"] {
        assert!(human.stdout.contains(line), "{line:?} in {}", human.stdout);
    }
}
