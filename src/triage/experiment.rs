//! Step one of the tree: is this an A/B test or a feature flag? `[triage] experiment_patterns`
//! are looked for in the frames (files, functions, modules, library frames included: a Flipper
//! gem frame says as much as an app one), the culprit and transaction, the tags and the message.
//! When one matches, the code around the matching frames names the switch (a Flipper feature, an
//! environment variable) and the app's config var keys (never values) say whether it is set.
use super::blame::FrameFindings;
use super::evidence::IssueFacts;
use super::ruby::{switches, Switch};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExperimentFinding {
    /// What matched which pattern, for the reasons.
    pub matched: Vec<String>,
    /// The switches found in the matching code, as people say them.
    pub switches: Vec<String>,
    /// Config var keys that look like the switch (keys only).
    pub config_vars: Vec<String>,
    /// Who wrote the matching code.
    pub owners: Vec<String>,
    /// How to turn it off, when the switch is known.
    pub next_command: Option<String>,
}

pub struct ExperimentInput<'a> {
    pub issue: &'a IssueFacts,
    pub frames: &'a [FrameFindings],
    pub sources: &'a BTreeMap<String, String>,
    pub patterns: &'a [String],
    /// The app's config var keys; None when Heroku could not say.
    pub config_keys: Option<&'a [String]>,
    pub app: &'a str,
}

pub fn find(input: &ExperimentInput) -> Option<ExperimentFinding> {
    let patterns: Vec<String> =
        input.patterns.iter().map(|p| p.trim().to_lowercase()).filter(|p| !p.is_empty()).collect();
    let hit = |text: &str| patterns.iter().find(|p| text.to_lowercase().contains(p.as_str())).cloned();
    let mut matched = Vec::new();
    let mut files = Vec::new();
    let issue = input.issue;
    for f in issue.frames.iter().rev() {
        let place = f.filename.as_deref().or(f.abs_path.as_deref()).unwrap_or("?");
        let names = [f.filename.as_deref(), f.abs_path.as_deref(), f.function.as_deref(), f.module.as_deref()];
        if let Some(p) = names.into_iter().flatten().find_map(hit) {
            let function = f.function.as_deref().unwrap_or("?");
            matched.push(format!("the frame {place} ({function}) matches `{p}`"));
            files.extend(input.frames.iter().filter(|m| place.ends_with(&m.frame.file)).map(|m| m.frame.file.clone()));
        }
    }
    for (what, text) in [("culprit", &issue.culprit), ("transaction", &issue.transaction)] {
        if let Some(p) = text.as_deref().and_then(hit) {
            matched.push(format!("the {what} {} matches `{p}`", text.as_deref().unwrap_or_default()));
        }
    }
    for (key, value) in &issue.tags {
        if let Some(p) = hit(key).or_else(|| hit(value)) {
            matched.push(format!("the tag {key}={value} matches `{p}`"));
        }
    }
    if let Some(p) = issue.message.as_deref().and_then(hit).or_else(|| hit(&issue.title)) {
        matched.push(format!("the message matches `{p}`"));
    }
    if matched.is_empty() {
        return None;
    }
    matched.dedup();
    // The switch is in the matching frames' code; when only a message or a tag matched, in any frame's.
    if files.is_empty() {
        files = input.frames.iter().filter(|f| f.frame.in_repo).map(|f| f.frame.file.clone()).collect();
    }
    files.dedup();
    let mut found: Vec<(Switch, String)> = Vec::new();
    for file in &files {
        for s in input.sources.get(file).map(|src| switches(src)).unwrap_or_default() {
            found.push((s, file.clone()));
        }
    }
    let keys = input.config_keys.unwrap_or_default();
    let config_vars: Vec<String> = keys
        .iter()
        .filter(|k| {
            let read = found.iter().any(|(s, _)| matches!(s, Switch::Env { key, .. } if key == *k));
            let named =
                found.iter().any(|(s, _)| matches!(s, Switch::Flipper { name, .. } if k.eq_ignore_ascii_case(name)));
            read || named || hit(k).is_some()
        })
        .cloned()
        .collect();
    let owners = input
        .frames
        .iter()
        .filter(|f| files.contains(&f.frame.file))
        .filter_map(|f| f.line_author.as_ref().map(|a| a.name.clone()))
        .fold(Vec::new(), |mut acc, n| {
            if !acc.contains(&n) {
                acc.push(n);
            }
            acc
        });
    let next_command = turn_off(&found, &config_vars, input.app);
    Some(ExperimentFinding {
        matched,
        switches: found.iter().map(|(s, file)| describe(s, file)).collect(),
        config_vars,
        owners,
        next_command,
    })
}

fn describe(s: &Switch, file: &str) -> String {
    match s {
        Switch::Flipper { name, line } => format!("the Flipper feature :{name} ({file}:{line})"),
        Switch::Env { key, line } => format!("the environment variable {key} ({file}:{line})"),
    }
}

/// A Flipper feature is turned off in the app's console; a config var the code reads is unset.
fn turn_off(found: &[(Switch, String)], config_vars: &[String], app: &str) -> Option<String> {
    let flipper = found.iter().find_map(|(s, _)| match s {
        Switch::Flipper { name, .. } => Some(name),
        _ => None,
    });
    if let Some(name) = flipper {
        let feature = match name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
            true => format!(":{name}"),
            false => format!("\"{name}\""),
        };
        return Some(format!("heroku run --app {app} -- bin/rails runner 'Flipper.disable({feature})'"));
    }
    let read = found.iter().find_map(|(s, _)| match s {
        Switch::Env { key, .. } if config_vars.contains(key) => Some(key),
        _ => None,
    });
    read.map(|key| format!("heroku config:unset {key} --app {app}"))
}
