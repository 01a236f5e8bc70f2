//! The error-spike drill through `deploy --watch` and `watch --auto-rollback`: the verdict comes
//! within one interval of the new issue showing up, names it and the triage command; a rollback
//! is one new release and the spike stops.
use super::{announcement, context, of_type, result, step, Drill};
use bpdeploy::cli::Scenario;
use serde_json::Value;

const TITLE: &str = "NoMethodError: undefined method 'multiplier' for nil";

/// Watch ticks from the first one that saw a new issue to the verdict, inclusive.
fn ticks_after_the_issue_appeared(run: &crate::support::Run) -> usize {
    let ticks = of_type(run, "watch");
    let first = ticks.iter().position(|t| t["new_issues"].as_array().is_some_and(|i| !i.is_empty()));
    let first = first.unwrap_or_else(|| panic!("no tick saw the new issue: {}", context(run)));
    ticks.len() - first
}

/// The new issue in Sentry, read straight from the sandbox (not through bpdeploy).
async fn spike_issue(d: &Drill) -> Value {
    let query = format!("is:unresolved+firstRelease:{}", d.sb.scratch().head);
    d.sentry(&format!("api/0/organizations/acme/issues/?query={query}&statsPeriod=1h")).await[0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_spike_fails_the_watch_within_one_interval_and_names_the_issue_and_triage() {
    let d = Drill::start(Scenario::ErrorSpike).await;
    let run = d.run(&["--json", "deploy", "--yes", "--watch"]).await;
    assert_eq!(run.code, 3, "{}", context(&run));
    let r = result(&run);
    assert_eq!(r["status"], "failing");
    let watch = &r["watch"];
    assert_eq!(watch["verdict"], "failing");
    assert_eq!(watch["top_issues"][0]["title"], TITLE, "{watch}");
    let triage = watch["triage_command"].as_str().unwrap_or_else(|| panic!("a triage command: {watch}"));
    let issue = spike_issue(&d).await;
    assert!(triage.starts_with("bpdeploy triage") && triage.contains(issue["id"].as_str().unwrap()), "{triage}");
    assert!(r["next"].as_array().unwrap().iter().any(|n| n["command"] == triage), "the next step is triage: {r}");
    let verdicts = of_type(&run, "verdict");
    assert_eq!(verdicts.len(), 1);
    assert_eq!(verdicts[0]["top_issues"][0]["title"], TITLE);
    // The verdict comes on the tick that sees the issue or the next one, never at the end of the
    // watch: counted in ticks, not in wall-clock time.
    let late = ticks_after_the_issue_appeared(&run);
    assert!(late <= 2, "{late} ticks between the issue appearing and the verdict: {}", context(&run));
    let watched = of_type(&run, "watch").len();
    assert!(watched < 10, "stopped early: the full watch is 10 ticks, this one had {watched}");

    let h = announcement(&d.sb).history;
    assert!(step(&h, "watching errors") < step(&h, "v7 is failing"), "{h:#?}");
    d.assert_contract();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_rollback_creates_one_rollback_release_and_the_spike_stops() {
    let d = Drill::start(Scenario::ErrorSpike).await;
    let deploy = d.run(&["--json", "deploy", "--yes"]).await;
    assert_eq!(deploy.code, 0, "{}", context(&deploy));
    assert_eq!(result(&deploy)["status"], "live");

    let run = d.run(&["--json", "--yes", "watch", "--auto-rollback", "--duration", "3s", "--interval", "150ms"]).await;
    assert_eq!(run.code, 3, "a rolled-back release still failed: {}", context(&run));
    let r = result(&run);
    assert_eq!(r["status"], "rolled_back", "{}", context(&run));
    let rollback = &r["rollback"];
    assert_eq!((rollback["from_version"].as_u64(), rollback["to_version"].as_u64()), (Some(7), Some(6)), "{r}");
    assert_eq!(rollback["new_version"].as_u64(), Some(8));
    // `watch` ran no preflight: the PRs come from the scratch repository's range v6..v7.
    let removed: Vec<u64> = rollback["removed_pull_requests"]
        .as_array()
        .unwrap_or_else(|| panic!("a list of removed PRs: {r}"))
        .iter()
        .filter_map(|p| p["number"].as_u64())
        .collect();
    assert!(removed.contains(&4), "PR #4 (shipped in v7) is among the removed PRs: {removed:?}");
    let unknown =
        of_type(&run, "warning").into_iter().filter(|w| w["message"].as_str().unwrap_or("").contains("pull requests"));
    assert_eq!(unknown.count(), 0, "the range was read: {}", context(&run));
    assert!(r["production"].as_str().unwrap().contains("schema migrations of v7 stay applied"), "{r}");

    let releases = d.releases().await;
    let rollbacks: Vec<&Value> =
        releases.iter().filter(|r| r["description"].as_str().unwrap().starts_with("Rollback")).collect();
    assert_eq!(rollbacks.len(), 1, "exactly one rollback: {releases:#?}");
    assert_eq!(rollbacks[0]["description"], "Rollback to v6");
    assert_eq!((rollbacks[0]["version"].as_u64(), rollbacks[0]["current"].as_bool()), (Some(8), Some(true)));
    let slack: Vec<String> = d.sb.slack_record().messages.iter().flat_map(|m| m.history.clone()).collect();
    assert!(slack.iter().any(|t| t.contains("v7 is failing, rolling back")), "announced: {slack:#?}");
    assert!(slack.iter().any(|t| t.contains("v7 was rolled back to v6")), "announced: {slack:#?}");
    assert!(slack.iter().any(|t| t.starts_with("Verdict: failing, rolled back")), "announced: {slack:#?}");
    let posts = d.sb.exchanges().into_iter().filter(|x| x.method == "POST" && x.path == "/apps/storefront/releases");
    assert_eq!(posts.count(), 1, "the rollback POST is sent once");

    // The spike stops: v6's code has no bug, so the issue gains no events over six drill
    // seconds (twelve events at the spike's rate). Watching v8 again right away is no test of
    // this: its error count starts on a whole second, which at drill speed still holds the tail
    // of v7's spike.
    let before = spike_issue(&d).await["count"].clone();
    tokio::time::sleep(std::time::Duration::from_secs(6).div_f64(super::SPEED)).await;
    assert_eq!(spike_issue(&d).await["count"], before, "no new events once v6's code serves traffic");

    // Watching the rollback release: v6's commit (and so its Sentry release) has issues from its
    // first life days ago; none of them is new in v8.
    let again = d.run(&["--json", "watch", "--release", "v8", "--duration", "300ms", "--interval", "100ms"]).await;
    let ticks = of_type(&again, "watch");
    assert!(!ticks.is_empty(), "{}", context(&again));
    for tick in &ticks {
        assert_eq!(tick["new_issues"], serde_json::json!([]), "nothing is new in a rollback: {}", context(&again));
    }
    d.assert_contract();
}

/// "n" to `--auto-rollback`'s question at a terminal: the watch goes on to its verdict, fails
/// (exit 3) with nothing rolled back, and the first thing to do is the rollback by hand.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declining_the_automatic_rollback_at_a_terminal_watches_on_and_rolls_nothing_back() {
    let d = Drill::start(Scenario::ErrorSpike).await;
    let deploy = d.run(&["--json", "deploy", "--yes"]).await;
    assert_eq!(deploy.code, 0, "{}", context(&deploy));
    let before = d.sb.requests().len();
    let cmd = d.cmd().args(["watch", "--auto-rollback", "--duration", "3s", "--interval", "150ms"]);
    let run = tokio::task::spawn_blocking(move || cmd.run_on_terminal("n\n")).await.expect("ran");
    let screen = &run.stdout;
    assert_eq!(run.code, 3, "{screen}");
    assert!(screen.contains("Roll storefront back automatically if the watch says failing? [y/N]"), "{screen}");
    let looks = d.sb.requests()[before..].iter().filter(|r| r.path.ends_with("/issues/")).count();
    assert!(looks >= 1, "it watched on after the answer: {screen}");
    let rollbacks: Vec<String> = d.sb.requests()[before..]
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/apps/storefront/releases")
        .map(|r| format!("{} {} {}", r.method, r.path, r.status))
        .collect();
    assert_eq!(rollbacks, Vec::<String>::new(), "declined: nothing was rolled back: {screen}");
    let releases = d.releases().await;
    let newest = releases.iter().max_by_key(|r| r["version"].as_u64()).unwrap();
    assert_eq!((newest["version"].as_u64(), newest["current"].as_bool()), (Some(7), Some(true)), "v7 still serves");
    assert!(screen.contains("the automatic rollback was declined: nothing was rolled back"), "{screen}");
    let next = screen.lines().find(|l| l.starts_with("Next: ")).unwrap_or_else(|| panic!("{screen}"));
    assert!(next.starts_with("Next: bpdeploy rollback"), "{screen}");
}

/// Issue 9: `watch --release v6` after v7 went live said "serves v6, which is failing" and
/// recommended a rollback. The account names the release current now, and rolls nothing back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watching_an_older_release_names_the_current_one_and_recommends_no_rollback() {
    let d = Drill::start(Scenario::Happy).await;
    let deploy = d.run(&["--json", "deploy", "--yes"]).await;
    assert_eq!(deploy.code, 0, "{}", context(&deploy));
    let run = d.run(&["--json", "watch", "--release", "v6", "--duration", "300ms", "--interval", "100ms"]).await;
    let r = result(&run);
    assert_eq!(r["account"]["current_release"], 7, "{}", context(&run));
    let production = r["production"].as_str().unwrap();
    assert!(production.starts_with("storefront serves v7") && production.contains("v6"), "{production}");
    let next: Vec<&str> = r["next"].as_array().unwrap().iter().map(|n| n["command"].as_str().unwrap()).collect();
    assert!(!next.iter().any(|n| n.contains("rollback")), "v6 is not live: nothing to roll back: {next:?}");
    assert!(next.contains(&"bpdeploy watch --release v7"), "{next:?}");
}

/// Issue 9: Ctrl-C during `watch` after the release went live said "serves the previous release
/// until the work running on Heroku finishes". The account is read back: v7 serves, and the
/// command that watches it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_a_watch_names_the_live_release() {
    let d = Drill::start(Scenario::Happy).await;
    let deploy = d.run(&["--json", "deploy", "--yes"]).await;
    assert_eq!(deploy.code, 0, "{}", context(&deploy));
    let looks = |d: &Drill| d.sb.requests().iter().filter(|r| r.path.ends_with("/issues/")).count();
    let before = looks(&d);
    let mut watch = d.cmd().args(["--json", "watch", "--duration", "5m", "--interval", "100ms"]).spawn();
    // Two looks at Sentry: the watch is under way (bounded only as a hang guard).
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while looks(&d) < before + 2 {
        assert!(watch.try_wait().unwrap().is_none(), "the watch ended early");
        assert!(std::time::Instant::now() < give_up, "the watch never looked at Sentry");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let killed = std::process::Command::new("kill").args(["-INT", &watch.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let out = tokio::task::spawn_blocking(move || watch.wait_with_output()).await.unwrap().unwrap();
    let run = crate::support::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert_eq!(run.code, 130, "{}", context(&run));
    let r = result(&run);
    assert_eq!(r["production"], "storefront serves v7, the watched release", "{r}");
    assert_eq!(r["resume"], "bpdeploy watch --release v7", "{r}");
    // The team reads the same account: v7 went live and nothing runs on Heroku; the message
    // said "is deploying … Heroku carries on" after the deploy had said v7 was live.
    let text = super::announcement(&d.sb).text;
    assert!(text.contains("deployed") && text.contains("live as v7"), "{text}");
    assert!(!text.contains("is deploying") && !text.contains("carries on"), "{text}");
}

/// Issue 9, the Slack message follows the account: `bpdeploy watch` after a deploy (the command
/// the deploy's `next` names, and the resume of an interrupted one) posted a second announcement
/// of the same deploy, which claimed "0 PRs, 0 migrations" and, while it followed the release,
/// named no commit at all. The watch takes over the deploy's own message and edits it in place.
/// A release no bpdeploy announcement names gets a message of the watch's own, which names the
/// commit from its first word and claims no counts it does not know.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_edits_the_deploys_announcement_and_claims_nothing_it_does_not_know() {
    let d = Drill::start(Scenario::Happy).await;
    let deploy = d.run(&["--json", "deploy", "--yes"]).await;
    assert_eq!(deploy.code, 0, "{}", context(&deploy));
    let run = d.run(&["--json", "watch", "--duration", "300ms", "--interval", "100ms"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    assert_eq!(result(&run)["account"]["slack"], "up_to_date", "{}", context(&run));
    let message = announcement(&d.sb);
    assert!(message.text.contains("v7 is healthy"), "the deploy's message says how the watch ended: {message:#?}");
    assert!(message.text.contains("5 PRs, 4 migrations"), "and still what the deploy shipped: {}", message.text);
    let record = d.sb.slack_record();
    let thread: Vec<&str> = record.thread(&message.ts).iter().map(|m| m.text.as_str()).collect();
    assert_eq!(thread.last(), Some(&"Verdict: healthy."), "{thread:#?}");

    // v6 was deployed by hand days ago: nothing to take over.
    let old = d.run(&["--json", "watch", "--release", "v6", "--duration", "300ms", "--interval", "100ms"]).await;
    assert_eq!(old.code, 3, "{}", context(&old));
    let record = d.sb.slack_record();
    let own: Vec<_> = record.messages.iter().filter(|m| m.thread_ts.is_none() && m.ts != message.ts).collect();
    assert_eq!(own.len(), 1, "{own:#?}");
    let v6 =
        d.releases().await.into_iter().find(|r| r["version"] == 6).unwrap()["commit"].as_str().unwrap().to_string();
    for text in &own[0].history {
        assert!(text.contains(&v6) && !text.contains("0 PRs") && !text.contains("0 migrations"), "{text}");
    }
}
