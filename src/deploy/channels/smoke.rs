//! Smoke checks, the routine's "emulate the experience": each `[watch] smoke` URL fetched every
//! interval, without credentials and without following redirects (a 301 is an answer), its
//! status and latency recorded. Sustained 5xx or failures, or a median latency several times
//! the first round's, fail the watch; one blip does not.
use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use url::Url;

/// A median under this is never slow, whatever the ratio: a page going from 20 ms to 90 ms is
/// not an outage, and loopback latencies jump under load.
pub const LATENCY_FLOOR: Duration = Duration::from_millis(500);

/// One fetch of one URL.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Probe {
    pub status: Option<u16>,
    #[serde(rename = "latency_ms", serialize_with = "millis")]
    pub latency: Duration,
    /// Why there was no answer (timeout, refused…), scrubbed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis() as u64)
}

impl Probe {
    /// No answer, or a server error.
    pub fn bad(&self) -> bool {
        self.error.is_some() || self.status.map_or(true, |s| s >= 500)
    }
}

/// The rounds of one URL, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UrlLog {
    /// The URL as shown: no query, no fragment (they may carry keys).
    pub url: String,
    pub rounds: Vec<Probe>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SmokeRule {
    /// This many bad rounds in a row fail the watch; also the window of the latency median.
    pub failing_rounds: u32,
    /// The median latency of the window beyond this many times the first round's fails it.
    pub latency_ratio: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmokeBreach {
    pub url: String,
    pub message: String,
}

/// What the rounds so far say of each URL.
pub fn breaches(logs: &[UrlLog], rule: &SmokeRule) -> Vec<SmokeBreach> {
    let n = rule.failing_rounds.max(1) as usize;
    let mut out = Vec::new();
    for log in logs {
        let Some(window) = log.rounds.len().checked_sub(n).map(|start| &log.rounds[start..]) else { continue };
        if window.iter().all(Probe::bad) {
            let last = window.last().map(describe).unwrap_or_default();
            out.push(SmokeBreach {
                url: log.url.clone(),
                message: format!("{}: {n} bad rounds in a row ({last})", log.url),
            });
            continue;
        }
        let first = log.rounds.iter().find(|p| !p.bad()).map(|p| p.latency);
        let (Some(first), true) = (first, log.rounds.len() > n) else { continue };
        let median = median(window.iter().map(|p| p.latency).collect());
        if median > LATENCY_FLOOR && median.as_secs_f64() > first.as_secs_f64() * rule.latency_ratio {
            out.push(SmokeBreach {
                url: log.url.clone(),
                message: format!(
                    "{}: median latency {} ms over the last {n} rounds, {:.1}× the first round's {} ms",
                    log.url,
                    median.as_millis(),
                    median.as_secs_f64() / first.as_secs_f64().max(0.001),
                    first.as_millis()
                ),
            });
        }
    }
    out
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

/// `503`, `timed out after 30000 ms`.
pub fn describe(p: &Probe) -> String {
    match (&p.error, p.status) {
        (Some(e), _) => e.clone(),
        (None, Some(s)) => format!("{s} in {} ms", p.latency.as_millis()),
        (None, None) => "no answer".into(),
    }
}

/// A URL without its query and fragment, for people and JSON.
pub fn shown(url: &Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.set_fragment(None);
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.to_string()
}

/// Fetches `url` once: no credentials (the client carries none), redirects not followed.
pub async fn probe(client: &reqwest::Client, url: &Url, timeout: Duration) -> Probe {
    let started = Instant::now();
    let outcome = client.get(url.clone()).timeout(timeout).send().await;
    let latency = started.elapsed();
    match outcome {
        Ok(resp) => Probe { status: Some(resp.status().as_u16()), latency, error: None },
        Err(e) if e.is_timeout() => {
            Probe { status: None, latency, error: Some(format!("no answer within {} ms", timeout.as_millis())) }
        }
        Err(e) => {
            let why = crate::ui::sanitize::one_line(&e.without_url().to_string());
            Probe { status: None, latency, error: Some(format!("failed ({why})")) }
        }
    }
}

/// The checks running beside the watch: each page fetched every interval until dropped. Each page
/// has its own loop: a page that hangs until the timeout holds no other page's rounds back.
pub struct SmokeChecks {
    logs: Arc<Mutex<Vec<UrlLog>>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl SmokeChecks {
    pub fn start(client: reqwest::Client, urls: Vec<Url>, interval: Duration, timeout: Duration) -> SmokeChecks {
        let logs: Vec<UrlLog> = urls.iter().map(|u| UrlLog { url: shown(u), rounds: vec![] }).collect();
        let logs = Arc::new(Mutex::new(logs));
        let tasks = urls
            .into_iter()
            .enumerate()
            .map(|(i, url)| {
                let (shared, client) = (logs.clone(), client.clone());
                tokio::spawn(async move {
                    loop {
                        let p = probe(&client, &url, timeout).await;
                        if let Some(log) = shared.lock().ok().as_mut().and_then(|logs| logs.get_mut(i)) {
                            log.rounds.push(p);
                        }
                        tokio::time::sleep(interval).await;
                    }
                })
            })
            .collect();
        SmokeChecks { logs, tasks }
    }

    /// The rounds so far.
    pub fn logs(&self) -> Vec<UrlLog> {
        self.logs.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

impl Drop for SmokeChecks {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

#[cfg(test)]
#[path = "smoke_tests.rs"]
mod tests;
