//! What can be wrong with the configuration, with its exit code, stable code and hint.
use crate::diagnose::Diagnose;
use crate::exit::Exit;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}:{line}: {message}")]
    Parse { path: String, line: usize, message: String },
    /// `environment variable BPDEPLOY_WATCH_DURATION: watch.duration: …`; the key only once when
    /// the origin already names it (`environment variable BPDEPLOY_HTTP_RETRIES: …`).
    #[error("{origin}: {}{message}", if origin.ends_with(key.as_str()) { String::new() } else { format!("{key}: ") })]
    Invalid { origin: String, key: String, message: String },
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String, hint: String },
    #[error("{what} is not configured")]
    Missing { what: String, hint: String },
}

impl Diagnose for ConfigError {
    fn exit(&self) -> Exit {
        Exit::Failure
    }
    fn code(&self) -> String {
        match self {
            ConfigError::Parse { .. } | ConfigError::Invalid { .. } => "config_invalid",
            ConfigError::Read { .. } => "config_unreadable",
            ConfigError::Missing { .. } => "config_missing",
        }
        .into()
    }
    fn hint(&self) -> Option<String> {
        Some(match self {
            ConfigError::Invalid { origin, .. } if origin.starts_with(ENV_ORIGIN) => {
                format!("fix or unset the {}", &origin)
            }
            ConfigError::Parse { path: file, .. } | ConfigError::Invalid { origin: file, .. } => format!(
                "fix the value in {file}; `bpdeploy init --dry-run --force` prints a commented example \
                 without writing anything"
            ),
            ConfigError::Read { hint, .. } | ConfigError::Missing { hint, .. } => hint.clone(),
        })
    }
}

/// How a value that came from the environment names its origin.
pub(super) const ENV_ORIGIN: &str = "environment variable ";
