use super::*;

fn key(line: &str) -> Option<(Channel, String)> {
    parse_log_line(line).and_then(|l| l.key())
}

fn router_key(code: &str) -> Option<(Channel, String)> {
    Some((Channel::Router, code.to_string()))
}

fn dyno_key(code: &str) -> Option<(Channel, String)> {
    Some((Channel::Dynos, code.to_string()))
}

#[test]
fn router_errors_are_counted_by_code() {
    // Shapes from Heroku's error-code reference and `heroku logs --tail`.
    let h12 = "2024-05-01T12:00:00.123456+00:00 heroku[router]: at=error code=H12 desc=\"Request timeout\" \
               method=GET path=\"/forums?page=2\" host=storefront.herokuapp.com \
               request_id=8601b555-6a83-4c12-8269-97c8e32cdb22 fwd=\"204.204.204.204\" dyno=web.1 connect=0ms \
               service=30000ms status=503 bytes=0 protocol=https";
    let line = parse_log_line(h12).unwrap();
    assert_eq!(line.source, "heroku");
    assert_eq!(line.process, "router");
    assert_eq!(line.at.unwrap().to_rfc3339(), "2024-05-01T12:00:00.123456+00:00");
    assert_eq!(line.event, LogEvent::Router { code: Some("H12".into()), status: Some(503) });
    assert_eq!(key(h12), router_key("H12"));

    let h10 = "2010-10-06T21:51:37-07:00 heroku[router]: at=error code=H10 desc=\"App crashed\" method=GET \
               path=\"/\" host=myapp.herokuapp.com fwd=17.17.17.17 dyno= connect= service= status=503 bytes=";
    assert_eq!(key(h10), router_key("H10"));
    let parsed = parse_log_line(h10).unwrap();
    assert_eq!(parsed.at.unwrap().to_rfc3339(), "2010-10-07T04:51:37+00:00", "times are kept in UTC");

    let h13 = "2024-05-01T12:00:01+00:00 heroku[router]: at=error code=H13 desc=\"Connection closed without \
               response\" method=POST path=\"/orders\" host=x fwd=\"1.2.3.4\" dyno=web.2 connect=1ms service=3ms \
               status=503 bytes=0";
    assert_eq!(key(h13), router_key("H13"));
    let h14 = "2024-05-01T12:00:01+00:00 heroku[router]: at=error code=H14 desc=\"No web processes running\" \
               method=GET path=\"/favicon.ico\" host=x fwd=\"1.2.3.4\" dyno= connect= service= status=503 bytes=";
    assert_eq!(key(h14), router_key("H14"));
    // Client-side codes are warnings, still counted by code.
    let h27 = "2024-05-01T12:00:01+00:00 heroku[router]: sock=client at=warning code=H27 desc=\"Client Request \
               Interrupted\" method=POST path=\"/\" host=x fwd=\"1.2.3.4\" dyno=web.1 connect=1ms service=0ms \
               status=499 bytes=";
    assert_eq!(key(h27), router_key("H27"));
    let h18 = "2024-05-01T12:00:01+00:00 heroku[router]: sock=backend at=error code=H18 desc=\"Server Request \
               Interrupted\" method=GET path=\"/\" host=x dyno=web.1 connect=1ms service=1ms status=503 bytes=";
    assert_eq!(key(h18), router_key("H18"));
}

#[test]
fn router_answers_count_only_when_they_are_5xx() {
    let ok = "2024-05-01T12:00:00.5+00:00 heroku[router]: at=info method=GET path=\"/\" host=x \
              request_id=1 fwd=\"1.2.3.4\" dyno=web.1 connect=1ms service=18ms status=200 bytes=975 protocol=https";
    assert_eq!(parse_log_line(ok).unwrap().event, LogEvent::Router { code: None, status: Some(200) });
    assert_eq!(key(ok), None);
    let app_500 = ok.replace("status=200", "status=500");
    assert_eq!(key(&app_500), router_key("5xx"));
    assert_eq!(key(&ok.replace("status=200", "status=404")), None);
    // A code on an info line is not an error; a code that is not H + two digits is not a code.
    assert_eq!(key(&ok.replace("at=info", "at=info code=H12")), None);
    assert_eq!(key(&app_500.replace("at=info", "at=error code=H1")), router_key("5xx"));
    assert_eq!(key(&app_500.replace("at=info", "at=error code=X12")), router_key("5xx"));
}

#[test]
fn dyno_errors_and_crashes() {
    let cases = [
        ("2011-05-03T17:40:11+00:00 heroku[web.1]: Error R14 (Memory quota exceeded)", dyno_key("R14")),
        ("2011-05-03T17:40:11+00:00 heroku[web.1]: Error R15 (Memory quota vastly exceeded)", dyno_key("R15")),
        (
            "2011-05-03T17:40:11+00:00 heroku[web.1]: Error R10 (Boot timeout) -> Web process failed to bind to \
             $PORT within 60 seconds of launch",
            dyno_key("R10"),
        ),
        (
            "2011-05-03T17:40:11+00:00 heroku[worker.2]: Error R12 (Exit timeout) -> At least one process failed \
             to exit within 30 seconds of SIGTERM",
            dyno_key("R12"),
        ),
        ("2011-05-03T17:40:11+00:00 heroku[web.1]: State changed from up to crashed", dyno_key("crashed")),
        ("2011-05-03T17:40:11+00:00 heroku[web.2]: State changed from starting to crashed", dyno_key("crashed")),
        ("2011-05-03T17:40:11+00:00 heroku[web.1]: State changed from up to down", None),
        ("2011-05-03T17:40:11+00:00 heroku[web.1]: State changed from crashed to starting", None),
        ("2011-05-03T17:40:11+00:00 heroku[web.1]: Process running mem=1028M(100.2%)", None),
        ("2011-05-03T17:40:11+00:00 heroku[web.1]: Stopping all processes with SIGTERM", None),
        ("2011-05-03T17:40:11+00:00 heroku[web.1]: Process exited with status 143", None),
        ("2011-05-03T17:40:11+00:00 heroku[api]: Release v42 created by user you@acme.test", None),
    ];
    for (line, want) in &cases {
        assert_eq!(&key(line), want, "{line}");
    }
    let crash = parse_log_line(cases[4].0).unwrap();
    assert_eq!(crash.event, LogEvent::DynoCrashed { from: "up".into() });
    assert_eq!(crash.process, "web.1");
}

#[test]
fn the_app_cannot_forge_platform_lines() {
    // An app printing router-shaped or dyno-shaped text is the app talking, not Heroku.
    let forged = "2024-05-01T12:00:00+00:00 app[web.1]: at=error code=H12 desc=\"Request timeout\" status=503";
    let line = parse_log_line(forged).unwrap();
    assert_eq!((line.source.as_str(), key(forged)), ("app", None));
    assert_eq!(key("2024-05-01T12:00:00+00:00 app[web.1]: Error R14 (Memory quota exceeded)"), None);
    assert_eq!(key("2024-05-01T12:00:00+00:00 app[router]: at=error code=H12 status=503"), None);
}

#[test]
fn malformed_lines_are_not_log_lines_or_count_as_nothing() {
    for line in [
        "",
        " ",
        "hello world",
        "heroku[router] at=error code=H12",
        "2024-05-01T12:00:00+00:00",
        "2024-05-01T12:00:00+00:00 ",
        "yesterday heroku[router]: at=error code=H12 status=503",
        "2024-05-01T12:00:00+00:00 heroku[]: at=error code=H12",
        "2024-05-01T12:00:00+00:00 [router]: at=error code=H12",
        "2024-05-01T12:00:00+00:00 heroku[router: at=error code=H12",
        "2024-05-01T12:00:00+00:00 heroku[ro uter]: at=error code=H12",
        "2024-05-01T12:00:00+00:00 he\u{1b}roku[router]: at=error code=H12",
        "data: 2024-05-01T12:00:00+00:00 heroku[router]: at=error code=H12",
    ] {
        assert_eq!(parse_log_line(line), None, "{line:?}");
    }
    // Without a timestamp (some drains and copies) the line still parses, with no time.
    let bare = parse_log_line("heroku[router]: at=error code=H12 status=503").unwrap();
    assert_eq!((bare.at, bare.key()), (None, router_key("H12")));
    // Broken values: an unterminated quote swallows the rest, a bad status is no status.
    assert_eq!(key("heroku[router]: at=error desc=\"Request timeout code=H12 status=503"), None);
    assert_eq!(
        parse_log_line("heroku[router]: at=info status=5o3").unwrap().event,
        LogEvent::Router { code: None, status: None }
    );
    assert_eq!(
        parse_log_line("heroku[router]: at=info status=99999").unwrap().event,
        LogEvent::Router { code: None, status: None }
    );
    assert_eq!(parse_log_line("heroku[web.1]: Error R1 (short)").unwrap().event, LogEvent::Other);
    assert_eq!(parse_log_line("heroku[web.1]: Error").unwrap().event, LogEvent::Other);
    assert_eq!(parse_log_line("heroku[web.1]: State changed from up to").unwrap().event, LogEvent::Other);
    // A trailing CR (a CRLF stream) does not hide the status.
    assert_eq!(key("heroku[router]: at=info status=503\r"), router_key("5xx"));
}

#[test]
fn logfmt_reads_quotes_escapes_and_bare_words() {
    let pairs = logfmt(r#"sock=client at=warning desc="say \"hi\" \\ there" path="/a b" bare empty= x=1"#);
    let want: Vec<(&str, String)> = vec![
        ("sock", "client".into()),
        ("at", "warning".into()),
        ("desc", r#"say "hi" \ there"#.into()),
        ("path", "/a b".into()),
        ("bare", "".into()),
        ("empty", "".into()),
        ("x", "1".into()),
    ];
    assert_eq!(pairs, want);
    assert_eq!(logfmt("  "), Vec::<(&str, String)>::new());
    assert_eq!(logfmt("=x ="), vec![]);
    assert_eq!(logfmt("k=\"é\\"), vec![("k", "é".to_string())]);
}
