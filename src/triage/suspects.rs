//! From blame to suspects: each pull request (or direct push) of the release that wrote a
//! frame's line (high confidence), changed a frame's method (medium) or only its file (low),
//! with the evidence in words and the people behind it.
use super::blame::{BlameFindings, ChangeKey, Person};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suspect {
    /// Null for a commit pushed straight to the branch.
    pub pull_request: Option<u64>,
    pub title: String,
    /// GitHub logins online, else the git authors' names.
    pub authors: Vec<String>,
    pub confidence: Confidence,
    pub evidence: Vec<String>,
    #[serde(skip)]
    pub key: ChangeKey,
    /// The git authors, whose emails find them in Slack.
    #[serde(skip)]
    pub people: Vec<Person>,
    #[serde(skip)]
    pub url: Option<String>,
    /// The innermost frame it touches (0 is the frame that raised).
    #[serde(skip)]
    pub first_frame: usize,
    /// Lines it added or removed in the file of that frame.
    #[serde(skip)]
    pub lines_in_frame_file: usize,
    /// The migration files it brought (`[migrations]` globs).
    #[serde(skip)]
    pub migrations: Vec<String>,
}

impl Suspect {
    /// `#4`, or the short sha of a direct push.
    pub fn label(&self) -> String {
        match &self.key {
            ChangeKey::Pull(n) => format!("#{n}"),
            ChangeKey::Direct(sha) => sha.chars().take(7).collect(),
        }
    }
}

pub fn suspects(blame: &BlameFindings, is_migration: &dyn Fn(&str) -> bool) -> Vec<Suspect> {
    let mut out: Vec<Suspect> = Vec::new();
    let frames = blame.frames.len();
    for (i, f) in blame.frames.iter().enumerate() {
        let at = format!("{}:{}", f.frame.file, f.frame.line);
        let which = match i {
            0 => "the frame that raised".to_string(),
            _ => format!("frame {} of {frames} (innermost first)", i + 1),
        };
        let mut add = |key: &ChangeKey, confidence: Confidence, evidence: String| {
            let Some(change) = blame.change(key) else { return };
            let lines = blame.lines_changed.get(&(key.clone(), f.frame.file.clone())).copied().unwrap_or(0);
            match out.iter_mut().find(|s| &s.key == key) {
                Some(s) => {
                    if confidence > s.confidence {
                        (s.confidence, s.first_frame, s.lines_in_frame_file) = (confidence, i, lines);
                    }
                    s.evidence.push(evidence);
                }
                None => out.push(Suspect {
                    pull_request: match key {
                        ChangeKey::Pull(n) => Some(*n),
                        ChangeKey::Direct(_) => None,
                    },
                    title: change.title.clone(),
                    authors: change.authors.iter().map(|a| a.name.clone()).collect(),
                    confidence,
                    evidence: vec![evidence],
                    key: key.clone(),
                    people: change.authors.clone(),
                    url: None,
                    first_frame: i,
                    lines_in_frame_file: lines,
                    migrations: change.files.iter().filter(|f| is_migration(f)).cloned().collect(),
                }),
            }
        };
        if let Some(key) = &f.line_change {
            add(key, Confidence::High, format!("wrote {at} ({}), {which}", f.frame.function));
        }
        for key in &f.method_changes {
            let (a, b) = f.method.unwrap_or((f.frame.line, f.frame.line));
            let text = format!("changed {} ({}:{a}-{b}) around {at}, {which}", f.frame.function, f.frame.file);
            add(key, Confidence::Medium, text);
        }
        for key in &f.file_changes {
            add(key, Confidence::Low, format!("changed {} (not the method of {at}), {which}", f.frame.file));
        }
    }
    // Strongest first; among equals, the one nearest to where it raised.
    out.sort_by(|a, b| b.confidence.cmp(&a.confidence).then(a.first_frame.cmp(&b.first_frame)));
    out
}

/// The suspects that count as implicated: those that wrote a frame's line, else those that
/// changed a frame's method.
pub fn implicated(suspects: &[Suspect]) -> Vec<&Suspect> {
    let best = suspects.iter().map(|s| s.confidence).max();
    match best {
        Some(c) if c >= Confidence::Medium => suspects.iter().filter(|s| s.confidence == c).collect(),
        _ => Vec::new(),
    }
}
