//! Which bpdeploy.toml is read, and the repository around a directory.
use super::error::ConfigError;
use super::file::FileConfig;
use super::parse::parse_file;
use crate::cli::GlobalArgs;
use crate::env::Env;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "bpdeploy.toml";

/// The file `--config` or `BPDEPLOY_CONFIG` names, made absolute; None when neither is given.
pub fn explicit_path(global: &GlobalArgs, env: &Env) -> Option<PathBuf> {
    let p = global.config.clone().or_else(|| env.get("BPDEPLOY_CONFIG").map(PathBuf::from))?;
    Some(if p.is_absolute() { p } else { env.cwd.join(p) })
}

pub(super) fn discover(global: &GlobalArgs, env: &Env) -> Result<Option<PathBuf>, ConfigError> {
    if let Some(p) = explicit_path(global, env) {
        let unreadable = |message: &str, hint: String| ConfigError::Read {
            path: p.display().to_string(),
            message: message.into(),
            hint,
        };
        if p.is_dir() {
            let inside = p.join(FILE_NAME);
            return Err(unreadable(
                "it is a directory, not a file",
                format!("name the file itself, e.g. --config {}", inside.display()),
            ));
        }
        if p.exists() && !p.is_file() {
            return Err(unreadable(
                "it is not a regular file",
                "name a bpdeploy.toml file; a device or a pipe cannot be read as the config".into(),
            ));
        }
        if !p.is_file() {
            return Err(unreadable("no such file", "check the path given by --config or BPDEPLOY_CONFIG".into()));
        }
        return Ok(Some(p));
    }
    let mut dir = Some(env.cwd.as_path());
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Ok(Some(candidate));
        }
        if d.join(".git").exists() {
            break; // the git root bounds the search
        }
        dir = d.parent();
    }
    Ok(None)
}

/// The top of the git repository around `start`, if any.
pub fn git_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|d| d.join(".git").exists()).map(Path::to_path_buf)
}

/// No bpdeploy.toml comes near this; a file beyond it was named by mistake and is not read whole.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

pub(super) fn read_file(path: &Path) -> Result<(FileConfig, String), ConfigError> {
    let shown = path.display().to_string();
    if std::fs::metadata(path).is_ok_and(|m| m.len() > MAX_CONFIG_BYTES) {
        return Err(ConfigError::Read {
            path: shown,
            message: "it is larger than 1 MB, which no bpdeploy.toml is".into(),
            hint: "check the path given by --config or BPDEPLOY_CONFIG".into(),
        });
    }
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
        path: shown.clone(),
        message: e.to_string(),
        hint: "check that the file is readable text".into(),
    })?;
    Ok((parse_file(&text, shown)?, text))
}
