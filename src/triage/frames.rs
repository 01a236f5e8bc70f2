//! The latest event's in-app frames as places in the repository. Sentry reports where the code
//! ran on the dyno (`absPath: /app/app/models/user.rb`) and a `filename` that is usually already
//! relative; the app root (`[triage] app_root`, `/app/` on Heroku) is stripped from both, and
//! the first candidate that exists at the release commit wins.
use crate::api::sentry::Frame;
use serde::Serialize;

/// One in-app frame, innermost (the one that raised) first in every list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StackFrame {
    /// Relative to the repository root.
    pub file: String,
    pub line: u32,
    pub function: String,
    /// Whether the file exists at the release commit (else blame cannot say anything).
    #[serde(skip)]
    pub in_repo: bool,
}

/// A frame before the repository is consulted: the paths it may be at, most likely first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameRef {
    pub candidates: Vec<String>,
    pub line: u32,
    pub function: String,
}

/// The in-app frames of an event (Sentry lists them oldest first), innermost first.
pub fn in_app(frames: &[Frame], app_root: &str) -> Vec<FrameRef> {
    frames
        .iter()
        .rev()
        .filter(|f| f.in_app)
        .filter_map(|f| {
            let line = u32::try_from(f.line_no?).ok().filter(|l| *l > 0)?;
            let mut candidates = Vec::new();
            for path in [f.abs_path.as_deref(), f.filename.as_deref()].into_iter().flatten() {
                let relative = relative(path, app_root);
                if !relative.is_empty() && !candidates.contains(&relative) {
                    candidates.push(relative);
                }
            }
            (!candidates.is_empty()).then(|| FrameRef {
                candidates,
                line,
                function: f.function.clone().unwrap_or_else(|| "?".into()),
            })
        })
        .collect()
}

/// `/app/app/models/user.rb` → `app/models/user.rb`; a path already relative keeps its form
/// (`./app/x.rb` → `app/x.rb`); an absolute path outside the root stays absolute.
fn relative(path: &str, app_root: &str) -> String {
    let root = app_root.trim_end_matches('/');
    let stripped = match path.strip_prefix(root).and_then(|rest| rest.strip_prefix('/')) {
        Some(rest) if !root.is_empty() => rest,
        _ => path,
    };
    stripped.trim_start_matches("./").to_string()
}

/// Picks the candidate path that exists (per `exists`), else the first one.
pub fn place(frame: &FrameRef, exists: impl Fn(&str) -> bool) -> StackFrame {
    let found = frame.candidates.iter().find(|c| !c.starts_with('/') && exists(c));
    // Not in the repository: still shown as a repository path when Sentry gave one.
    let shown = found.or_else(|| frame.candidates.iter().find(|c| !c.starts_with('/'))).unwrap_or(&frame.candidates[0]);
    StackFrame { file: shown.clone(), line: frame.line, function: frame.function.clone(), in_repo: found.is_some() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(abs: Option<&str>, file: Option<&str>, line: u64, in_app: bool) -> Frame {
        Frame {
            filename: file.map(String::from),
            abs_path: abs.map(String::from),
            module: None,
            function: Some("points".into()),
            line_no: Some(line),
            col_no: None,
            in_app,
        }
    }

    #[test]
    fn in_app_frames_become_repository_paths_innermost_first() {
        let frames = vec![
            frame(Some("/app/vendor/bundle/gems/rack/lib/rack.rb"), Some("rack.rb"), 3, false),
            frame(Some("/app/app/models/order.rb"), Some("app/models/order.rb"), 12, true),
            frame(Some("/srv/www/app/services/calc.rb"), Some("./app/services/calc.rb"), 9, true),
            frame(Some("/app/lib/x.rb"), None, 0, true),
        ];
        let refs = in_app(&frames, "/app/");
        assert_eq!(refs.len(), 2, "library frames and frames without a line are left out: {refs:?}");
        assert_eq!(refs[0].candidates, ["/srv/www/app/services/calc.rb", "app/services/calc.rb"]);
        assert_eq!(refs[1].candidates, ["app/models/order.rb"], "one candidate when both say the same");
        let placed = place(&refs[0], |p| p == "app/services/calc.rb");
        assert_eq!((placed.file.as_str(), placed.line, placed.in_repo), ("app/services/calc.rb", 9, true));
        let missing = place(&refs[1], |_| false);
        assert_eq!((missing.file.as_str(), missing.in_repo), ("app/models/order.rb", false));
        // A configured root without its slash strips the same directory, never a prefix of a name.
        assert_eq!(relative("/application/x.rb", "/app"), "/application/x.rb");
        assert_eq!(relative("/srv/app/x.rb", "/srv/app"), "x.rb");
    }
}
