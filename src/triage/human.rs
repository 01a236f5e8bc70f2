//! The human form of a triage: per issue, the evidence, the suspects, each step of the tree and
//! the next command. Everything that came from Sentry or the repository goes through `sanitize`;
//! tables are tab-separated off a TTY.
use super::decision::Classification;
use super::report::{IssueReport, TriageReport};
use crate::recovery::eta;
use crate::ui::render::{linked_table, Outcome as Render};
use crate::ui::sanitize::{one_line, path};
use crate::ui::Ui;
use console::Style;
use std::fmt::Write;

pub struct Outcome {
    pub report: TriageReport,
}

impl Render for Outcome {
    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(&self.report).unwrap_or_default()
    }

    fn human(&self, ui: &Ui) -> String {
        render(&self.report, ui)
    }

    fn warnings(&self) -> Vec<String> {
        self.report.warnings.clone()
    }
}

pub fn render(r: &TriageReport, ui: &Ui) -> String {
    let mut out = String::new();
    if r.issues.is_empty() {
        let _ = writeln!(
            out,
            "No new Sentry issue in v{} ({}): nothing to triage.",
            r.release.version,
            short(&r.release.commit)
        );
        return out;
    }
    for (i, issue) in r.issues.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        one(&mut out, issue, r, ui);
    }
    out
}

fn one(out: &mut String, i: &IssueReport, r: &TriageReport, ui: &Ui) {
    let bold = ui.out_style(Style::new().bold());
    let _ = writeln!(out, "{}  {}", bold.apply_to(one_line(&i.short_id)), one_line(&i.title));
    let rate = i.events_per_minute.map(|r| format!("{r:.1}/min now")).unwrap_or_else(|| "rate unknown".into());
    let state = if i.still_happening { "still happening".to_string() } else { "stopped".to_string() };
    let level = i.shown.level.as_deref().map(one_line).unwrap_or_else(|| "unknown".into());
    let _ = writeln!(out, "  {} events · {} users · {rate} · {state} · level {level}", i.events, i.users);
    // Humane on a terminal ("8 min ago"), RFC 3339 off it, as every other result's times.
    let tty = ui.stdout_tty && !ui.json;
    let when = |t: &str| crate::ui::time::when_text(tty, chrono::Utc::now(), t);
    let first_seen = i.first_seen.as_deref().map(when);
    let first = match (&i.first_release, &first_seen) {
        (Some(rel), Some(seen)) if *rel == r.release.name => {
            format!("first seen {seen} in v{} (this release)", r.release.version)
        }
        (Some(rel), Some(seen)) => format!("first seen {seen} in {}", one_line(&short(rel))),
        (None, Some(seen)) => format!("first seen {seen}"),
        _ => "first seen: unknown".into(),
    };
    let live = r.release.live_at.map(|t| crate::ui::time::when(tty, chrono::Utc::now(), t));
    let live = live.map(|t| format!(", v{} live since {t}", r.release.version)).unwrap_or_default();
    let last = i.shown.last_seen.as_deref().map(|t| format!(" · last {}", when(t))).unwrap_or_default();
    let _ = writeln!(out, "  {first}{live}{last}");
    if let Some(t) = &i.shown.transaction {
        let _ = writeln!(out, "  transaction {}", one_line(t));
    }
    if let Some(m) = &i.shown.message {
        let _ = writeln!(out, "  message \"{}\"", one_line(m));
    }
    let _ = writeln!(out, "\n{}", bold.apply_to(format!("In-app frames, innermost first ({})", i.frames.len())));
    for f in &i.frames {
        let mark = if i.shown.frames_in_release_files.contains(&f.file) { "  changed by this release" } else { "" };
        let _ = writeln!(out, "  {}:{}  {}{mark}", path(&f.file), f.line, one_line(&f.function));
    }
    let _ = match i.shown.release_files {
        Some(n) => writeln!(out, "  (the release changed {n} files)"),
        None => writeln!(out, "  (what the release changed is unknown: see the warnings)"),
    };
    let _ = writeln!(out, "\n{}", bold.apply_to(format!("Suspects ({})", i.suspects.len())));
    if i.suspects.is_empty() {
        let _ = writeln!(out, "  none: no change of this release wrote, or sits near, the frames");
    } else {
        let rows: Vec<Vec<String>> = i
            .suspects
            .iter()
            .map(|s| {
                let confidence = serde_json::to_value(s.confidence).ok().and_then(|v| v.as_str().map(String::from));
                vec![s.label(), confidence.unwrap_or_default(), s.authors.join(", "), s.title.clone()]
            })
            .collect();
        let links: Vec<Option<String>> = i.suspects.iter().map(|s| s.url.clone()).collect();
        for line in linked_table(ui, &["SUSPECT", "CONFIDENCE", "AUTHORS", "TITLE"], &rows, &links).lines() {
            let _ = writeln!(out, "  {line}");
        }
        for s in &i.suspects {
            for e in &s.evidence {
                let _ = writeln!(out, "  {} {}", s.label(), one_line(e));
            }
        }
    }
    let verdict = match i.classification {
        Classification::Revert | Classification::Rollback => ui.out_style(Style::new().red().bold()),
        Classification::Patch | Classification::Experiment => ui.out_style(Style::new().yellow().bold()),
        Classification::Data | Classification::Transient => ui.out_style(Style::new().green().bold()),
    };
    let name = serde_json::to_value(i.classification).ok().and_then(|v| v.as_str().map(str::to_uppercase));
    let _ = writeln!(out, "\n{} {}", bold.apply_to("Decision:"), verdict.apply_to(name.unwrap_or_default()));
    for reason in &i.reasons {
        let _ = writeln!(out, "  {}", one_line(reason));
    }
    // A recovery's reasons weigh both estimates already; the other moves still show them.
    if !matches!(i.classification, Classification::Revert | Classification::Rollback) {
        let show = |e: &Option<eta::Estimate>| e.as_ref().map(eta::human).unwrap_or_else(|| "n/a".into());
        let (revert, rollback) = (show(&i.estimates.revert_secs), show(&i.estimates.rollback_secs));
        let _ = writeln!(out, "Time to recovery, if it came to it: revert {revert} · rollback {rollback}");
    }
    if !i.shown.call.is_empty() {
        let people: Vec<String> = i.shown.call.iter().map(|p| one_line(p)).collect();
        let _ = writeln!(out, "Call: {}", people.join(", "));
    }
    let next = match &i.next_command {
        Some(c) => one_line(c),
        None => "nothing to run".into(),
    };
    let _ = writeln!(out, "{} {next}", bold.apply_to("Next:"));
}

fn short(sha: &str) -> String {
    sha.chars().take(7).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::report::{Estimates, Shown};
    use crate::ui::time::stamp;
    use chrono::{Duration, Utc};

    fn report(first: chrono::DateTime<Utc>, live: chrono::DateTime<Utc>, last: chrono::DateTime<Utc>) -> TriageReport {
        let release = crate::triage::evidence::TriagedRelease {
            version: 7,
            name: "83eea33".into(),
            commit: "83eea33".into(),
            created_at: None,
            live_at: Some(live),
            replaced: None,
            previous: None,
        };
        let issue = IssueReport {
            id: "45".into(),
            short_id: "SHOP-4F".into(),
            title: "NoMethodError".into(),
            events: 10,
            users: 4,
            events_per_minute: Some(2.0),
            still_happening: true,
            first_seen: Some(stamp(first)),
            first_release: Some("83eea33".into()),
            frames: vec![],
            suspects: vec![],
            classification: Classification::Data,
            reasons: vec![],
            estimates: Estimates::default(),
            next_command: None,
            shown: Shown { last_seen: Some(stamp(last)), ..Shown::default() },
        };
        TriageReport { issues: vec![issue], release, warnings: vec![] }
    }

    /// On a terminal the evidence's times read as everywhere else ("8 min ago"); RFC 3339 off it.
    #[test]
    fn times_are_humane_on_a_terminal_and_rfc3339_off_it() {
        let now = Utc::now();
        let (first, live, last) = (now - Duration::minutes(8), now - Duration::minutes(9), now - Duration::hours(2));
        let r = report(first, live, last);
        let tty = render(&r, &Ui { stdout_tty: true, ..Ui::plain() });
        assert!(
            tty.contains("first seen 8 min ago in v7 (this release), v7 live since 9 min ago · last 2 hours ago\n"),
            "{tty}"
        );
        let piped = render(&r, &Ui::plain());
        let line = format!("first seen {} in v7 (this release), v7 live since {}", stamp(first), stamp(live));
        assert!(piped.contains(&line), "{piped}");
    }
}
