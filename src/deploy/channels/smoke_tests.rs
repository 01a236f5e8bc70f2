use super::*;

const RULE: SmokeRule = SmokeRule { failing_rounds: 3, latency_ratio: 3.0 };

fn ok(ms: u64) -> Probe {
    Probe { status: Some(200), latency: Duration::from_millis(ms), error: None }
}

fn status(code: u16) -> Probe {
    Probe { status: Some(code), latency: Duration::from_millis(40), error: None }
}

fn timeout() -> Probe {
    Probe { status: None, latency: Duration::from_secs(10), error: Some("no answer within 10000 ms".into()) }
}

fn log(rounds: Vec<Probe>) -> Vec<UrlLog> {
    vec![UrlLog { url: "https://www.example.com/forums".into(), rounds }]
}

#[test]
fn one_blip_is_not_a_failure_sustained_5xx_or_timeouts_are() {
    assert!(breaches(&log(vec![ok(80), status(503), ok(80), timeout(), ok(90)]), &RULE).is_empty());
    assert!(breaches(&log(vec![ok(80), status(500), status(502)]), &RULE).is_empty(), "two in a row");
    let b = breaches(&log(vec![ok(80), status(500), status(502), status(503)]), &RULE);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].message, "https://www.example.com/forums: 3 bad rounds in a row (503 in 40 ms)");
    let b = breaches(&log(vec![status(503), timeout(), timeout()]), &RULE);
    assert_eq!(b[0].message, "https://www.example.com/forums: 3 bad rounds in a row (no answer within 10000 ms)");
    // 4xx and 3xx are answers: a login redirect or a 404 is not an outage.
    assert!(breaches(&log(vec![status(301), status(404), status(302), status(401)]), &RULE).is_empty());
    // Fewer rounds than the window: nothing to say yet.
    assert!(breaches(&log(vec![status(500), status(500)]), &RULE).is_empty());
}

#[test]
fn a_median_several_times_the_first_rounds_latency_fails() {
    let slow = log(vec![ok(200), ok(900), ok(700), ok(800)]);
    let b = breaches(&slow, &RULE);
    assert_eq!(b.len(), 1, "{b:?}");
    assert_eq!(
        b[0].message,
        "https://www.example.com/forums: median latency 800 ms over the last 3 rounds, 4.0× the first round's 200 ms"
    );
    // One slow round is a blip: the median stays low.
    assert!(breaches(&log(vec![ok(200), ok(220), ok(2000), ok(210)]), &RULE).is_empty());
    // 3× exactly is not beyond it.
    assert!(breaches(&log(vec![ok(200), ok(600), ok(600), ok(600)]), &RULE).is_empty());
    // Under the floor a ratio means nothing (20 ms to 300 ms).
    assert!(breaches(&log(vec![ok(20), ok(300), ok(300), ok(300)]), &RULE).is_empty());
    // The first round that answered is the reference, and the window must follow it.
    assert!(breaches(&log(vec![timeout(), ok(900), ok(900)]), &RULE).is_empty());
}

#[test]
fn probes_serialise_with_milliseconds_and_urls_hide_their_query() {
    let v = serde_json::to_value(timeout()).unwrap();
    assert_eq!(v, serde_json::json!({"status": null, "latency_ms": 10000, "error": "no answer within 10000 ms"}));
    let url = Url::parse("https://user:pw@www.example.com/forums?key=SECRET#top").unwrap();
    assert_eq!(shown(&url), "https://www.example.com/forums");
}
