//! What a watch shows people: on a TTY a panel with one line per channel, redrawn in place each
//! look; without one, a line per change between two looks. Text from outside (issue titles,
//! Slack messages, URLs) is scrubbed before it gets here or here.
use crate::deploy::channels::heroku_log::LogState;
use crate::deploy::channels::sentry_rules::NewIssueState;
use crate::deploy::channels::smoke::describe;
use crate::deploy::channels::watching::LogView;
use crate::deploy::watch::{error_rate, round_secs, Baseline, NewIssue, ReleaseState, Snapshot, TOP_ISSUES};
use crate::ui::sanitize::one_line;
use std::time::Duration;

/// The live panel on a TTY: the clock, then one line per channel, then the top new issues and
/// the newest Slack messages.
pub fn panel(snapshot: &Snapshot, baseline: Option<&Baseline>, duration: Duration) -> Vec<String> {
    use crate::config::duration::format;
    let rate = error_rate(snapshot.error_events, snapshot.elapsed);
    let base = baseline.map(|b| format!(" (baseline {:.1}/min)", b.events_per_minute)).unwrap_or_default();
    let mut lines = vec![
        format!("watching {} of {}", format(round_secs(snapshot.elapsed)), format(duration)),
        format!("sentry: {}, error rate {rate:.1}/min{base}", sentry_line(snapshot)),
        format!("router: {}", log_line(snapshot.channels.router.as_ref(), "no errors")),
        format!("dynos: {}", dynos_line(snapshot)),
        format!("smoke: {}", smoke_line(snapshot)),
        format!("slack: {}", slack_line(snapshot)),
    ];
    for issue in snapshot.new_issues.iter().take(TOP_ISSUES) {
        lines.push(format!("  {}", issue_line(issue)));
    }
    let posts = snapshot.channels.slack.iter().flatten().flat_map(|v| &v.posts);
    let mut posts: Vec<_> = posts.collect();
    posts.sort_by_key(|p| std::cmp::Reverse(p.at));
    for p in posts.into_iter().take(TOP_ISSUES) {
        lines.push(format!("  {} {} {}: {}", one_line(&p.channel), p.at.format("%H:%M"), p.author, p.first_line));
    }
    lines
}

fn sentry_line(s: &Snapshot) -> String {
    let count = |f: fn(&NewIssueState) -> bool| s.sentry.new_issues.iter().filter(|j| f(&j.state)).count();
    let mut parts = vec![format!("{} new {}", s.new_issues.len(), plural(s.new_issues.len(), "issue"))];
    let transient = count(|st| st.is_transient());
    if transient > 0 {
        parts.push(format!("{transient} transient"));
    }
    let pending = count(|st| *st == NewIssueState::Pending);
    if pending > 0 {
        parts.push(format!("{pending} still firing"));
    }
    if !s.sentry.regressions.is_empty() {
        parts.push(format!("{} {}", s.sentry.regressions.len(), plural(s.sentry.regressions.len(), "regression")));
    }
    parts.join(", ")
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

fn log_line(view: Option<&LogView>, quiet: &str) -> String {
    let Some(view) = view else { return "off".into() };
    let counts: Vec<String> = view.counts.iter().map(|(code, n)| format!("{n} {code}")).collect();
    match &view.state {
        LogState::Off { reason } => format!("off ({})", one_line(reason)),
        LogState::Opening => "opening a log session".into(),
        LogState::Streaming { .. } if counts.is_empty() => quiet.into(),
        LogState::Streaming { .. } => counts.join(", "),
    }
}

fn dynos_line(s: &Snapshot) -> String {
    let crashed = match s.crashed_dynos.len() {
        0 => "none crashed".to_string(),
        _ => format!("crashed {}", one_line(&s.crashed_dynos.join(", "))),
    };
    match &s.channels.dynos {
        Some(view) => format!("{crashed}; log: {}", log_line(Some(view), "no errors")),
        None => crashed,
    }
}

fn smoke_line(s: &Snapshot) -> String {
    let Some(logs) = &s.channels.smoke else { return "off".into() };
    let pages: Vec<String> = logs
        .iter()
        .map(|l| match l.rounds.last() {
            Some(p) => format!("{} {}", l.url, describe(p)),
            None => format!("{} (first round running)", l.url),
        })
        .collect();
    pages.join("; ")
}

fn slack_line(s: &Snapshot) -> String {
    let Some(views) = &s.channels.slack else { return "off".into() };
    let parts: Vec<String> = views
        .iter()
        .map(|v| match &v.off {
            Some(why) => format!("{} off ({})", v.channel, one_line(why)),
            None => format!("{} {}", v.channel, v.posts.len()),
        })
        .collect();
    parts.join(", ")
}

/// Without a TTY, one line per change between two looks (nothing when nothing changed).
pub fn changes(before: Option<&Snapshot>, now: &Snapshot) -> Vec<String> {
    let mut out = Vec::new();
    for issue in &now.new_issues {
        match before.and_then(|b| b.new_issues.iter().find(|i| i.id == issue.id)) {
            None => out.push(format!("new issue: {}", issue_line(issue))),
            Some(old) if old.events != issue.events => {
                out.push(format!("issue {}: {} events, {} users", one_line(&issue.id), issue.events, issue.users))
            }
            Some(_) => {}
        }
    }
    for judged in &now.sentry.new_issues {
        let was = before.and_then(|b| b.sentry.new_issues.iter().find(|j| j.id == judged.id)).map(|j| j.state);
        if let (NewIssueState::Transient { stopped_after }, false) =
            (judged.state, was.is_some_and(|w| w.is_transient()))
        {
            let after = crate::config::duration::format(round_secs(stopped_after));
            out.push(format!("issue {} stopped {after} after the release: transient so far", one_line(&judged.id)));
        }
    }
    for r in &now.sentry.regressions {
        if !before.is_some_and(|b| b.sentry.regressions.iter().any(|o| o.id == r.id)) {
            out.push(format!("regression: {}", r.describe()));
        }
    }
    if before.map(|b| b.error_events) != Some(now.error_events) && now.error_events > 0 {
        out.push(format!("error events since the release: {}", now.error_events));
    }
    let crashed_before = before.map(|b| b.crashed_dynos.clone()).unwrap_or_default();
    for dyno in now.crashed_dynos.iter().filter(|d| !crashed_before.contains(d)) {
        out.push(format!("dyno {} crashed", one_line(dyno)));
    }
    for (name, view, old) in [
        ("router", &now.channels.router, before.and_then(|b| b.channels.router.as_ref())),
        ("dynos", &now.channels.dynos, before.and_then(|b| b.channels.dynos.as_ref())),
    ] {
        let Some(view) = view else { continue };
        if old.map(|o| &o.counts) != Some(&view.counts) && !view.counts.is_empty() {
            out.push(format!("{name}: {}", log_line(Some(view), "")));
        }
        if let (LogState::Off { reason }, false) = (&view.state, old.is_some_and(|o| o.state == view.state)) {
            out.push(format!("{name}: off ({})", one_line(reason)));
        }
    }
    for log in now.channels.smoke.iter().flatten() {
        let last = log.rounds.last();
        let old =
            before.and_then(|b| b.channels.smoke.as_ref()?.iter().find(|l| l.url == log.url)?.rounds.last().cloned());
        if let Some(p) = last.filter(|p| old.as_ref().map(|o| o.bad()) != Some(p.bad())) {
            out.push(format!("smoke {}: {}", log.url, describe(p)));
        }
    }
    for view in now.channels.slack.iter().flatten() {
        let seen = before.and_then(|b| b.channels.slack.as_ref()?.iter().find(|v| v.channel == view.channel).cloned());
        for p in view.posts.iter().filter(|p| !seen.as_ref().is_some_and(|s| s.posts.contains(p))) {
            out.push(format!("slack {} {}: {}", p.channel, p.author, p.first_line));
        }
    }
    if before.map(|b| &b.release) != Some(&now.release) {
        match now.release {
            ReleaseState::Current => {}
            // It never was the current one.
            ReleaseState::Failed => out.push("the release phase failed: this release never went live".into()),
            ReleaseState::Superseded { .. } => out.push("the release is no longer the current one".into()),
        }
    }
    out
}

pub fn issue_line(issue: &NewIssue) -> String {
    let name = one_line(issue.short_id.as_deref().unwrap_or(&issue.id));
    let title = one_line(&issue.title);
    format!("{name} {title}: {} events, {} users", issue.events, issue.users)
}
