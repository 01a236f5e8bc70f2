use super::*;
use crate::deploy::channels::sentry_rules::Regression;
use crate::deploy::channels::slack_talk::{ChannelView, SlackPost};
use crate::deploy::watch_lines::{changes, panel};

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
        sentry: SentrySeen::default(),
        channels: Box::default(),
        channel_reasons: vec![],
        version: 42,
    }
}

fn judged(id: &str, events: u64, state: NewIssueState) -> JudgedIssue {
    JudgedIssue { id: id.into(), events, state }
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
    assert_eq!(r.triage_command, None, "nothing in Sentry for triage to start from");

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
    assert_eq!(lines[1], "sentry: 1 new issue, error rate 5.7/min (baseline 1.5/min)");
    assert_eq!(lines[2..6], ["router: off", "dynos: none crashed", "smoke: off", "slack: off"]);
    assert_eq!(lines[6], "  RAILS-42 NoMethodError in 42: 9 events, 3 users");

    let first = changes(None, &s);
    assert_eq!(first[0], "new issue: RAILS-42 NoMethodError in 42: 9 events, 3 users");
    assert!(changes(Some(&s), &s).is_empty(), "nothing changed, nothing printed");
    let mut later = s.clone();
    later.new_issues[0].events = 12;
    later.crashed_dynos = vec!["web.2".into()];
    assert_eq!(changes(Some(&s), &later), ["issue 42: 12 events, 3 users", "dyno web.2 crashed"]);
}

#[test]
fn the_panel_has_a_line_per_channel_and_changes_say_what_each_channel_saw() {
    use crate::deploy::channels::heroku_log::LogState;
    use crate::deploy::channels::smoke::{Probe, UrlLog};
    use crate::deploy::channels::watching::LogView;
    let mut s = snapshot(60);
    s.new_issues = vec![issue("7", 8, 2)];
    s.error_events = 8;
    s.sentry.new_issues = vec![judged("7", 8, NewIssueState::Transient { stopped_after: Duration::from_secs(20) })];
    let streaming = LogState::Streaming { sessions: 1 };
    s.channels.router =
        Some(LogView { state: streaming.clone(), counts: [("H12".to_string(), 12)].into_iter().collect() });
    s.channels.dynos = Some(LogView { state: streaming, counts: Default::default() });
    let probe = |status| Probe { status: Some(status), latency: Duration::from_millis(40), error: None };
    s.channels.smoke = Some(vec![UrlLog { url: "https://x.test/forums".into(), rounds: vec![probe(200), probe(503)] }]);
    let at = chrono::DateTime::parse_from_rfc3339("2024-05-01T12:01:00Z").unwrap().with_timezone(&chrono::Utc);
    let post = SlackPost { channel: "#dev-questions".into(), author: "grace".into(), at, first_line: "forums?".into() };
    s.channels.slack = Some(vec![ChannelView { channel: "#dev-questions".into(), posts: vec![post], off: None }]);
    let lines = panel(&s, None, SEVEN_MINUTES);
    assert_eq!(lines[1], "sentry: 1 new issue, 1 transient, error rate 8.0/min");
    assert_eq!(lines[2], "router: 12 H12");
    assert_eq!(lines[3], "dynos: none crashed; log: no errors");
    assert_eq!(lines[4], "smoke: https://x.test/forums 503 in 40 ms");
    assert_eq!(lines[5], "slack: #dev-questions 1");
    assert_eq!(lines[7], "  #dev-questions 12:01 grace: forums?");
    let said = changes(None, &s);
    for want in [
        "issue 7 stopped 20s after the release: transient so far",
        "router: 12 H12",
        "smoke https://x.test/forums: 503 in 40 ms",
        "slack #dev-questions grace: forums?",
    ] {
        assert!(said.iter().any(|l| l == want), "{want:?} in {said:#?}");
    }
    assert!(changes(Some(&s), &s).is_empty());
}

#[test]
fn snapshot_serialises_for_ndjson() {
    let v = serde_json::to_value(snapshot(90)).unwrap();
    assert_eq!(v["elapsed_secs"], 90);
    assert_eq!(v["release"]["state"], "current");
}

#[test]
fn snapshot_has_a_field_per_channel() {
    let v = serde_json::to_value(snapshot(90)).unwrap();
    for field in ["sentry", "router", "dynos", "smoke", "slack"] {
        assert!(v.get(field).is_some(), "{field} in {v}");
    }
    assert_eq!(v["sentry"], serde_json::json!({"new_issues": [], "regressions": [], "error_events": 0}));
    assert!(v.get("channel_reasons").is_none() && v.get("version").is_none());
}

#[test]
fn a_transient_issue_fails_nothing_is_reported_and_its_events_stay_out_of_the_rate() {
    let mut s = snapshot(420);
    s.new_issues = vec![issue("7", 8, 3)];
    s.error_events = 9; // eight of them the transient issue's
    s.sentry.new_issues = vec![judged("7", 8, NewIssueState::Transient { stopped_after: Duration::from_secs(130) })];
    let r = report(assess(&s, Some(&baseline(0.2)), &LIMITS, SEVEN_MINUTES));
    assert_eq!(r.verdict, Verdict::Healthy, "{r:#?}");
    assert_eq!(r.transient_issues.len(), 1);
    assert_eq!(r.transient_issues[0].stopped_after, Duration::from_secs(130));
    assert_eq!(r.error_rate, Some(error_rate(1, SEVEN_MINUTES)), "one event over seven minutes");
    assert_eq!(r.reasons.len(), 1);
    let note = &r.reasons[0];
    assert_eq!((note.kind, note.channel, note.fails), (ReasonKind::TransientIssue, "sentry", false));
    assert_eq!(note.message, "transient: RAILS-7 NoMethodError in 7: 8 events, stopped 2m10s after v42 went live");
    assert!(r.top_issues.is_empty() && r.triage_command.is_none());
}

#[test]
fn a_pending_issue_waits_and_counts_at_the_end_a_big_one_counts_at_once() {
    let mut s = snapshot(60);
    s.new_issues = vec![issue("7", 8, 3)];
    s.error_events = 8;
    s.sentry.new_issues = vec![judged("7", 8, NewIssueState::Pending)];
    // Its eight events would be 8/min against 0.2/min: not yet, it is still under judgement.
    assert_eq!(assess(&s, Some(&baseline(0.2)), &LIMITS, SEVEN_MINUTES), Assessment::KeepWatching);
    s.sentry.new_issues[0].state = NewIssueState::Counted;
    let r = report(assess(&s, Some(&baseline(0.2)), &LIMITS, SEVEN_MINUTES));
    let kinds: Vec<ReasonKind> = r.reasons.iter().map(|x| x.kind).collect();
    assert_eq!(kinds, [ReasonKind::NewIssues, ReasonKind::ErrorRate]);
    assert_eq!(r.triage_command.as_deref(), Some("bpdeploy triage 7"));
}

#[test]
fn a_regression_fails_names_sentry_and_is_what_triage_looks_at() {
    let mut s = snapshot(120);
    s.sentry.regressions = vec![Regression {
        id: "4501000002".into(),
        short_id: Some("RAILS-3H".into()),
        title: "Net::ReadTimeout".into(),
        events: 40,
        per_minute: 20.0,
        baseline_per_minute: 0.5,
        ratio: 40.0,
    }];
    let r = report(assess(&s, None, &LIMITS, SEVEN_MINUTES));
    assert_eq!(r.verdict, Verdict::Failing);
    assert_eq!((r.reasons[0].kind, r.reasons[0].channel), (ReasonKind::Regression, "sentry"));
    assert!(r.reasons[0].message.starts_with("regression: RAILS-3H Net::ReadTimeout: 20.0/min"));
    assert_eq!(r.triage_command.as_deref(), Some("bpdeploy triage 4501000002"));
    assert_eq!(r.regressions.len(), 1);
}

#[test]
fn channel_reasons_fail_by_channel_and_slack_alone_fails_nothing() {
    let mut s = snapshot(30);
    s.channel_reasons = vec![ChannelReason { channel: "slack", message: "2 Slack messages".into(), fails: false }];
    assert_eq!(assess(&s, None, &LIMITS, SEVEN_MINUTES), Assessment::KeepWatching);
    s.elapsed = SEVEN_MINUTES;
    let r = report(assess(&s, None, &LIMITS, SEVEN_MINUTES));
    assert_eq!(r.verdict, Verdict::Healthy);
    assert_eq!(
        (r.reasons[0].kind, r.reasons[0].channel, r.reasons[0].fails),
        (ReasonKind::SlackMessages, "slack", false)
    );

    let mut s = snapshot(30);
    s.channel_reasons = vec![
        ChannelReason { channel: "slack", message: "1 Slack message".into(), fails: false },
        ChannelReason { channel: "router", message: "H12 (Request timeout): 40".into(), fails: true },
        ChannelReason { channel: "smoke", message: "https://x.test/: 3 bad rounds".into(), fails: true },
    ];
    s.crashed_dynos = vec!["web.1".into()];
    let r = report(assess(&s, None, &LIMITS, SEVEN_MINUTES));
    let got: Vec<(&str, bool)> = r.reasons.iter().map(|x| (x.channel, x.fails)).collect();
    assert_eq!(got, [("dynos", true), ("router", true), ("smoke", true), ("slack", false)], "failing first");
    // Triage starts from Sentry's issues: with Sentry quiet it would find nothing to triage.
    assert_eq!(r.triage_command, None);
    let json = serde_json::to_value(&r.reasons[1]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"kind": "router_errors", "channel": "router", "message": "H12 (Request timeout): 40", "fails": true})
    );
}

/// A release whose release phase failed never was the current one: the change line says it
/// failed, not that it is "no longer the current one".
#[test]
fn a_failed_release_phase_is_not_told_as_a_replaced_release() {
    let s = snapshot(10);
    let mut failed = s.clone();
    failed.release = ReleaseState::Failed;
    assert_eq!(changes(Some(&s), &failed), ["the release phase failed: this release never went live"]);
    let mut replaced = s.clone();
    replaced.release = ReleaseState::Superseded { by_version: 44, description: "Rollback to v41".into() };
    assert_eq!(changes(Some(&s), &replaced), ["the release is no longer the current one"]);
}
