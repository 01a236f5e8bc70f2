//! The storefront's traffic as Heroku's router logs it: one request every 250 ms (at speed 1),
//! computed from the clock on demand like Sentry's events, so any window of the log agrees with
//! any other. While the drill's router trouble is in the live code, its pages time out (H12);
//! each release restarts the web dynos.
use crate::sandbox::clock::Clock;
use crate::sandbox::drill::RouterTrouble;
use chrono::{DateTime, Duration, Utc};
use std::time::Duration as StdDuration;

/// What the visitors ask for, in turn.
const PATHS: [&str; 8] = ["/", "/products", "/forums", "/cart", "/products/42", "/forums/7", "/orders", "/"];

/// Requests per second at speed 1.
const EVERY: StdDuration = StdDuration::from_millis(250);

#[derive(Debug, Clone, Copy)]
pub struct Traffic {
    origin: DateTime<Utc>,
    step: Duration,
}

/// When each release went live and whether its code has the drill's router trouble.
pub type LivePeriods = Vec<(DateTime<Utc>, bool)>;

impl Traffic {
    pub fn new(clock: &Clock) -> Traffic {
        let step = Duration::from_std(clock.scaled(EVERY)).unwrap_or(Duration::milliseconds(250));
        Traffic { origin: clock.started - Duration::days(1), step: step.max(Duration::microseconds(100)) }
    }

    /// The index of the last request at or before `t`.
    pub fn index_at(&self, t: DateTime<Utc>) -> i64 {
        let micros = (t - self.origin).num_microseconds().unwrap_or(0);
        micros.div_euclid(self.step.num_microseconds().unwrap_or(1).max(1))
    }

    pub fn time_of(&self, k: i64) -> DateTime<Utc> {
        self.origin + self.step * k as i32
    }

    /// The log lines of requests `from_k..=to_k` and of the restarts between their times,
    /// oldest first.
    pub fn lines(&self, from_k: i64, to_k: i64, live: &LivePeriods, trouble: Option<&RouterTrouble>) -> Vec<String> {
        let mut out: Vec<(DateTime<Utc>, String)> = Vec::new();
        for k in from_k.max(0)..=to_k {
            let at = self.time_of(k);
            let troubled = live.iter().rev().find(|(when, _)| *when <= at).is_some_and(|(_, bad)| *bad);
            out.push((at, router_line(k, at, troubled.then_some(trouble).flatten())));
        }
        if let (Some(first), Some(last)) = (out.first().map(|l| l.0), out.last().map(|l| l.0)) {
            for (when, _) in live.iter().filter(|(w, _)| *w > first && *w <= last) {
                for (i, (dyno, what)) in RESTART.iter().enumerate() {
                    let at = *when + Duration::microseconds(i as i64 + 1);
                    out.push((at, format!("{} heroku[{dyno}]: {what}", stamp(at))));
                }
            }
        }
        out.sort_by_key(|(at, _)| *at);
        out.into_iter().map(|(_, l)| l).collect()
    }
}

/// What a release does to the web dynos (preboot: the new ones come up first).
const RESTART: [(&str, &str); 4] = [
    ("web.1", "State changed from down to starting"),
    ("web.1", "Starting process with command `bundle exec puma -C config/puma.rb`"),
    ("web.1", "State changed from starting to up"),
    ("web.2", "State changed from starting to up"),
];

fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string()
}

fn router_line(k: i64, at: DateTime<Utc>, trouble: Option<&RouterTrouble>) -> String {
    let path = PATHS[k.rem_euclid(PATHS.len() as i64) as usize];
    let dyno = 1 + k.rem_euclid(2);
    let request_id = format!("{:08x}-5a4d-4e1f-9e1f-{:012x}", k as u32, k);
    let fwd = format!("203.0.113.{}", k.rem_euclid(250) + 1);
    let common =
        format!("method=GET path=\"{path}\" host=storefront.herokuapp.com request_id={request_id} fwd=\"{fwd}\"");
    match trouble.filter(|t| path.starts_with(t.path)) {
        Some(t) => format!(
            "{} heroku[router]: at=error code={} desc=\"{}\" {common} dyno=web.{dyno} connect=0ms service=30000ms status=503 bytes=0 protocol=https",
            stamp(at),
            t.code,
            t.desc
        ),
        None => format!(
            "{} heroku[router]: at=info {common} dyno=web.{dyno} connect=0ms service={}ms status=200 bytes={} protocol=https",
            stamp(at),
            12 + (k * 37).rem_euclid(180),
            900 + (k * 131).rem_euclid(4000)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::channels::logline::{parse_log_line, Channel};

    #[test]
    fn the_router_log_parses_and_times_out_the_troubled_pages_only_while_live() {
        let traffic = Traffic::new(&Clock::new(1.0));
        let trouble = RouterTrouble {
            path: "/forums",
            code: "H12",
            desc: "Request timeout",
            trigger: ("app/controllers/forums_controller.rb", "x"),
        };
        let k0 = traffic.index_at(Utc::now());
        let live_bad = traffic.time_of(k0 + 8);
        let live_good = traffic.time_of(k0 + 24);
        let live = vec![(traffic.time_of(k0 - 100), false), (live_bad, true), (live_good, false)];
        let lines = traffic.lines(k0, k0 + 31, &live, Some(&trouble));
        let parsed: Vec<_> = lines.iter().map(|l| parse_log_line(l).unwrap_or_else(|| panic!("{l}"))).collect();
        let keys: Vec<Option<String>> = parsed.iter().map(|p| p.key().map(|(_, k)| k)).collect();
        let h12 = keys.iter().filter(|k| k.as_deref() == Some("H12")).count();
        // Two /forums pages in every eight requests, for the sixteen requests the bad code served.
        assert_eq!(h12, 4, "{lines:#?}");
        assert!(parsed.iter().all(|p| p.key().map_or(true, |(c, _)| c == Channel::Router)));
        // Each release restarts the web dynos; the lines come in time order.
        assert_eq!(lines.iter().filter(|l| l.contains("State changed from starting to up")).count(), 4);
        let times: Vec<_> = parsed.iter().map(|p| p.at.unwrap()).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        // Without trouble, nothing but 200s.
        assert!(traffic
            .lines(k0, k0 + 31, &live, None)
            .iter()
            .all(|l| l.contains("status=200") || !l.contains("router")));
    }
}
