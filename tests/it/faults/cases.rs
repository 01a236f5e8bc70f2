//! The cases: each injection point × each fault, with the outcome the README's reliability table
//! documents. Cases of one point run a few at a time, each against its own sandbox and proxy.
use super::{assert_human_matches, Fault, Faulty, Rule, TIMEOUT};
use crate::e2e::{context, result};
use bpdeploy::cli::Scenario;
use serde_json::json;
use std::time::Duration;

/// Where a fault is injected: the scenario and command that reach it, and the requests it hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Point {
    BuildPost,
    BuildPoll,
    BuildStream,
    ReleasePoll,
    ReleaseStream,
    RollbackPost,
    SentryPoll,
    SlackPost,
}

impl Point {
    fn scenario(self) -> Scenario {
        match self {
            Point::RollbackPost => Scenario::ErrorSpike,
            _ => Scenario::Happy,
        }
    }

    fn args(self) -> &'static [&'static str] {
        match self {
            Point::RollbackPost => &["deploy", "--yes", "--watch", "--auto-rollback"],
            Point::SentryPoll => &["deploy", "--yes", "--watch"],
            _ => &["deploy", "--yes"],
        }
    }

    fn rule(self, fault: Fault) -> Rule {
        match self {
            Point::BuildPost => Rule::new("POST", "/heroku/apps/storefront/builds", fault),
            Point::BuildPoll => Rule::new("GET", "/heroku/apps/storefront/builds/", fault),
            Point::BuildStream => Rule::new("GET", "/streams/builds/", fault),
            Point::ReleasePoll => Rule::new("GET", "/heroku/apps/storefront/releases/", fault),
            Point::ReleaseStream => Rule::new("GET", "/streams/releases/", fault),
            Point::RollbackPost => Rule::new("POST", "/heroku/apps/storefront/releases", fault),
            // Preflight and the --watch credential check read issues first: the third read is
            // the watch's first look.
            Point::SentryPoll => Rule::new("GET", "/sentry/api/0/organizations/acme/issues/", fault).skip(2),
            Point::SlackPost => Rule::new("POST", "/slack/api/chat.postMessage", fault),
        }
    }

    fn is_stream(self) -> bool {
        matches!(self, Point::BuildStream | Point::ReleaseStream)
    }

    fn is_create(self) -> bool {
        matches!(self, Point::BuildPost | Point::RollbackPost | Point::SlackPost)
    }
}

/// The faults of the acceptance list that apply at a point.
fn faults(point: Point) -> Vec<(&'static str, Fault)> {
    let past_timeout = TIMEOUT + Duration::from_millis(400);
    let mut all = vec![
        ("reset before processing", Fault::ResetBefore),
        ("reset after processing", Fault::ResetAfter),
        ("stall past the timeout", Fault::Stall(past_timeout)),
        ("500", Fault::Status(500)),
        ("502 before processing", Fault::Status(502)),
        ("502 after processing", Fault::StatusAfter(502)),
        ("429, short Retry-After", Fault::RateLimited(1)),
        ("429, long Retry-After", Fault::RateLimited(120)),
        ("truncated body", Fault::Truncate),
    ];
    if point.is_create() {
        all.push(("arrives after the timeout", Fault::Late(TIMEOUT + Duration::from_millis(300))));
    }
    if point.is_stream() {
        all.push(("dropped stream", Fault::Drop(64)));
    }
    all
}

/// The documented outcome: exit code and status.
fn expected(point: Point, fault: Fault) -> (i32, &'static str) {
    use Fault::*;
    match (point, fault) {
        // Refused outright, so nothing was created and nothing is sent again: the deploy stops.
        (Point::BuildPost, RateLimited(120)) => (1, "error"),
        // A rollback is never sent twice: when its answer is lost and no rollback release shows up
        // while reading back, the release stays failing and `bpdeploy rollback` is the next step.
        (Point::RollbackPost, ResetBefore | Stall(_) | Status(_) | RateLimited(120)) => (3, "failing"),
        (Point::RollbackPost, _) => (3, "rolled_back"),
        (Point::SentryPoll, _) => (0, "healthy"),
        _ => (0, "live"),
    }
}

/// Runs each case of `point`, four at a time, each against its own sandbox and proxy.
async fn run_point(point: Point, extra: Vec<(&'static str, Rule, (i32, &'static str))>) {
    let mut cases: Vec<(String, Rule, (i32, &'static str))> =
        faults(point).into_iter().map(|(name, f)| (name.to_string(), point.rule(f), expected(point, f))).collect();
    cases.extend(extra.into_iter().map(|(name, rule, want)| (name.to_string(), rule, want)));
    for batch in cases.chunks(4) {
        let runs = batch.iter().map(|(name, rule, want)| one_case(point, name.clone(), rule.clone(), *want));
        futures_util::future::join_all(runs).await;
    }
}

/// One case in `--json`. The human report is the same outcome rendered for people (held to the
/// same sentence by `the_human_report_carries_the_same_account`); the cases that lose an answer
/// after Heroku processed it, or every answer, are also run without `--json` end to end.
async fn one_case(point: Point, name: String, rule: Rule, (code, status): (i32, &'static str)) {
    let label = format!("{point:?}, {name}");
    let also_human = matches!(rule.fault, Fault::ResetAfter) || rule.times == usize::MAX;
    let (json, human) = tokio::join!(case_run(point, &rule, true), async {
        match also_human {
            true => Some(case_run(point, &rule, false).await),
            false => None,
        }
    });
    let (f, run) = json;
    assert!(!f.proxy.applied().is_empty(), "{label}: the fault was injected: {}", context(&run));
    assert_eq!(run.code, code, "{label}: {}", context(&run));
    assert_eq!(result(&run)["status"], status, "{label}: {}", context(&run));
    f.assert_truth(&run, &label).await;
    let migrations = &result(&run)["migrations"];
    if matches!(status, "live" | "healthy") {
        // A cut release-phase log is read again once the release finished: nothing stays unknown.
        assert_eq!(migrations["ran"].as_array().map(Vec::len), Some(4), "{label}: {migrations}");
        assert_eq!((migrations["failed"].clone(), migrations["unknown"].clone()), (json!([]), json!([])), "{label}");
    }
    if point == Point::SlackPost && reached_the_service(rule.fault) {
        // The post whose answer was lost is read back from the channel and edited from then on:
        // the team reads how the deploy ended, under the one announcement, with its PR list.
        assert_eq!(result(&run)["account"]["slack"], "up_to_date", "{label}: {}", context(&run));
        let message = crate::e2e::announcement(&f.d.sb);
        assert!(message.text.contains("v7"), "{label}: {}", message.text);
        let record = f.d.sb.slack_record();
        let thread = record.thread(&message.ts);
        assert!(thread.first().is_some_and(|m| m.text.starts_with("Shipping:")), "{label}: {thread:#?}");
    }
    if let Some((_, human)) = human {
        assert_human_matches(&human, &run, &label);
    }
}

/// The request reached the service and was processed; only its answer was lost.
fn reached_the_service(fault: Fault) -> bool {
    matches!(fault, Fault::ResetAfter | Fault::StatusAfter(_) | Fault::Truncate | Fault::Late(_))
}

async fn case_run(point: Point, rule: &Rule, json: bool) -> (Faulty, crate::support::Run) {
    let f = Faulty::start(point.scenario()).await;
    f.proxy.add(rule.clone());
    let mut args: Vec<&str> = if json { vec!["--json"] } else { vec![] };
    args.extend(point.args());
    let run = f.run(&args).await;
    (f, run)
}

fn repeated(point: Point) -> (&'static str, Rule, (i32, &'static str)) {
    ("repeated resets", point.rule(Fault::ResetBefore).always(), (1, "error"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_at_the_build_post() {
    run_point(Point::BuildPost, vec![]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_at_the_build_poll() {
    run_point(Point::BuildPoll, vec![repeated(Point::BuildPoll)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_at_the_build_stream() {
    run_point(Point::BuildStream, vec![]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_at_the_release_poll() {
    run_point(Point::ReleasePoll, vec![repeated(Point::ReleasePoll)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_at_the_release_stream() {
    run_point(Point::ReleaseStream, vec![]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_at_the_rollback_post() {
    run_point(Point::RollbackPost, vec![]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_at_the_sentry_polls() {
    run_point(Point::SentryPoll, vec![repeated(Point::SentryPoll)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_at_the_slack_posts() {
    run_point(Point::SlackPost, vec![]).await;
}
