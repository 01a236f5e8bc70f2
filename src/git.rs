//! Everything git2: local repository access only (no network, no OpenSSL). The one network
//! operation, `git fetch`, runs the system git so that the user's own credentials apply.
use crate::diagnose::Diagnose;
use crate::exit::Exit;
use git2::{Oid, Repository};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("{path} is not inside a git repository")]
    NotARepository { path: String },
    #[error("unknown revision {rev:?}")]
    UnknownRevision { rev: String, hint: String },
    #[error("`git fetch origin {branch}` failed: {message}")]
    Fetch { branch: String, message: String },
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
            GitError::Fetch { .. } => "git_fetch_failed",
            GitError::Git(_) => "git_error",
        }
        .into()
    }
    fn hint(&self) -> Option<String> {
        match self {
            GitError::NotARepository { .. } => {
                Some("run bpdeploy inside your app's repository, or set `[repo] path` in bpdeploy.toml".into())
            }
            GitError::UnknownRevision { hint, .. } => Some(hint.clone()),
            GitError::Fetch { .. } => Some("check `git remote -v` and that your git credentials work".into()),
            GitError::Git(_) => None,
        }
    }
}

/// Opens the repository containing `path`.
pub fn open(path: &Path) -> Result<Repository, GitError> {
    trust_local_objects();
    Repository::discover(path).map_err(|_| GitError::NotARepository { path: path.display().to_string() })
}

/// Who commits from here, as git says: `user.name`, else `user.email`, from the repository's,
/// the global and the system configuration (as `git config` reads them).
pub fn committer(workdir: &Path) -> Option<String> {
    let config = match Repository::discover(workdir) {
        Ok(repo) => repo.config().ok()?,
        Err(_) => git2::Config::open_default().ok()?,
    };
    let value = |key: &str| config.get_string(key).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    value("user.name").or_else(|| value("user.email"))
}

/// Every object we read comes from the user's own repository, so re-hashing each one on read
/// (libgit2's default) buys nothing and doubles the cost of walking thousands of trees.
pub fn trust_local_objects() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        git2::opts::strict_hash_verification(false);
        // libgit2's object cache would keep every small tree read, up to 256 MB: preflight keeps
        // the trees it compares itself and reads each other one once, so caching them costs
        // memory and a hash insert per read. Commits stay cached: counting the range, walking
        // its first parents and reading their facts visit the same ones.
        // SAFETY: called once, before any repository is opened by this process.
        unsafe {
            let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Tree, 0);
            let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Blob, 0);
        }
    });
}

/// The commit a revision names, or `None` when the revision does not exist.
pub fn try_resolve(repo: &Repository, rev: &str) -> Option<Oid> {
    repo.revparse_single(rev).ok()?.peel_to_commit().ok().map(|c| c.id())
}

/// The commit a revision names, or an error whose hint says how to get it.
pub fn resolve(repo: &Repository, rev: &str, hint: &str) -> Result<Oid, GitError> {
    try_resolve(repo, rev).ok_or_else(|| GitError::UnknownRevision { rev: rev.to_string(), hint: hint.to_string() })
}

/// `ancestor` is `commit` or one of its ancestors.
pub fn is_ancestor(repo: &Repository, ancestor: Oid, commit: Oid) -> Result<bool, GitError> {
    Ok(ancestor == commit || repo.graph_descendant_of(commit, ancestor)?)
}

/// Commits reachable from `to` and not from `from`, as `git rev-list --count from..to` counts them.
pub fn count_range(repo: &Repository, from: Oid, to: Oid) -> Result<usize, GitError> {
    let mut walk = repo.revwalk()?;
    walk.push(to)?;
    walk.hide(from)?;
    let mut n = 0;
    for oid in walk {
        oid?;
        n += 1;
    }
    Ok(n)
}

/// `git rev-list --first-parent from..to`, newest first.
pub fn first_parent_range(repo: &Repository, from: Oid, to: Oid) -> Result<Vec<Oid>, GitError> {
    let mut walk = repo.revwalk()?;
    walk.simplify_first_parent()?;
    walk.push(to)?;
    walk.hide(from)?;
    Ok(walk.collect::<Result<Vec<_>, _>>()?)
}

/// The content of `path` in `commit`'s tree, if it is a file there.
pub fn file_at(repo: &Repository, commit: Oid, path: &str) -> Result<Option<Vec<u8>>, GitError> {
    let tree = repo.find_commit(commit)?.tree()?;
    let entry = match tree.get_path(Path::new(path)) {
        Ok(e) => e,
        Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    match entry.to_object(repo)?.into_blob() {
        Ok(blob) => Ok(Some(blob.content().to_vec())),
        Err(_) => Ok(None),
    }
}

/// Makes sure the clone has `sha` (GitHub's tip of `branch`, about to be deployed): fetches the
/// commit itself, else the branch, with the system git. True when the clone has it afterwards.
pub fn ensure_commit(workdir: &Path, sha: &str, branch: &str) -> Result<bool, GitError> {
    let has = |workdir: &Path| open(workdir).map(|repo| try_resolve(&repo, sha).is_some());
    if has(workdir)? {
        return Ok(true);
    }
    // GitHub serves any reachable commit by its sha; a server that refuses still sends the branch.
    if fetch_origin(workdir, sha).is_err() {
        fetch_origin(workdir, branch)?;
    }
    has(workdir)
}

/// Runs the system `git fetch origin <branch>` in `workdir`, so the user's own credentials,
/// SSH agent and credential helpers apply. stderr is kept for the error message.
pub fn fetch_origin(workdir: &Path, branch: &str) -> Result<(), GitError> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(workdir)
        .args(["fetch", "--quiet", "origin", branch])
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| GitError::Fetch { branch: branch.to_string(), message: e.to_string() })?;
    if out.status.success() {
        return Ok(());
    }
    // git says what went wrong first (`fatal: …`) and ends with advice ("… and the repository exists.").
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines = || stderr.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines().find_map(|l| l.strip_prefix("fatal: ").or_else(|| l.strip_prefix("error: ")));
    let message = first.or_else(|| lines().next()).unwrap_or("").to_string();
    Err(GitError::Fetch { branch: branch.to_string(), message })
}
