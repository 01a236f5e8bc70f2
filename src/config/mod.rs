//! Configuration: bpdeploy.toml, then the environment, then flags (flags win).
//!
//! Discovery: `--config`, else `BPDEPLOY_CONFIG`, else `bpdeploy.toml` found walking up from the
//! current directory to the git root. The repository is `[repo] path`, else the one around the
//! current directory, wherever the file is. Credentials are never read from here (see `credentials`).
/// Durations live below the CLI (which validates them too); `config::duration` stays their name here.
pub use crate::duration;
mod discover;
pub mod endpoints;
mod error;
mod file;
pub mod migrations;
mod parse;
mod resolve;
mod sections;
pub mod template;

use crate::cli::GlobalArgs;
use crate::env::Env;
pub use discover::{explicit_path, git_root, FILE_NAME};
pub use endpoints::Endpoints;
pub use error::ConfigError;
use file::FileConfig;
/// The config file fuzz target's way in.
#[cfg(test)]
pub(crate) use parse::parse_file;
pub use sections::{
    Config, GithubConfig, MergeMethod, MigrationGlobs, SentryConfig, TriageConfig, WatchConfig, WrittenGlob,
    DEFAULT_EXPERIMENT_PATTERNS,
};

impl Config {
    /// Finds and reads the config file, then layers the environment and the global flags on top.
    pub fn load(global: &GlobalArgs, env: &Env) -> Result<Config, ConfigError> {
        let path = discover::discover(global, env)?;
        let (file, text) = match &path {
            Some(p) => discover::read_file(p)?,
            None => (FileConfig::default(), String::new()),
        };
        let root = match (&path, &file.repo.path) {
            (Some(p), Some(repo)) => p.parent().unwrap_or(&env.cwd).join(repo),
            _ => git_root(&env.cwd).unwrap_or_else(|| env.cwd.clone()),
        };
        let origin = path.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| FILE_NAME.into());
        if file.repo.path.is_some() && git_root(&root).is_none() {
            let message =
                format!("{} is not inside a git repository (the path is relative to this file)", root.display());
            return Err(parse::with_line(
                ConfigError::Invalid { origin: origin.clone(), key: "repo.path".into(), message },
                &text,
                &origin,
            ));
        }
        let mut config = resolve::resolve(file, global, env, path, root, &origin)
            .map_err(|e| parse::with_line(e, &text, &origin))?;
        config.migrations.written = parse::written_globs(&text, &origin);
        Ok(config)
    }

    /// The Heroku app, or an error that says how to set it.
    pub fn require_app(&self) -> Result<&str, ConfigError> {
        self.app.as_deref().ok_or_else(|| ConfigError::Missing {
            what: "the Heroku app".into(),
            hint: "pass --app NAME, set HEROKU_APP, or add `[heroku] app = \"…\"` to bpdeploy.toml (`bpdeploy init`)"
                .into(),
        })
    }

    /// The GitHub repository as (owner, name).
    pub fn require_repo(&self) -> Result<(&str, &str), ConfigError> {
        let repo = self.github.repo.as_deref().ok_or_else(|| ConfigError::Missing {
            what: "the GitHub repository".into(),
            hint: "add `[github] repo = \"owner/name\"` to bpdeploy.toml (`bpdeploy init` detects it from origin)"
                .into(),
        })?;
        Ok(repo.split_once('/').expect("validated at load"))
    }

    pub fn require_sentry(&self) -> Result<(&str, &str), ConfigError> {
        match (&self.sentry.org, &self.sentry.project) {
            (Some(o), Some(p)) => Ok((o, p)),
            _ => Err(ConfigError::Missing {
                what: "the Sentry org and project".into(),
                hint: "add `[sentry] org = \"…\"` and `project = \"…\"` to bpdeploy.toml".into(),
            }),
        }
    }

    /// The Sentry release name for a commit, from the `[sentry] release` template.
    pub fn release_name(&self, sha: &str) -> String {
        let app = self.app.as_deref().unwrap_or("");
        self.sentry.release.replace("{sha}", sha).replace("{short_sha}", &sha[..sha.len().min(7)]).replace("{app}", app)
    }
}
