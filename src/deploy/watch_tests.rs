use super::*;

const LIMITS: Thresholds = Thresholds { max_new_issues: 0, max_error_rate_ratio: 2.0, min_events: 5 };
const SEVEN_MINUTES: Duration = Duration::from_secs(420);

fn issue(id: &str, events: u64, users: u64) -> NewIssue {
    NewIssue {
        id: id.into(),
        short_id: Some(format!("RAILS-{id}")),
        title: format!("NoMethodError in {id}"),
        culprit: None,
        events,
        users,
        permalink: None,
    }
}

fn snapshot(elapsed_secs: u64) -> Snapshot {
    Snapshot {
        elapsed: Duration::from_secs(elapsed_secs),
        new_issues: vec![],
        error_events: 0,
        crashed_dynos: vec![],
        release: ReleaseState::Current,
    }
}

fn baseline(per_minute: f64) -> Baseline {
    Baseline { events_per_minute: per_minute, source: BaselineSource::Preflight }
}

fn report(a: Assessment) -> WatchReport {
    match a {
        Assessment::Done(r) => r,
        Assessment::KeepWatching => panic!("expected a verdict"),
    }
}

#[test]
fn quiet_watch_keeps_going_then_is_healthy_at_the_end() {
    let b = baseline(3.0);
    assert_eq!(assess(&snapshot(60), Some(&b), &LIMITS, SEVEN_MINUTES), Assessment::KeepWatching);
    let r = report(assess(&snapshot(420), Some(&b), &LIMITS, SEVEN_MINUTES));
    assert_eq!(r.verdict, Verdict::Healthy);
    assert!(r.reasons.is_empty() && r.triage_command.is_none() && r.still_current);
}

#[test]
fn a_new_issue_over_min_events_fails_at_once_and_names_the_triage_command() {
    let mut s = snapshot(30);
    s.new_issues = vec![issue("11", 4, 1), issue("42", 9, 3), issue("7", 30, 2)];
    let r = report(assess(&s, None, &LIMITS, SEVEN_MINUTES));
    assert_eq!(r.verdict, Verdict::Failing);
    assert_eq!(r.reasons[0].kind, ReasonKind::NewIssues);
    assert!(r.reasons[0].message.starts_with("2 new issues with at least 5 events"), "{}", r.reasons[0].message);
    let ids: Vec<&str> = r.top_issues.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["7", "42", "11"], "most events first");
    assert_eq!(r.triage_command.as_deref(), Some("bpdeploy triage 7"));
}

#[test]
fn issues_below_min_events_or_within_the_allowance_do_not_count() {
    let mut s = snapshot(30);
    s.new_issues = vec![issue("1", 4, 4)];
    assert_eq!(assess(&s, None, &LIMITS, SEVEN_MINUTES), Assessment::KeepWatching);
    s.new_issues = vec![issue("1", 50, 4)];
    let lenient = Thresholds { max_new_issues: 1, ..LIMITS };
    assert_eq!(assess(&s, None, &lenient, SEVEN_MINUTES), Assessment::KeepWatching);
}

#[test]
fn error_rate_is_compared_with_the_baseline_over_at_least_a_minute() {
    assert_eq!(error_rate(10, Duration::from_millis(30)), 10.0);
    assert_eq!(error_rate(10, Duration::from_secs(120)), 5.0);
    let mut s = snapshot(120);
    s.error_events = 10; // 5/min
    assert_eq!(assess(&s, Some(&baseline(3.0)), &LIMITS, SEVEN_MINUTES), Assessment::KeepWatching);
    let r = report(assess(&s, Some(&baseline(2.0)), &LIMITS, SEVEN_MINUTES));
    assert_eq!(r.reasons[0].kind, ReasonKind::ErrorRate);
    assert_eq!(r.error_rate_ratio, Some(2.5));
    assert_eq!(r.triage_command.as_deref(), Some("bpdeploy triage"));
    // Without a baseline the rate alone decides nothing.
    assert_eq!(assess(&s, None, &LIMITS, SEVEN_MINUTES), Assessment::KeepWatching);
}

#[test]
fn a_zero_baseline_is_floored_and_few_events_never_count() {
    let mut s = snapshot(60);
    s.error_events = 4;
    assert_eq!(assess(&s, Some(&baseline(0.0)), &LIMITS, SEVEN_MINUTES), Assessment::KeepWatching);
    s.error_events = 5; // 5/min against a floor of 5/h
    let r = report(assess(&s, Some(&baseline(0.0)), &LIMITS, SEVEN_MINUTES));
    assert_eq!(r.error_rate_ratio, Some(60.0));
}

#[test]
fn crashed_dynos_and_a_replaced_release_fail_but_only_the_current_release_may_be_rolled_back() {
    let mut s = snapshot(10);
    s.crashed_dynos = vec!["web.1".into()];
    let r = report(assess(&s, None, &LIMITS, SEVEN_MINUTES));
    assert_eq!(r.reasons[0].message, "crashed dynos: web.1");
    assert!(r.still_current);

    let mut s = snapshot(10);
    s.release = ReleaseState::Superseded { by_version: 44, description: "Rollback to v41".into() };
    let r = report(assess(&s, None, &LIMITS, SEVEN_MINUTES));
    assert_eq!(r.verdict, Verdict::Failing);
    assert!(!r.still_current);
    assert!(r.reasons[0].message.contains("v44 (Rollback to v41)"));

    s.release = ReleaseState::Failed;
    assert!(!report(assess(&s, None, &LIMITS, SEVEN_MINUTES)).still_current);
}

#[test]
fn panel_and_change_lines() {
    let mut s = snapshot(95);
    s.new_issues = vec![issue("42", 9, 3)];
    s.error_events = 9;
    let lines = panel(&s, Some(&baseline(1.5)), SEVEN_MINUTES);
    assert_eq!(lines[0], "watching 1m35s of 7m");
    assert_eq!(lines[2], "error rate: 5.7/min (baseline 1.5/min)");
    assert_eq!(lines[4], "  RAILS-42 NoMethodError in 42: 9 events, 3 users");

    let first = changes(None, &s);
    assert_eq!(first[0], "new issue: RAILS-42 NoMethodError in 42: 9 events, 3 users");
    assert!(changes(Some(&s), &s).is_empty(), "nothing changed, nothing printed");
    let mut later = s.clone();
    later.new_issues[0].events = 12;
    later.crashed_dynos = vec!["web.2".into()];
    assert_eq!(changes(Some(&s), &later), ["issue 42: 12 events, 3 users", "dyno web.2 crashed"]);
}

#[test]
fn snapshot_serialises_for_ndjson() {
    let v = serde_json::to_value(snapshot(90)).unwrap();
    assert_eq!(v["elapsed_secs"], 90);
    assert_eq!(v["release"]["state"], "current");
}
