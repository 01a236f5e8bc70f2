//! A snapshot of the process environment, taken once and passed explicitly, so that config and
//! credential lookups are testable without touching the real process environment.
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
    pub cwd: PathBuf,
}

impl Env {
    pub fn from_process() -> Env {
        Env {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        }
    }

    pub fn from_pairs<'a>(cwd: impl Into<PathBuf>, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Env {
        Env { vars: pairs.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), cwd: cwd.into() }
    }

    /// A set, non-empty variable.
    pub fn get(&self, key: &str) -> Option<String> {
        self.vars.get(key).filter(|v| !v.is_empty()).cloned()
    }

    pub fn home(&self) -> Option<PathBuf> {
        self.get("HOME").map(PathBuf::from)
    }

    /// `$XDG_STATE_HOME/bpdeploy`, else `~/.local/state/bpdeploy`.
    pub fn state_dir(&self) -> Option<PathBuf> {
        self.get("XDG_STATE_HOME")
            .map(PathBuf::from)
            .or_else(|| self.home().map(|h| h.join(".local/state")))
            .map(|p| p.join("bpdeploy"))
    }
}
