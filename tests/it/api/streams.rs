//! Output streams: lines in order, a late start, SSE framing, and drops (a cut connection and a
//! silent one) that end in `Dropped` so the caller can fall back to polling.
use super::settings;
use bpdeploy::api::stream::{OutputStream, StreamEvent};
use bpdeploy::api::{HttpSettings, SecretUrl, Transport};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn stream(server_uri: &str, p: &str, s: HttpSettings) -> OutputStream {
    let url = SecretUrl::parse(&format!("{server_uri}{p}?token=SIGNED")).unwrap();
    OutputStream::new(&Transport::new(s).unwrap(), url)
}

#[tokio::test]
async fn lines_arrive_in_order_and_the_stream_ends() {
    let server = MockServer::start().await;
    let body = "-----> Building on the Heroku-24 stack\r\n-----> Ruby app detected\n\n-----> Compiling assets\nDone";
    Mock::given(method("GET"))
        .and(path("/streams/build-1"))
        .respond_with(ResponseTemplate::new(200).set_body_string(body))
        .expect(1)
        .mount(&server)
        .await;
    let (lines, end) = stream(&server.uri(), "/streams/build-1", settings()).collect().await;
    assert_eq!(
        lines,
        ["-----> Building on the Heroku-24 stack", "-----> Ruby app detected", "", "-----> Compiling assets", "Done"]
    );
    assert_eq!(end, StreamEvent::Ended);
    let req = &server.received_requests().await.unwrap()[0];
    assert!(req.headers.get("authorization").is_none(), "capability URLs carry no token");
}

#[tokio::test]
async fn a_stream_that_is_not_ready_yet_is_retried() {
    let server = MockServer::start().await;
    let p = "/streams/release-7";
    Mock::given(method("GET"))
        .and(path(p))
        .respond_with(ResponseTemplate::new(404))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p))
        .respond_with(ResponseTemplate::new(200).set_body_string("Running release command...\nmigrated\n"))
        .expect(1)
        .mount(&server)
        .await;
    let (lines, end) = stream(&server.uri(), p, settings()).collect().await;
    assert_eq!(lines, ["Running release command...", "migrated"]);
    assert_eq!(end, StreamEvent::Ended);
}

#[tokio::test]
async fn an_empty_body_before_the_start_is_retried_too() {
    let server = MockServer::start().await;
    let p = "/streams/build-2";
    Mock::given(method("GET"))
        .and(path(p))
        .respond_with(ResponseTemplate::new(200))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p))
        .respond_with(ResponseTemplate::new(200).set_body_string("line\n"))
        .expect(1)
        .mount(&server)
        .await;
    let (lines, _) = stream(&server.uri(), p, settings()).collect().await;
    assert_eq!(lines, ["line"]);
}

#[tokio::test]
async fn a_stream_that_never_starts_is_reported_dropped() {
    let server = MockServer::start().await;
    let p = "/streams/never";
    Mock::given(method("GET")).and(path(p)).respond_with(ResponseTemplate::new(404)).expect(3).mount(&server).await;
    let (lines, end) = stream(&server.uri(), p, settings()).collect().await;
    assert!(lines.is_empty());
    match end {
        StreamEvent::Dropped { reason } => {
            assert!(reason.contains("did not start") && reason.contains("404"), "{reason}");
            assert!(!reason.contains("SIGNED") && !reason.contains("/streams"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn server_sent_events_yield_their_data_lines() {
    let server = MockServer::start().await;
    let body = "id: 1\ndata: -----> Installing gems\n\n: keepalive\nevent: message\ndata: Done\n\n";
    let answer = ResponseTemplate::new(200).set_body_raw(body, "text/event-stream");
    Mock::given(method("GET")).and(path("/streams/sse")).respond_with(answer).mount(&server).await;
    let (lines, end) = stream(&server.uri(), "/streams/sse", settings()).collect().await;
    assert_eq!(lines, ["-----> Installing gems", "Done"]);
    assert_eq!(end, StreamEvent::Ended);
}

/// A hand-rolled server: sends a chunked response with `lines`, then either closes the socket
/// mid-body (`cut`) or goes silent while keeping it open.
async fn flaky_server(lines: &'static [&'static str], cut: bool) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 4096];
        let _ = socket.read(&mut request).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n";
        socket.write_all(head.as_bytes()).await.unwrap();
        for line in lines {
            let chunk = format!("{line}\n");
            socket.write_all(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes()).await.unwrap();
            socket.flush().await.unwrap();
        }
        if cut {
            drop(socket); // no terminating chunk: the body breaks off
        } else {
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_connection_cut_mid_way_keeps_the_lines_and_reports_the_drop() {
    let uri = flaky_server(&["-----> Compiling assets", "   Precompiling"], true).await;
    let (lines, end) = stream(&uri, "/streams/cut", settings()).collect().await;
    assert_eq!(lines, ["-----> Compiling assets", "   Precompiling"]);
    assert!(matches!(&end, StreamEvent::Dropped { reason } if reason.contains("dropped")), "{end:?}");
}

#[tokio::test]
async fn a_silent_stream_is_dropped_after_the_idle_timeout() {
    let uri = flaky_server(&["== 20250101000001 AddIndex: migrating"], false).await;
    let mut s = stream(
        &uri,
        "/streams/stall",
        HttpSettings { stream_idle: std::time::Duration::from_millis(100), ..settings() },
    );
    assert_eq!(s.next().await, Some(StreamEvent::Line("== 20250101000001 AddIndex: migrating".into())));
    match s.next().await {
        Some(StreamEvent::Dropped { reason }) => assert!(reason.contains("no output for 100 ms"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(s.next().await, None);
    assert!(!format!("{s:?}").contains("SIGNED"));
}

#[tokio::test]
async fn a_plain_http_stream_url_off_loopback_is_never_opened() {
    let transport = Transport::new(settings()).unwrap();
    let url = SecretUrl::parse("http://build-output.example/streams/b1?token=SIGNED").unwrap();
    let (lines, end) = OutputStream::new(&transport, url).collect().await;
    assert!(lines.is_empty());
    let StreamEvent::Dropped { reason } = end else { panic!("refused, so the caller polls: {end:?}") };
    assert!(reason.contains("plain http://") && reason.contains("build-output.example"), "{reason}");
    assert!(!reason.contains("SIGNED") && !reason.contains("/streams/"), "{reason}");
    let echoed = "proxy says: GET http://build-output.example/streams/b1?token=SIGNED failed";
    assert!(!transport.secrets().mask(echoed).contains("SIGNED"), "the stream URL is a registered secret");
}
