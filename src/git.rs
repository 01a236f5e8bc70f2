//! Everything git2: local repository access only (no network, no OpenSSL).
use crate::error::Diagnose;
use crate::exit::Exit;

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("{path} is not inside a git repository")]
    NotARepository { path: String },
    #[error("unknown revision {rev:?}")]
    UnknownRevision { rev: String, hint: String },
    #[error("git: {0}")]
    Git(#[from] git2::Error),
}

impl Diagnose for GitError {
    fn exit(&self) -> Exit {
        Exit::Failure
    }
    fn code(&self) -> String {
        match self {
            GitError::NotARepository { .. } => "not_a_repository",
            GitError::UnknownRevision { .. } => "unknown_revision",
            GitError::Git(_) => "git_error",
        }
        .into()
    }
    fn hint(&self) -> Option<String> {
        match self {
            GitError::NotARepository { .. } => {
                Some("run bpdeploy inside your app's repository, or pass --config".into())
            }
            GitError::UnknownRevision { hint, .. } => Some(hint.clone()),
            GitError::Git(_) => None,
        }
    }
}

/// Opens the repository containing `path`.
pub fn open(path: &std::path::Path) -> Result<git2::Repository, GitError> {
    git2::Repository::discover(path).map_err(|_| GitError::NotARepository { path: path.display().to_string() })
}
