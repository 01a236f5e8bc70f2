//! The deploy lock, decided from what Heroku and GitHub say is in flight: a pending build, a
//! pending release (a release phase running), or a bpdeploy GitHub deployment still in progress.
//! There is no lock server: the services' own state is the lock, so a deploy from the dashboard
//! or the Heroku CLI holds it too.
use crate::deploy::steps::LockHolder;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// A bpdeploy deployment in progress for longer than this is presumed abandoned (a killed
/// process, a laptop closed mid-deploy); Heroku's own pending state never goes stale.
pub const STALE_AFTER: Duration = Duration::from_secs(3600);

/// The GitHub deployment payload that marks a deployment as made by bpdeploy.
pub const PAYLOAD_MARKER: &str = "bpdeploy";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingWork {
    pub who: Option<String>,
    pub since: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentRecord {
    pub id: u64,
    pub creator: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The latest status (`in_progress`, `queued`, `pending`, `success`, …); None when it has none.
    pub state: Option<String>,
    pub by_bpdeploy: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockEvidence {
    pub pending_builds: Vec<PendingWork>,
    pub pending_releases: Vec<PendingWork>,
    /// Deployments of this app's environment, newest first.
    pub deployments: Vec<DeploymentRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockState {
    /// Free; the notes name stale deployments that were ignored.
    Free {
        notes: Vec<String>,
    },
    Held(LockHolder),
}

pub fn evaluate(evidence: &LockEvidence, now: DateTime<Utc>) -> LockState {
    let holder = |what: &str, w: &PendingWork| LockHolder {
        what: what.to_string(),
        who: w.who.clone().unwrap_or_else(|| "someone".into()),
        since: w.since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    if let Some(b) = evidence.pending_builds.iter().min_by_key(|w| w.since) {
        return LockState::Held(holder("a pending build", b));
    }
    if let Some(r) = evidence.pending_releases.iter().min_by_key(|w| w.since) {
        return LockState::Held(holder("a pending release (release phase running)", r));
    }
    let mut notes = vec![];
    for d in evidence.deployments.iter().filter(|d| d.by_bpdeploy) {
        let active = matches!(d.state.as_deref(), None | Some("in_progress" | "queued" | "pending"));
        if !active {
            continue;
        }
        let age = (now - d.created_at).to_std().unwrap_or_default();
        if age >= STALE_AFTER {
            notes.push(format!(
                "ignoring GitHub deployment {} started {} by {}: in progress for over an hour, presumed abandoned",
                d.id,
                d.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                d.creator.as_deref().unwrap_or("someone")
            ));
            continue;
        }
        let work = PendingWork { who: d.creator.clone(), since: d.created_at };
        return LockState::Held(holder("a bpdeploy deploy in progress", &work));
    }
    LockState::Free { notes }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn deployment(created: &str, state: Option<&str>, by_bpdeploy: bool) -> DeploymentRecord {
        DeploymentRecord {
            id: 9,
            creator: Some("carol".into()),
            created_at: at(created),
            state: state.map(str::to_string),
            by_bpdeploy,
        }
    }

    const NOW: &str = "2025-01-01T12:00:00Z";

    #[test]
    fn pending_heroku_work_holds_the_lock_naming_who_and_since_when() {
        let mut e = LockEvidence { pending_builds: vec![], pending_releases: vec![], deployments: vec![] };
        assert_eq!(evaluate(&e, at(NOW)), LockState::Free { notes: vec![] });
        e.pending_releases = vec![PendingWork { who: Some("bob@x.io".into()), since: at("2025-01-01T11:58:00Z") }];
        let LockState::Held(h) = evaluate(&e, at(NOW)) else { panic!("expected held") };
        assert_eq!(h.describe(), "a pending release (release phase running) by bob@x.io since 2025-01-01T11:58:00Z");
        e.pending_builds = vec![PendingWork { who: None, since: at("2025-01-01T11:59:00Z") }];
        let LockState::Held(h) = evaluate(&e, at(NOW)) else { panic!("expected held") };
        assert_eq!(h.what, "a pending build");
        assert_eq!(h.who, "someone");
    }

    #[test]
    fn bpdeploy_deployments_hold_it_for_an_hour_at_most() {
        let e = |d: DeploymentRecord| LockEvidence {
            pending_builds: vec![],
            pending_releases: vec![],
            deployments: vec![d],
        };
        let held = evaluate(&e(deployment("2025-01-01T11:30:00Z", Some("in_progress"), true)), at(NOW));
        assert!(matches!(held, LockState::Held(ref h) if h.who == "carol" && h.what.contains("bpdeploy")));
        let LockState::Free { notes } =
            evaluate(&e(deployment("2025-01-01T10:59:00Z", Some("in_progress"), true)), at(NOW))
        else {
            panic!("stale deployments do not hold the lock")
        };
        assert!(notes[0].contains("presumed abandoned"));
        for free in [
            deployment("2025-01-01T11:30:00Z", Some("success"), true),
            deployment("2025-01-01T11:30:00Z", Some("in_progress"), false),
        ] {
            assert_eq!(evaluate(&e(free), at(NOW)), LockState::Free { notes: vec![] });
        }
    }
}
