//! How long until production is healthy again, from what the services remember: a rollback is
//! the target's release phase plus traffic moving over; a revert adds CI and a build before
//! that. Each part says where its figure comes from, or that it is unknown.
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Heroku moves traffic to a new release over 3 to 7 minutes (preboot, dynos restarting).
pub const TRAFFIC: (u64, u64) = (180, 420);

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Part {
    /// `ci`, `build`, `release_phase`, `traffic`.
    pub what: &'static str,
    /// Null when unknown (no recent runs to learn from).
    pub secs: Option<u64>,
    pub from: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct Estimate {
    /// Known parts plus the shortest traffic move.
    pub min: u64,
    /// Known parts plus the longest traffic move.
    pub max: u64,
    pub parts: Vec<Part>,
}

impl Estimate {
    pub fn new(parts: Vec<Part>) -> Estimate {
        let known: u64 = parts.iter().filter(|p| p.what != "traffic").filter_map(|p| p.secs).sum();
        let mut parts = parts;
        parts.push(Part {
            what: "traffic",
            secs: Some(TRAFFIC.1),
            from: "Heroku moves traffic over 3–7 minutes".into(),
        });
        Estimate { min: known + TRAFFIC.0, max: known + TRAFFIC.1, parts }
    }

    /// Some part is unknown: the estimate is a floor.
    pub fn incomplete(&self) -> bool {
        self.parts.iter().any(|p| p.secs.is_none())
    }
}

/// The middle of the durations (the lower middle of an even count); None for none.
pub fn median(mut secs: Vec<u64>) -> Option<u64> {
    secs.sort_unstable();
    secs.get(secs.len().saturating_sub(1) / 2).copied()
}

/// Seconds from start to end, when both are known and in order.
pub fn span(start: Option<DateTime<Utc>>, end: Option<DateTime<Utc>>) -> Option<u64> {
    let secs = (end? - start?).num_seconds();
    (secs >= 0).then_some(secs as u64)
}

/// A part from recent durations: their median, or unknown.
pub fn part_from(what: &'static str, durations: Vec<u64>, source: &str) -> Part {
    let n = durations.len();
    match median(durations) {
        Some(m) => Part { what, secs: Some(m), from: format!("median of {n} recent {source}") },
        None => Part { what, secs: None, from: format!("unknown: no recent {source} to learn from") },
    }
}

/// "45 s", "6 min": for people.
pub fn duration(secs: u64) -> String {
    match secs {
        0..=89 => format!("{secs} s"),
        _ => format!("{} min", (secs + 30) / 60),
    }
}

/// "4 min–8 min": for people; a floor when some part is unknown.
pub fn human(e: &Estimate) -> String {
    let floor = if e.incomplete() { " (at least: some parts are unknown)" } else { "" };
    format!("{}–{}{floor}", duration(e.min), duration(e.max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_adds_the_traffic_move_to_the_known_parts() {
        let e = Estimate::new(vec![
            part_from("ci", vec![300, 420, 360], "check runs"),
            part_from("build", vec![], "builds"),
            Part { what: "release_phase", secs: Some(45), from: "v6's last release phase".into() },
        ]);
        assert_eq!((e.min, e.max), (360 + 45 + 180, 360 + 45 + 420));
        assert!(e.incomplete(), "the build is unknown");
        assert_eq!(e.parts[1].secs, None);
        assert_eq!(human(&e), "10 min–14 min (at least: some parts are unknown)");
        assert_eq!(median(vec![5, 1, 9, 7]), Some(5));
        assert_eq!(span(Some(Utc::now()), Some(Utc::now() - chrono::Duration::seconds(5))), None);
    }
}
