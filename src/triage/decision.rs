//! The decision tree, a pure function of the evidence: experiment, data, transient, patch, then
//! revert or rollback. Every step says why it did or did not apply, so the reasons read as the
//! routine itself; the first step that applies decides, and names the exact next command.
use super::blame::{FrameFindings, Person};
use super::evidence::{IssueFacts, TriagedRelease};
use super::experiment::ExperimentFinding;
use super::next;
pub use super::outlook::{RevertOutlook, RevertState, RollbackOutlook};
use super::severity::{bounded, severity};
use super::suspects::{implicated, Suspect};
use crate::config::TriageConfig;
use crate::recovery::eta::{self, Estimate};
use crate::ui::sanitize::one_line;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Traffic moves to a new release over this long: an issue that stops inside it was the
/// rollout's (old code meeting the new schema, a cold cache), not the code's.
pub const ROLLOUT_SECS: u64 = eta::TRAFFIC.1;

/// A fix forward is for a small change: at most this many lines of the frame's file.
pub const PATCH_LINES: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Classification {
    Experiment,
    Data,
    Transient,
    Patch,
    Revert,
    Rollback,
}

pub struct Case<'a> {
    pub issue: &'a IssueFacts,
    pub release: &'a TriagedRelease,
    pub now: DateTime<Utc>,
    pub config: &'a TriageConfig,
    /// In-app frames, innermost first.
    pub frames: &'a [FrameFindings],
    /// Whether what the release changed is known.
    pub range_known: bool,
    pub suspects: &'a [Suspect],
    pub experiment: Option<&'a ExperimentFinding>,
    pub revert: Option<&'a RevertOutlook>,
    pub rollback: Option<&'a RollbackOutlook>,
    pub branch: &'a str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub classification: Classification,
    pub reasons: Vec<String>,
    pub next_command: Option<String>,
    /// The people to call.
    pub call: Vec<String>,
    pub still_happening: bool,
}

/// No event for `[triage] stopped_after`: stopped. Without a last event, assume it goes on.
pub fn still_happening(issue: &IssueFacts, now: DateTime<Utc>, config: &TriageConfig) -> bool {
    let quiet = chrono::Duration::from_std(config.stopped_after).unwrap_or_else(|_| chrono::Duration::minutes(5));
    !matches!(issue.last_seen, Some(t) if t <= now - quiet)
}

/// Did the issue begin in this release? Not when its first event is older than the release
/// itself (Sentry names this release as its first when the earlier events carried no release);
/// else Sentry's first release says; else its first event against the time the release went
/// live; else unknown.
pub fn began_in_release(issue: &IssueFacts, release: &TriagedRelease) -> Option<bool> {
    if predates(issue, release) {
        return Some(false);
    }
    match (&issue.first_release, issue.first_seen, release.live_at) {
        (Some(first), _, _) => Some(first == &release.name),
        (None, Some(seen), Some(live)) => Some(seen >= live - chrono::Duration::minutes(1)),
        _ => None,
    }
}

/// First seen over a minute before Heroku created the release: no event of its code is that old.
fn predates(issue: &IssueFacts, release: &TriagedRelease) -> bool {
    matches!((issue.first_seen, release.created_at), (Some(seen), Some(created)) if seen < created - chrono::Duration::minutes(1))
}

pub fn decide(c: &Case) -> Decision {
    let still = still_happening(c.issue, c.now, c.config);
    let mut d = Decision {
        classification: Classification::Rollback,
        reasons: Vec::new(),
        next_command: None,
        call: Vec::new(),
        still_happening: still,
    };
    let accused = implicated(c.suspects);
    for s in &accused {
        for a in &s.authors {
            if !d.call.contains(a) {
                d.call.push(a.clone());
            }
        }
    }
    let v = format!("v{}", c.release.version);
    // 1. Experiment.
    if let Some(e) = c.experiment {
        d.classification = Classification::Experiment;
        d.reasons.push(format!("1. experiment: {}: turn it off, no revert or rollback needed", e.matched.join("; ")));
        d.reasons.push(match e.switches.is_empty() {
            true => {
                "the code names no Flipper feature or environment variable: turn it off where your flags live".into()
            }
            false => format!("the switch: {}", e.switches.join(", ")),
        });
        if !e.config_vars.is_empty() {
            d.reasons.push(format!("config vars that look like it (keys only): {}", e.config_vars.join(", ")));
        }
        if !e.owners.is_empty() {
            d.reasons.push(format!("who owns it (wrote the matching code): {}", e.owners.join(", ")));
        }
        // An owner who wrote the code in one of the release's PRs goes by the PR's author names.
        let owners: Vec<String> = e
            .owners
            .iter()
            .flat_map(|o| match c.suspects.iter().find(|s| s.people.iter().any(|p| &p.name == o)) {
                Some(s) => s.authors.clone(),
                None => vec![o.clone()],
            })
            .collect();
        d.call = owners.into_iter().fold(Vec::new(), |acc, o| merged(&acc, &[o]));
        d.next_command = e.next_command.clone();
        return d;
    }
    d.reasons.push(format!(
        "1. experiment: nothing in the frames, culprit, tags or message matches [triage] experiment_patterns ({})",
        c.config.experiment_patterns.join(", ")
    ));
    // 2. Data.
    let began = began_in_release(c.issue, c.release);
    let first = c.issue.first_release.as_deref().map(short_release).unwrap_or_else(|| "an unknown release".into());
    let seen = c.issue.first_seen.map(stamp).unwrap_or_else(|| "at an unknown time".into());
    if began == Some(false) {
        d.classification = Classification::Data;
        let when = match c.issue.first_release.as_deref() == Some(c.release.name.as_str()) {
            true => format!("first seen {seen}, before {v} existed, though Sentry files it under {v}"),
            false => format!("first seen {seen} in {first}, not {v}"),
        };
        d.reasons.push(format!(
            "2. data: it began before this release ({when}): bad data or an old bug, not the deploy; no revert, no rollback"
        ));
        data_details(c, &mut d);
        return d;
    }
    let in_repo = c.frames.iter().any(|f| f.frame.in_repo);
    if c.range_known && in_repo && accused.is_empty() {
        d.classification = Classification::Data;
        d.reasons.push(format!(
            "2. data: it began in {v}, but no in-app frame touches code {v} changed: bad data the new code path met, not the code; no revert, no rollback"
        ));
        data_details(c, &mut d);
        return d;
    }
    d.reasons.push(match (began, in_repo, c.range_known) {
        (_, true, true) => format!(
            "2. data: {}, and {} changed the code of its frames",
            if began == Some(true) { format!("it began in {v}") } else { "when it began is unknown".into() },
            labels(&accused)
        ),
        (_, false, _) => {
            "2. data: no in-app frame in this clone to compare with the release: the deploy is not ruled out".into()
        }
        (_, true, false) => {
            "2. data: what the release changed is unknown (see the warnings): the deploy is not ruled out".into()
        }
    });
    // 3. Transient.
    let window = chrono::Duration::seconds(ROLLOUT_SECS as i64);
    let rollout = eta::duration(ROLLOUT_SECS);
    // It stopped as other code replaced the release (a rollback, a deploy): that stopped it.
    let replaced = match (c.release.replaced, c.issue.last_seen) {
        (Some((n, at)), Some(last)) if !still && last >= at - chrono::Duration::minutes(1) => Some((n, at)),
        _ => None,
    };
    match (still, c.issue.last_seen, c.release.live_at) {
        (false, Some(last), _) if replaced.is_some() => {
            let (n, at) = replaced.unwrap_or_default();
            d.reasons.push(format!(
                "3. transient: it stopped at {}, when v{n} replaced {v}'s code in production ({}): the change of code stopped it, not the end of the rollout",
                stamp(last),
                stamp(at)
            ));
        }
        (false, Some(last), Some(live)) if began != Some(false) && last <= live + window => {
            d.classification = Classification::Transient;
            let after = eta::duration((last - live).num_seconds().max(0) as u64);
            d.reasons.push(format!(
                "3. transient: it began with {v} and stopped at {} ({after} after {v} went live, within the {rollout} traffic takes to move over): the rollout's, not the code's; no action. Triage again if it comes back",
                stamp(last)
            ));
            return d;
        }
        (false, Some(last), _) => d.reasons.push(format!(
            "3. transient: it stopped at {}, but not within the {rollout} after {v} went live: not the rollout",
            stamp(last)
        )),
        _ => d.reasons.push(format!(
            "3. transient: still happening (last event {}; stopped means none for {})",
            c.issue.last_seen.map(stamp).unwrap_or_else(|| "unknown".into()),
            crate::config::duration::format(c.config.stopped_after)
        )),
    }
    // 4. Patch.
    let severe = severity(c.issue, c.config);
    match patch_refusal(&accused, &severe) {
        None => {
            let s = accused[0];
            let f = &c.frames[s.first_frame.min(c.frames.len().saturating_sub(1))].frame;
            d.classification = Classification::Patch;
            d.reasons.push(format!(
                "4. patch: one suspect, {} by {}, changed {} lines of {}, and the damage is bounded ({}): fix forward",
                s.label(),
                s.authors.join(", "),
                s.lines_in_frame_file,
                f.file,
                bounded(c.issue, c.config)
            ));
            d.reasons.push(format!("ping {}: {}:{} in {}", s.authors.join(", "), f.file, f.line, f.function));
            d.reasons.push(format!(
                "branch from origin/{}, fix it, open a PR whose description says `Fixes {}`, merge, then `bpdeploy deploy --watch`",
                c.branch, c.issue.short_id
            ));
            d.next_command = Some(next::patch(&c.issue.short_id, c.branch));
            return d;
        }
        Some(why) => d.reasons.push(format!("4. patch: {why}")),
    }
    // 5. Revert or rollback.
    let mut roll = severe.clone();
    match accused.len() {
        0 => roll.push("no pull request of the release wrote its frames: there is nothing to revert".into()),
        1 => {}
        2 => roll.push(format!("{} are both implicated", labels(&accused))),
        _ => roll.push(format!("{} are all implicated", labels(&accused))),
    }
    if let Some(one) = accused.first() {
        match (one.pull_request, c.revert) {
            (None, _) => roll.push(format!("{} was pushed straight to {}: no PR to revert", one.label(), c.branch)),
            (Some(_), Some(r)) => match &r.state {
                RevertState::Clean => {}
                RevertState::Conflicts(why) => roll.push(format!("reverting #{} conflicts: {why}", r.pull_request)),
                RevertState::Refused(why) => roll.push(format!("#{} cannot be reverted: {why}", r.pull_request)),
                RevertState::Unknown(why) => {
                    roll.push(format!("the revert of #{} could not be predicted: {why}", r.pull_request))
                }
            },
            (Some(n), None) => roll.push(format!("the revert of #{n} was not predicted")),
        }
    }
    let estimates = estimates_line(c);
    if roll.is_empty() {
        d.classification = Classification::Revert;
        let pr = accused[0].pull_request.unwrap_or_default();
        d.reasons.push(format!(
            "5. revert: one PR (#{pr}) is implicated, its revert applies cleanly on origin/{} and the damage is bounded ({}): revert it and keep the rest of {v}",
            c.branch,
            bounded(c.issue, c.config)
        ));
        d.next_command = Some(next::revert(pr, &c.issue.short_id, &c.issue.id));
    } else {
        d.classification = Classification::Rollback;
        d.reasons.push(format!("5. rollback: {}", roll.join("; ")));
        if let Some(refusal) = c.rollback.and_then(|r| r.refusal.as_ref()) {
            d.reasons.push(format!("but the rollback preview refuses: {refusal}"));
        }
        match replaced {
            Some((n, at)) => d.reasons.push(format!(
                "production stopped running {v}'s code at {} (v{n}) and the issue stopped with it: no rollback is needed now; keep {} out of the next deploy",
                stamp(at),
                labels(&accused)
            )),
            None => {
                // Only a release older than this one takes its code out (the preview may start later).
                let target = c.rollback.and_then(|r| r.target);
                let behind = target.filter(|t| *t < c.release.version);
                if let (Some(t), None) = (target, behind) {
                    d.reasons.push(format!(
                        "the rollback preview's target, v{t}, does not take {v}'s code out: preview one older than {v}"
                    ));
                }
                d.next_command = Some(next::rollback(behind, &c.issue.short_id, &c.issue.id));
            }
        }
    }
    d.reasons.push(estimates);
    let breaking: Vec<&String> = match d.classification {
        Classification::Revert => c.revert.map(|r| r.breaking.iter().collect()).unwrap_or_default(),
        _ => c.rollback.map(|r| r.breaking.iter().collect()).unwrap_or_default(),
    };
    if !breaking.is_empty() {
        let names: Vec<&str> = breaking.iter().map(|s| s.as_str()).collect();
        d.reasons.push(format!(
            "the restored code breaks on migrations that stay applied ({}): read the preview before you run it",
            names.join(", ")
        ));
    }
    d
}

/// Why a fix forward is not the move, or None when it is.
fn patch_refusal(accused: &[&Suspect], severe: &[String]) -> Option<String> {
    let [one] = accused else {
        return Some(match accused.len() {
            0 => "no suspect wrote its frames: nothing to fix forward".into(),
            n => format!("{n} suspects ({}): not one small change", labels(accused)),
        });
    };
    if !severe.is_empty() {
        return Some(format!("the damage is severe ({}): no time for a fix forward", severe.join("; ")));
    }
    if !one.migrations.is_empty() {
        return Some(format!(
            "{} brought migrations ({}): a fix forward is no small change",
            one.label(),
            one.migrations.join(", ")
        ));
    }
    match one.lines_in_frame_file {
        0 => Some(format!("{} changed no line of the frame's file: unknown size", one.label())),
        n if n > PATCH_LINES => Some(format!(
            "{} changed {n} lines of the frame's file (a small fix is at most {PATCH_LINES}): not a small change",
            one.label()
        )),
        _ => None,
    }
}

fn data_details(c: &Case, d: &mut Decision) {
    match c.frames.first() {
        Some(f) => {
            d.reasons.push(format!("the frame: {}:{} in {}", f.frame.file, f.frame.line, f.frame.function));
            if let Some(owner) = &f.line_author {
                // Someone who wrote it in one of the release's PRs goes by the PR's author names
                // (their login), not a second time by their git name.
                let same = |p: &Person| p.email.eq_ignore_ascii_case(&owner.email);
                let names = match c.suspects.iter().find(|s| s.people.iter().any(same)) {
                    Some(s) => s.authors.clone(),
                    None => vec![owner.name.clone()],
                };
                d.call = merged(&d.call, &names);
                d.reasons.push(format!("who wrote that line: {}", owner.name));
            }
        }
        None => d.reasons.push("the latest event has no in-app frame".into()),
    }
    let message = c.issue.message.as_deref().unwrap_or(&c.issue.title);
    d.reasons.push(match super::record::named(message) {
        Some(record) => format!("the record: {record} (from the message)"),
        None => format!("the message names no record: \"{}\"", one_line(message)),
    });
}

fn estimates_line(c: &Case) -> String {
    let show = |e: Option<&Estimate>| e.map(eta::human).unwrap_or_else(|| "unknown".into());
    let revert = c.revert.and_then(|r| r.estimate.as_ref());
    let rollback = c.rollback.and_then(|r| r.estimate.as_ref());
    format!("time to recovery: revert {} · rollback {}", show(revert), show(rollback))
}

fn labels(suspects: &[&Suspect]) -> String {
    let all: Vec<String> = suspects.iter().map(|s| s.label()).collect();
    match all.as_slice() {
        [] => "no change".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn merged(a: &[String], b: &[String]) -> Vec<String> {
    let mut out = a.to_vec();
    out.extend(b.iter().filter(|x| !a.contains(x)).cloned());
    out
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A release name as people read it: a sha shortened, anything else as it is.
fn short_release(name: &str) -> String {
    match name.len() == 40 && name.chars().all(|c| c.is_ascii_hexdigit()) {
        true => name[..7].to_string(),
        false => one_line(name),
    }
}

#[cfg(test)]
#[path = "decision_tests.rs"]
mod tests;
