//! A small HTTP/1.1 proxy in front of the sandbox that injects network faults. It speaks TCP, so
//! a reset is a real RST and a stall is a real silence; every request gets its own upstream
//! connection (`Connection: close`), which keeps the framing trivial: the answer ends when the
//! sandbox closes. Rules pick requests by method, path prefix and occurrence.
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What happens to a request a rule picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Read, never forwarded, connection reset.
    ResetBefore,
    /// Forwarded and answered by the sandbox, then the connection to bpdeploy is reset.
    ResetAfter,
    /// Held without an answer for this long (past bpdeploy's timeout), never forwarded, reset.
    Stall(Duration),
    /// Held for this long (past bpdeploy's timeout), then forwarded: it reaches the service late.
    Late(Duration),
    /// This status, never forwarded.
    Status(u16),
    /// Forwarded and processed, then this status instead of the sandbox's answer.
    StatusAfter(u16),
    /// 429 with this Retry-After (seconds), never forwarded.
    RateLimited(u64),
    /// Forwarded; the answer is cut half-way through its body and the connection reset.
    Truncate,
    /// Forwarded; this many bytes of the answer's body go through, then the connection is reset.
    Drop(usize),
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub method: &'static str,
    /// Matched against the path without its query (`/heroku/apps/storefront/builds`).
    pub prefix: String,
    /// Matching requests let through before the fault applies.
    pub skip: usize,
    /// How many matching requests get the fault (usize::MAX: all of them).
    pub times: usize,
    pub fault: Fault,
    /// Armed only once a request of this method under this prefix has gone by (a fault that must
    /// come after some write succeeded), counting from when the rule was added.
    pub after: Option<(&'static str, String)>,
    /// How many requests had gone by when the rule was added.
    since: usize,
}

impl Rule {
    pub fn new(method: &'static str, prefix: &str, fault: Fault) -> Rule {
        Rule { method, prefix: prefix.to_string(), skip: 0, times: 1, fault, after: None, since: 0 }
    }
    pub fn skip(mut self, n: usize) -> Rule {
        self.skip = n;
        self
    }
    pub fn always(mut self) -> Rule {
        self.times = usize::MAX;
        self
    }
    pub fn after(mut self, method: &'static str, prefix: &str) -> Rule {
        self.after = Some((method, prefix.to_string()));
        self
    }
    fn matches(&self, method: &str, path: &str) -> bool {
        covers(self.method, &self.prefix, method, path)
    }
}

fn covers(rule_method: &str, prefix: &str, method: &str, path: &str) -> bool {
    method == rule_method && path.starts_with(prefix) && (prefix.ends_with('/') || path == prefix)
}

/// Requests that wait at the proxy while it is closed (to line two deploys up at the same step).
#[derive(Clone)]
pub struct Hold {
    method: &'static str,
    prefix: String,
    open: Arc<tokio::sync::watch::Sender<bool>>,
}

impl Hold {
    pub fn open(&self) {
        self.open.send_replace(true);
    }
    pub fn close(&self) {
        self.open.send_replace(false);
    }
    async fn wait(&self, method: &str, path: &str) {
        if method != self.method || !path.starts_with(&self.prefix) {
            return;
        }
        let mut rx = self.open.subscribe();
        let _ = rx.wait_for(|open| *open).await;
    }
}

struct State {
    rules: Vec<(Rule, usize)>,
    holds: Vec<Hold>,
    /// Faults applied, as `METHOD path: fault`.
    applied: Vec<String>,
    /// Every request seen so far, as (method, path), for rules armed `after` one.
    seen: Vec<(String, String)>,
}

#[derive(Clone)]
pub struct Proxy {
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl Proxy {
    /// Binds now (so the sandbox can be told its public URL); serves once `upstream` is known.
    pub async fn bind() -> (Proxy, TcpListener) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = State { rules: vec![], holds: vec![], applied: vec![], seen: vec![] };
        (Proxy { url, state: Arc::new(Mutex::new(state)) }, listener)
    }

    pub fn serve(&self, listener: TcpListener, upstream: SocketAddr) {
        let state = self.state.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(handle(client, upstream, state.clone()));
            }
        });
    }

    pub fn add(&self, mut rule: Rule) {
        let mut s = self.state.lock().unwrap();
        rule.since = s.seen.len();
        s.rules.push((rule, 0));
    }

    /// Requests of `method` under `prefix` wait while the hold is closed (it starts closed).
    pub fn hold(&self, method: &'static str, prefix: &str) -> Hold {
        let (tx, _) = tokio::sync::watch::channel(false);
        let hold = Hold { method, prefix: prefix.to_string(), open: Arc::new(tx) };
        self.state.lock().unwrap().holds.push(hold.clone());
        hold
    }

    /// The faults applied so far.
    pub fn applied(&self) -> Vec<String> {
        self.state.lock().unwrap().applied.clone()
    }
}

/// The fault for this request, counting it against every rule that matches.
fn pick(state: &Mutex<State>, method: &str, path: &str) -> Option<Fault> {
    let mut s = state.lock().unwrap();
    let mut fault = None;
    let State { rules, seen: past, .. } = &mut *s;
    let armed =
        |r: &Rule| r.after.as_ref().map_or(true, |(m, p)| past[r.since..].iter().any(|(pm, pp)| covers(m, p, pm, pp)));
    for (rule, seen) in rules.iter_mut().filter(|(r, _)| r.matches(method, path) && armed(r)) {
        let n = *seen;
        *seen += 1;
        if fault.is_none() && n >= rule.skip && n - rule.skip < rule.times {
            fault = Some(rule.fault);
        }
    }
    s.seen.push((method.to_string(), path.to_string()));
    if let Some(f) = fault {
        s.applied.push(format!("{method} {path}: {f:?}"));
    }
    fault
}

async fn handle(mut client: TcpStream, upstream: SocketAddr, state: Arc<Mutex<State>>) {
    let Some((head, body)) = read_request(&mut client).await else { return };
    let first = head.lines().next().unwrap_or_default().to_string();
    let mut parts = first.split_whitespace();
    let (method, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    let path = target.split('?').next().unwrap_or_default();
    let holds = state.lock().unwrap().holds.clone();
    for hold in holds {
        hold.wait(method, path).await;
    }
    let request = with_connection_close(&head, &body);
    match pick(&state, method, path) {
        None => relay(client, upstream, &request, None).await,
        Some(Fault::ResetBefore) => reset(client),
        Some(Fault::ResetAfter) => {
            let _ = forward(upstream, &request).await;
            reset(client);
        }
        Some(Fault::Stall(d)) => {
            tokio::time::sleep(d).await;
            reset(client);
        }
        Some(Fault::Late(d)) => {
            tokio::time::sleep(d).await;
            let _ = forward(upstream, &request).await;
            reset(client);
        }
        Some(Fault::Status(code)) => answer(&mut client, code, None).await,
        Some(Fault::StatusAfter(code)) => {
            let _ = forward(upstream, &request).await;
            answer(&mut client, code, None).await;
        }
        Some(Fault::RateLimited(secs)) => answer(&mut client, 429, Some(secs)).await,
        Some(Fault::Truncate) => {
            let answer = forward(upstream, &request).await.unwrap_or_default();
            let end = header_end(&answer).unwrap_or(answer.len());
            let cut = end + (answer.len() - end) / 2;
            let _ = client.write_all(&answer[..cut]).await;
            reset(client);
        }
        Some(Fault::Drop(bytes)) => relay(client, upstream, &request, Some(bytes)).await,
    }
}

/// The request head (up to the blank line) and its body (Content-Length bytes).
async fn read_request(client: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let end = loop {
        if let Some(end) = header_end(&buf) {
            break end;
        }
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).to_string();
    let length = head
        .lines()
        .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("content-length")))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buf[end..].to_vec();
    while body.len() < length {
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((head, body))
}

/// Where the head ends (just after `\r\n\r\n`).
fn header_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4)
}

fn with_connection_close(head: &str, body: &[u8]) -> Vec<u8> {
    let mut lines: Vec<&str> =
        head.trim_end().lines().filter(|l| !l.to_ascii_lowercase().starts_with("connection:")).collect();
    lines.push("connection: close");
    let mut out = (lines.join("\r\n") + "\r\n\r\n").into_bytes();
    out.extend_from_slice(body);
    out
}

/// Sends the request to the sandbox and reads its whole answer (it closes after it).
async fn forward(upstream: SocketAddr, request: &[u8]) -> Option<Vec<u8>> {
    let mut up = TcpStream::connect(upstream).await.ok()?;
    up.write_all(request).await.ok()?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer).await.ok()?;
    Some(answer)
}

/// Streams the sandbox's answer to bpdeploy as it comes; with `cut`, resets after that many body bytes.
async fn relay(mut client: TcpStream, upstream: SocketAddr, request: &[u8], cut: Option<usize>) {
    let Ok(mut up) = TcpStream::connect(upstream).await else { return };
    if up.write_all(request).await.is_err() {
        return;
    }
    let mut seen = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = match up.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let before = seen.len();
        seen.extend_from_slice(&chunk[..n]);
        if let (Some(limit), Some(end)) = (cut, header_end(&seen)) {
            if seen.len() >= end + limit {
                let upto = (end + limit).max(before);
                let _ = client.write_all(&seen[before..upto]).await;
                let _ = client.flush().await;
                tokio::time::sleep(Duration::from_millis(20)).await;
                return reset(client);
            }
        }
        if client.write_all(&chunk[..n]).await.is_err() {
            return;
        }
    }
    let _ = client.shutdown().await;
}

async fn answer(client: &mut TcpStream, code: u16, retry_after: Option<u64>) {
    let body = format!("{{\"id\":\"injected\",\"message\":\"injected fault {code}\"}}");
    let wait = retry_after.map(|s| format!("retry-after: {s}\r\n")).unwrap_or_default();
    let head = format!(
        "HTTP/1.1 {code} Injected\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{wait}connection: close\r\n\r\n",
        body.len()
    );
    let _ = client.write_all((head + &body).as_bytes()).await;
    let _ = client.shutdown().await;
}

/// A connection reset (RST), not a clean close: zero linger makes the close abortive.
fn reset(client: TcpStream) {
    let _ = client.set_zero_linger();
    drop(client);
}
