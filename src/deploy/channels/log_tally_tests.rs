use super::*;
use crate::deploy::channels::logline::parse_log_line;
use chrono::TimeZone;

const LIMITS: LogLimits = LogLimits { max_per_minute: 3.0, max_ratio: 2.0, min_events: 5 };

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_714_564_800 + secs, 0).unwrap()
}

fn stamp(secs: i64) -> String {
    t(secs).to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn router(secs: i64, tail: &str) -> LogLine {
    parse_log_line(&format!("{} heroku[router]: {tail}", stamp(secs))).unwrap()
}

fn h12(secs: i64) -> LogLine {
    router(secs, "at=error code=H12 desc=\"Request timeout\" method=GET path=\"/forums\" status=503 bytes=0")
}

fn ok(secs: i64) -> LogLine {
    router(secs, "at=info method=GET path=\"/\" status=200 bytes=10")
}

fn dyno(secs: i64, message: &str) -> LogLine {
    parse_log_line(&format!("{} heroku[web.1]: {message}", stamp(secs))).unwrap()
}

#[test]
fn counts_split_at_the_release_and_replays_are_not_counted_twice() {
    let mut tally = LogTally::new(t(0));
    assert!(tally.add(&h12(-30)));
    assert!(tally.add(&ok(-10)));
    assert!(tally.add(&h12(6)));
    // Slightly out of order (logplex merges sources): still counted.
    assert!(tally.add(&h12(5)));
    // A reopened session replays the last lines: already counted.
    tally.reopened();
    assert!(!tally.add(&h12(6)));
    assert!(!tally.add(&h12(5)));
    assert!(tally.add(&dyno(7, "Error R14 (Memory quota exceeded)")));
    assert_eq!(tally.since_release(Channel::Router), BTreeMap::from([("H12".to_string(), 2)]));
    assert_eq!(tally.since_release(Channel::Dynos), BTreeMap::from([("R14".to_string(), 1)]));
    assert_eq!(tally.lines, 5);
    // A line with no time cannot be placed before or after the release.
    let untimed = parse_log_line("heroku[router]: at=error code=H12 status=503").unwrap();
    assert!(!tally.add(&untimed));
}

#[test]
fn without_a_baseline_each_code_is_held_to_the_per_minute_threshold() {
    let mut tally = LogTally::new(t(0));
    for s in 1..=5 {
        tally.add(&h12(s));
    }
    // 5 in the first 10 s: counted over a minute, 5/min > 3/min.
    let b = breaches(&tally, Channel::Router, t(10), &LIMITS);
    assert_eq!(b.len(), 1);
    assert_eq!((b[0].code.as_str(), b[0].count, b[0].per_minute), ("H12", 5, 5.0));
    assert_eq!(b[0].baseline_per_minute, None);
    assert_eq!(b[0].describe(), "H12 (Request timeout): 5 since the release (5.0/min; at most 3.0/min allowed)");
    // The same five over two minutes is 2.5/min: under the threshold.
    assert!(breaches(&tally, Channel::Router, t(120), &LIMITS).is_empty());
    // Four are under min_events, whatever the rate.
    let mut few = LogTally::new(t(0));
    for s in 1..=4 {
        few.add(&h12(s));
    }
    assert!(breaches(&few, Channel::Router, t(5), &LIMITS).is_empty());
}

#[test]
fn a_baseline_from_before_the_release_raises_the_limit_of_a_noisy_code() {
    let mut tally = LogTally::new(t(0));
    // Ten minutes before the release: 60 H12, 6/min. The app always timed out a little.
    for i in 0..60 {
        tally.add(&h12(-600 + i * 10));
    }
    // Since: 10 in one minute, 10/min, under 2 × 6/min.
    for i in 0..10 {
        tally.add(&h12(i * 6));
    }
    assert!(breaches(&tally, Channel::Router, t(60), &LIMITS).is_empty());
    // 20 in that minute is over 12/min.
    for i in 0..10 {
        tally.add(&h12(i * 6 + 3));
    }
    let b = breaches(&tally, Channel::Router, t(60), &LIMITS);
    assert_eq!((b[0].count, b[0].baseline_per_minute, b[0].limit_per_minute), (20, Some(6.0), 12.0));
    assert_eq!(b[0].describe(), "H12 (Request timeout): 20 since the release (20.0/min; 6.0/min before the release)");
    // A code absent before the release is held to the threshold, not to zero.
    let mut quiet = LogTally::new(t(0));
    for i in 0..60 {
        quiet.add(&ok(-600 + i * 10));
    }
    for i in 0..3 {
        quiet.add(&router(i + 1, "at=info method=GET path=\"/\" status=500"));
    }
    for i in 0..3 {
        quiet.add(&router(i + 10, "at=info method=GET path=\"/\" status=502"));
    }
    let b = breaches(&quiet, Channel::Router, t(60), &LIMITS);
    assert_eq!((b[0].code.as_str(), b[0].count, b[0].baseline_per_minute), ("5xx", 6, Some(0.0)));
    assert_eq!(b[0].limit_per_minute, 3.0);
}

#[test]
fn a_log_that_reaches_back_less_than_a_minute_gives_no_baseline() {
    let mut tally = LogTally::new(t(0));
    for i in 0..30 {
        tally.add(&h12(-30 + i)); // 30 in 30 s before: far too short a window to be a baseline
    }
    for i in 0..6 {
        tally.add(&h12(i + 1));
    }
    let b = breaches(&tally, Channel::Router, t(10), &LIMITS);
    assert_eq!((b[0].baseline_per_minute, b[0].limit_per_minute), (None, 3.0));
}

#[test]
fn when_the_log_starts_after_the_release_the_window_starts_with_it() {
    // A watch started ten minutes after the release: the first line it gets is from t=540.
    let mut tally = LogTally::new(t(0));
    for i in 0..6 {
        tally.add(&h12(540 + i));
    }
    // Six in the minute the log covers: 6/min, not 6 spread over ten minutes.
    let b = breaches(&tally, Channel::Router, t(600), &LIMITS);
    assert_eq!(b[0].per_minute, 6.0);
}

#[test]
fn crashes_boot_timeouts_and_r15_fail_at_the_first_line_r14_needs_a_rate() {
    let mut tally = LogTally::new(t(0));
    tally.add(&dyno(1, "State changed from up to crashed"));
    tally.add(&dyno(2, "Error R10 (Boot timeout) -> Web process failed to bind to $PORT within 60 seconds"));
    tally.add(&dyno(3, "Error R14 (Memory quota exceeded)"));
    let b = breaches(&tally, Channel::Dynos, t(4), &LIMITS);
    let codes: Vec<&str> = b.iter().map(|x| x.code.as_str()).collect();
    assert_eq!(codes, ["R10", "crashed"]);
    assert_eq!(b[1].describe(), "dyno crashes: 1 since the release");
    assert_eq!(b[0].describe(), "R10 (Boot timeout): 1 since the release");
    // Dyno lines never breach the router channel, nor router lines the dyno channel.
    assert!(breaches(&tally, Channel::Router, t(4), &LIMITS).is_empty());
    for s in 5..10 {
        tally.add(&dyno(s, "Error R14 (Memory quota exceeded)"));
    }
    let b = breaches(&tally, Channel::Dynos, t(10), &LIMITS);
    assert_eq!(b[0].code, "R14");
    assert_eq!(b[0].count, 6);
}

#[test]
fn codes_have_heroku_names() {
    assert_eq!(describe_code("H13"), "H13 (Connection closed without response)");
    assert_eq!(describe_code("H99"), "H99 errors");
}
