use super::*;
use crate::deploy::channels::log_tally::LogTally;
use crate::deploy::channels::logline::parse_log_line;
use crate::deploy::channels::slack_talk::SlackPost;
use crate::deploy::channels::smoke::Probe;
use chrono::TimeZone;

const LIMITS: ChannelLimits = ChannelLimits {
    log: LogLimits { max_per_minute: 3.0, max_ratio: 2.0, min_events: 5 },
    smoke: SmokeRule { failing_rounds: 3, latency_ratio: 3.0 },
    transient: TransientRule { quiet: Duration::from_secs(45), max_events: 10, min_events: 5 },
    regression: RegressionRule { max_ratio: 5.0, min_events: 5, baseline_window: Duration::from_secs(86_400) },
};

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_714_564_800 + secs, 0).unwrap()
}

fn line(secs: i64, text: &str) -> crate::deploy::channels::logline::LogLine {
    let stamp = t(secs).to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    parse_log_line(&format!("{stamp} {text}")).unwrap()
}

fn post(channel: &str) -> SlackPost {
    SlackPost { channel: channel.into(), author: "erin".into(), at: t(5), first_line: "is it down?".into() }
}

#[test]
fn each_reason_names_its_channel_and_slack_fails_nothing() {
    let mut tally = LogTally::new(t(0));
    for s in 1..=6 {
        tally.add(&line(s, "heroku[router]: at=error code=H12 desc=\"Request timeout\" status=503"));
    }
    tally.add(&line(7, "heroku[web.2]: State changed from up to crashed"));
    let bad = Probe { status: Some(503), latency: Duration::from_millis(30), error: None };
    let seen = ChannelsSeen {
        log: Some(tally),
        smoke: Some(vec![UrlLog { url: "https://x.test/forums".into(), rounds: vec![bad.clone(), bad.clone(), bad] }]),
        slack: Some(vec![
            ChannelView {
                channel: "#dev-questions".into(),
                posts: vec![post("#dev-questions"), post("#dev-questions")],
                off: None,
            },
            ChannelView { channel: "#sentry-integration".into(), posts: vec![post("#sentry-integration")], off: None },
            ChannelView { channel: "#ops".into(), posts: vec![], off: Some("not_in_channel".into()) },
        ]),
        ..ChannelsSeen::default()
    };
    let reasons = judge(&seen, t(10), &LIMITS);
    let got: Vec<(&str, bool)> = reasons.iter().map(|r| (r.channel, r.fails)).collect();
    assert_eq!(got, [("router", true), ("dynos", true), ("smoke", true), ("slack", false)], "{reasons:#?}");
    assert!(reasons[0].message.starts_with("H12 (Request timeout): 6 since the release"));
    assert_eq!(reasons[3].message, "3 Slack messages since the release: #dev-questions (2), #sentry-integration (1)");
}

#[test]
fn quiet_channels_give_no_reason_and_unwatched_ones_serialise_as_null() {
    let seen = ChannelsSeen {
        log: Some(LogTally::new(t(0))),
        slack: Some(vec![ChannelView { channel: "#dev-questions".into(), posts: vec![], off: None }]),
        ..ChannelsSeen::default()
    };
    assert!(judge(&seen, t(60), &LIMITS).is_empty());
    let v = serde_json::to_value(ChannelsSeen::default()).unwrap();
    assert_eq!(v, serde_json::json!({"router": null, "dynos": null, "smoke": null, "slack": null}));
    let view = LogView { state: LogState::Streaming { sessions: 2 }, counts: BTreeMap::from([("H12".into(), 4)]) };
    assert_eq!(
        serde_json::to_value(view).unwrap(),
        serde_json::json!({"state": "streaming", "sessions": 2, "counts": {"H12": 4}})
    );
}

#[test]
fn a_dry_run_plans_no_log_session() {
    let config = crate::config::WatchConfig {
        duration: Duration::from_secs(60),
        interval: Duration::from_secs(5),
        max_new_issues: 0,
        max_error_rate_ratio: 2.0,
        min_events: 5,
        max_router_errors_per_minute: 4.0,
        smoke: vec![],
        smoke_failing_rounds: 2,
        smoke_latency_ratio: 3.5,
        slack_channels: vec!["#x".into()],
        transient_quiet_intervals: 3,
        max_transient_events: 10,
        max_issue_rate_ratio: 5.0,
    };
    assert!(!ChannelPlan::from_config(&config, Duration::from_secs(5), true).log);
    let plan = ChannelPlan::from_config(&config, Duration::from_secs(15), false);
    assert!(plan.log);
    assert_eq!(plan.interval, Duration::from_secs(15), "the watch's interval, not the file's");
    assert_eq!(plan.limits.transient.quiet, Duration::from_secs(45), "three intervals");
    assert_eq!(plan.limits.log, LogLimits { max_per_minute: 4.0, max_ratio: 2.0, min_events: 5 });
    assert_eq!(plan.limits.smoke, SmokeRule { failing_rounds: 2, latency_ratio: 3.5 });
}
