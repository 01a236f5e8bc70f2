use super::*;
use chrono::TimeZone;

const RULE: TransientRule = TransientRule { quiet: Duration::from_secs(45), max_events: 10, min_events: 5 };
const DAY: Duration = Duration::from_secs(24 * 3600);
const REGRESSION: RegressionRule = RegressionRule { max_ratio: 5.0, min_events: 5, baseline_window: DAY };

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_714_564_800 + secs, 0).unwrap()
}

#[test]
fn an_issue_that_stopped_for_the_quiet_time_is_transient_and_says_when_it_stopped() {
    // Eight events, last one 2 minutes after the release, now 3 minutes after.
    let state = judge_new_issue(8, Some(t(120)), t(0), t(180), false, &RULE);
    assert_eq!(state, NewIssueState::Transient { stopped_after: Duration::from_secs(120) });
    // Still transient when the watch ends.
    assert_eq!(judge_new_issue(8, Some(t(120)), t(0), t(180), true, &RULE), state);
    let json = serde_json::to_value(state).unwrap();
    assert_eq!(json, serde_json::json!({"state": "transient", "stopped_after_secs": 120}));
}

#[test]
fn an_issue_silent_for_less_than_the_quiet_time_is_pending_until_the_watch_ends() {
    // Last seen 30 s ago: not long enough to call it stopped.
    assert_eq!(judge_new_issue(8, Some(t(150)), t(0), t(180), false, &RULE), NewIssueState::Pending);
    // At the end of the watch an issue that has not stopped counts.
    assert_eq!(judge_new_issue(8, Some(t(150)), t(0), t(180), true, &RULE), NewIssueState::Counted);
    // Exactly the quiet time is enough.
    assert!(matches!(judge_new_issue(8, Some(t(135)), t(0), t(180), false, &RULE), NewIssueState::Transient { .. }));
    // Sentry gave no lastSeen: it cannot be called stopped.
    assert_eq!(judge_new_issue(8, None, t(0), t(180), false, &RULE), NewIssueState::Pending);
    // A lastSeen in the future (clock skew) is not silence.
    assert_eq!(judge_new_issue(8, Some(t(200)), t(0), t(180), false, &RULE), NewIssueState::Pending);
}

#[test]
fn a_big_issue_counts_at_once_even_if_it_stopped_and_a_small_one_never_counts() {
    assert_eq!(judge_new_issue(11, Some(t(150)), t(0), t(180), false, &RULE), NewIssueState::Counted);
    assert_eq!(judge_new_issue(11, Some(t(10)), t(0), t(180), false, &RULE), NewIssueState::Counted);
    assert!(judge_new_issue(10, Some(t(10)), t(0), t(180), false, &RULE).is_transient());
    assert_eq!(judge_new_issue(4, Some(t(150)), t(0), t(180), true, &RULE), NewIssueState::BelowMinimum);
}

fn counts(id: &str, since: u64, before: u64) -> IssueCounts {
    IssueCounts { id: id.into(), short_id: Some(format!("RAILS-{id}")), title: format!("Error {id}"), since, before }
}

#[test]
fn an_old_issue_far_past_its_own_baseline_is_a_regression() {
    // 1440 events a day before: 1/min. 60 in the ten minutes since: 6/min, 6×.
    let issues = [counts("1", 60, 1440), counts("2", 40, 1440), counts("3", 3, 0)];
    let found = regressions(&issues, &[], Duration::from_secs(600), &REGRESSION);
    assert_eq!(found.len(), 1, "{found:?}");
    let r = &found[0];
    assert_eq!((r.id.as_str(), r.events, r.per_minute, r.baseline_per_minute, r.ratio), ("1", 60, 6.0, 1.0, 6.0));
    assert_eq!(r.describe(), "RAILS-1 Error 1: 6.0/min since the release, 6.0× its 1.00/min before");
    // 4/min is 4×: not "well past" 5×. Three events are under min_events whatever the ratio.
    assert!(found.iter().all(|r| r.id != "2" && r.id != "3"));
}

#[test]
fn a_new_issue_is_never_a_regression_and_a_silent_old_one_waking_up_is() {
    let issues = [counts("9", 50, 0), counts("4", 6, 0)];
    // Issue 9 is new in this release: judged by the new-issue rules, not here.
    let found = regressions(&issues, &["9"], Duration::from_secs(60), &REGRESSION);
    let ids: Vec<&str> = found.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["4"]);
    // Zero before is floored at min_events an hour: 6/min against 5/h is 72×.
    assert_eq!(found[0].ratio, 72.0);
    // Seconds after the release the window still counts as a minute.
    let early = regressions(&[counts("1", 6, 1440)], &[], Duration::from_secs(5), &REGRESSION);
    assert_eq!(early[0].per_minute, 6.0);
}

#[test]
fn regressions_come_worst_first() {
    let issues = [counts("a", 30, 1440), counts("b", 300, 1440), counts("c", 100, 1440)];
    let found = regressions(&issues, &[], Duration::from_secs(60), &REGRESSION);
    let ids: Vec<&str> = found.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["b", "c", "a"]);
}
