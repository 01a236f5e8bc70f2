//! The triage drills through the binary, each after a failing `deploy --watch`: the decision
//! each scenario calls for, the suspects behind it and the exact next command.
use crate::e2e::{context, Drill};
use bpdeploy::cli::Scenario;
use bpdeploy::sandbox::scratch::history::LOYALTY_PR;
use serde_json::Value;
use std::time::Duration;

/// A drill whose deploy --watch failed on the new issue.
async fn failed(scenario: Scenario) -> Drill {
    watched(scenario, &[3]).await
}

/// A drill after its deploy --watch, which exited with one of `codes`.
async fn watched(scenario: Scenario, codes: &[i32]) -> Drill {
    let d = Drill::start(scenario).await;
    let deploy = d.run(&["--json", "deploy", "--yes", "--watch"]).await;
    assert!(codes.contains(&deploy.code), "{scenario:?}: {}", context(&deploy));
    d
}

/// `bpdeploy --json triage ARGS…`: its one issue.
async fn triage(d: &Drill, args: &[&str]) -> Value {
    let mut all = vec!["--json", "triage"];
    all.extend_from_slice(args);
    let run = d.run(&all).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let issues = run.json()["issues"].as_array().cloned().unwrap_or_default();
    assert_eq!(issues.len(), 1, "the release's one new issue: {}", run.stdout);
    issues[0].clone()
}

fn suspects(issue: &Value, confidence: &str) -> Vec<u64> {
    let all = issue["suspects"].as_array().unwrap();
    all.iter().filter(|s| s["confidence"] == confidence).filter_map(|s| s["pull_request"].as_u64()).collect()
}

fn says(issue: &Value, words: &str) -> bool {
    issue["reasons"].as_array().unwrap().iter().any(|r| r.as_str().unwrap_or_default().contains(words))
}

/// The number of the scratch PR with this title.
fn pr(d: &Drill, title: &str) -> u64 {
    d.sb.scratch().prs.iter().find(|p| p.title == title).unwrap_or_else(|| panic!("no PR {title:?}")).number
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_spike_reverts_the_pr_whose_line_raised() {
    let d = failed(Scenario::ErrorSpike).await;
    let i = triage(&d, &[]).await;
    assert_eq!(i["classification"], "revert", "{i:#}");
    assert_eq!(suspects(&i, "high"), [LOYALTY_PR], "{i:#}");
    let top = &i["suspects"][0];
    assert_eq!(
        (top["title"].as_str(), top["authors"][0].as_str()),
        (Some("Award loyalty points on orders"), Some("dave"))
    );
    assert!(
        top["evidence"][0].as_str().unwrap().starts_with("wrote app/services/loyalty/points_calculator.rb:"),
        "{top}"
    );
    assert_eq!(i["frames"][0]["file"], "app/services/loyalty/points_calculator.rb");
    assert_eq!(i["frames"][0]["function"], "multiplier");
    assert_eq!(i["next_command"], "bpdeploy revert 4 --merge --deploy --watch --sentry STOREFRONT-4F");
    assert_eq!(i["still_happening"], true);
    assert_eq!(i["first_release"], d.sb.scratch().head.to_string(), "first seen in the deployed commit's release");
    assert!(i["estimates"]["revert_secs"]["min"].as_u64() > i["estimates"]["rollback_secs"]["min"].as_u64(), "{i:#}");
    for step in ["1. experiment:", "2. data:", "3. transient:", "4. patch:", "5. revert:"] {
        assert!(says(&i, step), "{step}: {i:#}");
    }
    // The short id resolves through Sentry's shortids/ to the same issue.
    let by_short = triage(&d, &["STOREFRONT-4F"]).await;
    assert_eq!((by_short["id"].as_str(), by_short["classification"].as_str()), (i["id"].as_str(), Some("revert")));
    assert!(d.sb.exchanges().iter().any(|x| x.path.contains("/shortids/STOREFRONT-4F/")), "resolved by shortids/");
    // The human form ends with the command.
    let human = d.run(&["triage", "4501000100"]).await;
    assert!(human.stdout.contains("Decision: REVERT") && human.stdout.contains("Call: dave"), "{}", context(&human));
    assert!(human
        .stdout
        .trim_end()
        .ends_with("Next: bpdeploy revert 4 --merge --deploy --watch --sentry STOREFRONT-4F"));
    d.assert_contract();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revert_conflict_rolls_back_and_names_both_prs_and_the_conflict() {
    let d = failed(Scenario::RevertConflict).await;
    let i = triage(&d, &[]).await;
    assert_eq!(i["classification"], "rollback", "{i:#}");
    let cap = pr(&d, "Cap loyalty points per order");
    assert_eq!(suspects(&i, "high"), [LOYALTY_PR, cap], "{i:#}");
    assert!(says(&i, &format!("#{LOYALTY_PR} and #{cap} are both implicated")), "{i:#}");
    assert!(
        says(&i, &format!("reverting #{LOYALTY_PR} conflicts: app/services/loyalty/points_calculator.rb")),
        "{i:#}"
    );
    assert_eq!(i["next_command"], "bpdeploy rollback v6 --watch --sentry STOREFRONT-4F");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_implicated_prs_are_both_named_with_their_authors() {
    let d = failed(Scenario::TwoPrs).await;
    let i = triage(&d, &[]).await;
    let paid = pr(&d, "Award loyalty points on paid orders only");
    assert_eq!(suspects(&i, "high"), [LOYALTY_PR, paid], "{i:#}");
    assert_eq!(i["classification"], "rollback", "{i:#}");
    let authors: Vec<&str> =
        i["suspects"].as_array().unwrap()[..2].iter().map(|s| s["authors"][0].as_str().unwrap()).collect();
    assert_eq!(authors, ["dave", "heidi"]);
    let human = d.run(&["triage"]).await;
    assert!(human.stdout.contains("Call: dave, heidi"), "{}", context(&human));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn experiment_turns_off_the_flag_its_owner_shipped() {
    let d = failed(Scenario::Experiment).await;
    let i = triage(&d, &[]).await;
    assert_eq!(i["classification"], "experiment", "{i:#}");
    assert!(says(&i, "app/experiments/checkout_button_experiment.rb (label) matches `experiment`"), "{i:#}");
    assert!(says(&i, "the Flipper feature :checkout_button_experiment"), "{i:#}");
    assert_eq!(
        i["next_command"],
        "heroku run --app storefront -- bin/rails runner 'Flipper.disable(:checkout_button_experiment)'"
    );
    let human = d.run(&["triage"]).await;
    assert!(human.stdout.contains("Call: grace"), "the owner by their GitHub login: {}", context(&human));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_issue_is_data_with_its_frame_and_no_revert() {
    let d = failed(Scenario::DataIssue).await;
    let i = triage(&d, &[]).await;
    assert_eq!(i["classification"], "data", "{i:#}");
    assert!(says(&i, "no in-app frame touches code v7 changed"), "{i:#}");
    assert!(says(&i, "the frame: app/models/user.rb:"), "{i:#}");
    assert_eq!(i["next_command"], Value::Null);
    assert_eq!(suspects(&i, "high"), Vec::<u64>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_issue_that_stopped_during_the_rollout_is_transient() {
    // The watch judges a transient issue on its own (healthy, unless the issue was still firing
    // when it ended); triage reads Sentry afresh either way.
    let d = watched(Scenario::Transient, &[0, 3]).await;
    // The drill's issue stops on its own; triage calls it stopped after [triage] stopped_after
    // of quiet (the sandbox's config: a minute at speed 1).
    let issue = d.sentry("api/0/organizations/acme/issues/4501000100/").await;
    let last: chrono::DateTime<chrono::Utc> = issue["lastSeen"].as_str().unwrap().parse().unwrap();
    let quiet = Duration::from_secs(60).div_f64(crate::e2e::SPEED) + Duration::from_millis(500);
    let wait = (last + chrono::Duration::from_std(quiet).unwrap() - chrono::Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait).await;
    let i = triage(&d, &[]).await;
    assert_eq!(i["classification"], "transient", "{i:#}");
    assert_eq!(i["still_happening"], false);
    assert!(says(&i, "3. transient: it began with v7 and stopped at"), "{i:#}");
    assert_eq!(i["next_command"], Value::Null);
    assert_eq!(suspects(&i, "high"), [pr(&d, "Cache the product listing")], "the PR is still named: {i:#}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_posts_in_the_deploy_s_thread_and_a_dry_run_posts_nothing() {
    let d = failed(Scenario::ErrorSpike).await;
    let before = d.sb.requests().len();
    let dry = d.run(&["--dry-run", "triage", "--notify"]).await;
    assert_eq!(dry.code, 0, "{}", context(&dry));
    assert!(dry.stderr.contains("Dry run: would post in the thread of the deploy's announcement"), "{}", context(&dry));
    assert!(dry.stderr.contains("<@U0DAVE>"), "the reads ran: {}", context(&dry));
    let log = d.sb.requests();
    let writes: Vec<_> = log[before..].iter().filter(|r| r.mutates).collect();
    assert!(writes.is_empty(), "--dry-run sends nothing: {writes:#?}");
    assert!(log[before..].iter().any(|r| r.path == "/conversations.history"), "the thread was looked for");

    let run = d.run(&["triage", "--notify"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let record = d.sb.slack_record();
    let announcement = crate::e2e::announcement(&d.sb);
    let note = record.messages.iter().rfind(|m| m.thread_ts.as_deref() == Some(announcement.ts.as_str())).unwrap();
    assert!(note.text.starts_with(":mag: Triage of storefront v7"), "{}", note.text);
    assert!(note.text.contains("<@U0DAVE>"), "the author, looked up by email: {}", note.text);
    assert!(note.text.contains("bpdeploy revert 4 --merge"), "{}", note.text);
    let notes = record.messages.iter().filter(|m| m.text.starts_with(":mag:")).count();
    assert_eq!(notes, 1, "posted once");

    // Bad input: a clear one-line usage error, nothing read.
    let bad = d.run(&["triage", "not an issue"]).await;
    assert_eq!(bad.code, 2, "{}", context(&bad));
    assert!(bad.stderr.contains("is not a Sentry issue"), "{}", bad.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_issue_sentry_does_not_know_is_named_as_such() {
    let d = Drill::start(Scenario::Happy).await;
    for issue in ["STOREFRONT-ZZZ", "123", "https://acme.sentry.io/issues/123/"] {
        let run = d.run(&["--json", "triage", issue]).await;
        assert_eq!(run.code, 1, "{issue}: {}", context(&run));
        let e = &run.json()["error"];
        assert_eq!(e["code"], "sentry_issue_not_found", "{issue}: {e}");
        assert!(e["message"].as_str().unwrap().starts_with("Sentry has no issue "), "{issue}: {e}");
        assert!(!e["hint"].as_str().unwrap().contains("was not found"), "the org is there: {e}");
    }
    let human = d.run(&["triage", "STOREFRONT-ZZZ"]).await;
    assert!(human.stderr.contains("error: Sentry has no issue STOREFRONT-ZZZ"), "{}", context(&human));
}

/// After the rollback, the team triages the release it left: the error stopped because
/// production stopped running v7's code, not because the rollout ended, and there is nothing
/// left to roll back (never "roll back to v7").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_release_rolled_back_already_is_triaged_without_calling_its_error_transient() {
    let d = failed(Scenario::RevertConflict).await;
    let rolled = d.run(&["--json", "rollback", "--yes"]).await;
    assert_eq!(rolled.code, 0, "{}", context(&rolled));
    let issue = d.sentry("api/0/organizations/acme/issues/4501000100/").await;
    let last: chrono::DateTime<chrono::Utc> = issue["lastSeen"].as_str().unwrap().parse().unwrap();
    let quiet = Duration::from_secs(60).div_f64(crate::e2e::SPEED) + Duration::from_millis(500);
    let wait = (last + chrono::Duration::from_std(quiet).unwrap() - chrono::Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait).await;
    let i = triage(&d, &["--release", "v7"]).await;
    assert_eq!(i["still_happening"], false, "{i:#}");
    assert_eq!(i["classification"], "rollback", "{i:#}");
    assert!(says(&i, "when v8 replaced v7's code in production"), "{i:#}");
    assert!(says(&i, "no rollback is needed now"), "{i:#}");
    assert_eq!(i["next_command"], Value::Null, "{i:#}");
}

/// A release argument that is neither vN, N nor a release id is a usage error (exit 2, one
/// line, before any request), the same for triage's `--release` and rollback's RELEASE.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_release_is_a_usage_error_before_any_request() {
    let d = crate::e2e::Drill::start(bpdeploy::cli::Scenario::Happy).await;
    let before = d.sb.requests().len();
    let malformed = [
        &["triage", "--release", "vx"][..],
        &["rollback", "vx", "--yes"],
        &["--dry-run", "rollback", "v-1"],
        &["watch", "--release", "vx", "--duration", "1s"],
    ];
    for args in malformed {
        let run = d.run(args).await;
        assert_eq!(run.code, 2, "{args:?}: {}", crate::e2e::context(&run));
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("error: ") && run.stderr.contains("vN"), "{args:?}: {}", run.stderr);
        let mut json = vec!["--json"];
        json.extend_from_slice(args);
        let run = d.run(&json).await;
        assert_eq!((run.code, run.json()["error"]["code"].as_str()), (2, Some("usage")), "{args:?}: {}", run.stdout);
    }
    assert_eq!(d.sb.requests().len(), before, "nothing was read or sent");
}
