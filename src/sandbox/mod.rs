//! The local fake of Heroku, GitHub, Sentry and Slack, its scenarios and its scratch repository.
//!
//! [`Sandbox::start`] binds 127.0.0.1, writes the scratch repository, seeds the services from
//! its history and serves them on the current tokio runtime until [`Sandbox::shutdown`].
pub mod clock;
pub mod drill;
pub mod http;
mod lifecycle;
pub mod scratch;
pub mod world;

use crate::cli::Scenario;
use clock::Clock;
use drill::Drill;
use git2::Repository;
use http::record::{Exchange, RequestEntry, RequestLog};
use scratch::{LocalConfig, ScratchRepo};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use world::slack::SlackRecord;
use world::World;

#[derive(Debug, Clone)]
pub struct SandboxOptions {
    pub scenario: Scenario,
    /// 0 picks any free port.
    pub port: u16,
    /// Where to write the scratch repository (must be empty or absent); default a temp dir.
    pub repo_dir: Option<PathBuf>,
    /// Drill time divisor (`BPDEPLOY_SANDBOX_SPEED`): 10 runs a drill ten times faster.
    pub speed: f64,
    /// Keep every API request and answer for [`Sandbox::exchanges`] (contract tests); off for
    /// people, whose sandbox may run for hours.
    pub record_exchanges: bool,
    /// Error answers echo every secret the sandbox issued (`BPDEPLOY_SANDBOX_ECHO_SECRETS=1`),
    /// as a careless gateway would: for testing that bpdeploy masks them all.
    pub echo_secrets: bool,
    /// The base URL clients reach the sandbox at, when it differs from the address it listens
    /// on (behind a proxy, like a real service behind its load balancer). URLs in answers
    /// (output streams, the tarball redirect, Link headers) use it.
    pub public_url: Option<String>,
}

impl SandboxOptions {
    pub fn new(scenario: Scenario) -> SandboxOptions {
        SandboxOptions {
            scenario,
            port: 0,
            repo_dir: None,
            speed: 1.0,
            record_exchanges: false,
            echo_secrets: false,
            public_url: None,
        }
    }
}

/// The dummy credentials the sandbox prints and accepts; nothing else gets past its 401s.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub heroku: String,
    pub github: String,
    pub sentry: String,
    pub slack: String,
    /// The incoming webhook's path, `/services/T…/B…/<secret>` (itself a credential).
    pub webhook_path: String,
}

impl Tokens {
    fn generate() -> Tokens {
        let mut rng = fastrand::Rng::new();
        let mut hex = || format!("{:016x}{:016x}", rng.u64(..), rng.u64(..));
        Tokens {
            heroku: format!("HRKU-sandbox-{}", hex()),
            github: format!("ghp_sandbox{}", hex()),
            sentry: format!("sntryu_sandbox{}", hex()),
            slack: format!("xoxb-sandbox-{}", hex()),
            webhook_path: format!("/services/T0SANDBOX/B0SANDBOX/{}", hex()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("cannot listen on 127.0.0.1:{port}: {message}")]
    Bind { port: u16, message: String },
    #[error(transparent)]
    Scratch(#[from] scratch::ScratchError),
    #[error("seeding the sandbox from the scratch repository: {0}")]
    Seed(#[from] git2::Error),
}

/// What every request handler and background task shares.
pub struct Shared {
    pub clock: Clock,
    pub drill: Drill,
    pub tokens: Tokens,
    /// `http://127.0.0.1:PORT` (or the public URL), no trailing slash.
    pub base_url: String,
    pub scratch: ScratchRepo,
    world: Mutex<World>,
    /// API calls seen, for the flaky drill's every-other pattern.
    pub calls: AtomicU64,
    pub calls_heroku: AtomicU64,
    codeload_key: u64,
    /// The exchange log, when asked for.
    exchanges: Option<Mutex<Vec<Exchange>>>,
    /// See [`SandboxOptions::echo_secrets`].
    pub echo_secrets: bool,
    /// One small entry per API request, always kept.
    pub requests: RequestLog,
}

impl Shared {
    /// The state; never held across an await.
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn app_name(&self) -> &'static str {
        world::APP
    }

    /// GitHub's copy of the repository (bare). Opened per use: git2 handles are not Sync.
    pub fn origin_repo(&self) -> Option<Repository> {
        Repository::open_bare(&self.scratch.origin).ok()
    }

    pub fn slack_record(&self) -> SlackRecord {
        self.world().slack.clone()
    }

    fn codeload_sig(&self, sha: &str) -> String {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (self.codeload_key, sha).hash(&mut h);
        format!("{:016x}", h.finish())
    }

    /// The tarball URL GitHub's redirect points at: it carries a signature instead of a token.
    pub fn codeload_url(&self, sha: &str) -> String {
        format!(
            "{}/codeload/{}/{}/legacy.tar.gz/{sha}?token={}",
            self.base_url,
            scratch::OWNER,
            scratch::NAME,
            self.codeload_sig(sha)
        )
    }

    pub fn codeload_valid(&self, url: &str) -> bool {
        let Some(rest) = url.strip_prefix(&format!("{}/codeload/", self.base_url)) else { return false };
        let (path, query) = rest.split_once("?token=").unwrap_or((rest, ""));
        let sha = path.rsplit('/').next().unwrap_or_default();
        !query.is_empty() && query == self.codeload_sig(sha)
    }
}

/// A running sandbox. Dropping it stops the server and removes a temporary scratch repository.
pub struct Sandbox {
    shared: Arc<Shared>,
    /// `http://127.0.0.1:PORT`: where it listens (the public URL may be a proxy in front).
    listen_url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    temp_root: Option<PathBuf>,
}

impl Sandbox {
    pub async fn start(opts: SandboxOptions) -> Result<Sandbox, SandboxError> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", opts.port))
            .await
            .map_err(|e| SandboxError::Bind { port: opts.port, message: e.to_string() })?;
        let port =
            listener.local_addr().map_err(|e| SandboxError::Bind { port: opts.port, message: e.to_string() })?.port();
        let base_url = match &opts.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://127.0.0.1:{port}"),
        };
        let clock = Clock::new(opts.speed);
        // The scratch repository lives in the system temp dir unless the caller names a place.
        let (repo_dir, temp_root) = match &opts.repo_dir {
            Some(dir) => (dir.clone(), None),
            None => {
                let nanos = clock.started.timestamp_nanos_opt().unwrap_or_default();
                let root = std::env::temp_dir().join(format!("bpdeploy-sandbox-{}-{nanos}", std::process::id()));
                (root.join(scratch::NAME), Some(root))
            }
        };
        let local = LocalConfig {
            base_url: base_url.clone(),
            app: world::APP.into(),
            slack_channel: http::SLACK_CHANNEL_ID.into(),
            watch_duration: clock.scaled(Duration::from_secs(30)).max(Duration::from_millis(300)),
            watch_interval: clock.scaled(Duration::from_secs(3)).max(Duration::from_millis(30)),
            speed: clock.speed(),
        };
        let scratch = scratch::create(&repo_dir, opts.scenario, &local)?;
        let origin = Repository::open_bare(&scratch.origin)?;
        let world = World::seed(&origin, &scratch, &clock)?;
        let shared = Arc::new(Shared {
            clock,
            drill: Drill::new(opts.scenario),
            tokens: Tokens::generate(),
            base_url,
            scratch,
            world: Mutex::new(world),
            calls: AtomicU64::new(0),
            calls_heroku: AtomicU64::new(0),
            codeload_key: fastrand::u64(..),
            exchanges: opts.record_exchanges.then(|| Mutex::new(Vec::new())),
            echo_secrets: opts.echo_secrets,
            requests: RequestLog::default(),
        });
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = http::router(shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
        });
        let listen_url = format!("http://127.0.0.1:{port}");
        Ok(Sandbox { shared, listen_url, stop: Some(stop), server: Some(server), temp_root })
    }

    /// The URL clients use: `http://127.0.0.1:PORT`, or the public URL it was given.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// `http://127.0.0.1:PORT`, where it listens (differs from [`Sandbox::base_url`] behind a proxy).
    pub fn listen_url(&self) -> &str {
        &self.listen_url
    }

    pub fn repo_dir(&self) -> &Path {
        &self.shared.scratch.dir
    }

    pub fn scenario(&self) -> Scenario {
        self.shared.drill.scenario
    }

    /// The facts of the scratch history: PRs, releases, the released and head commits.
    pub fn scratch(&self) -> &ScratchRepo {
        &self.shared.scratch
    }

    /// What `bpdeploy sandbox` exports: base URLs and the accepted dummy tokens.
    pub fn env_pairs(&self) -> Vec<(String, String)> {
        let b = self.base_url();
        let t = &self.shared.tokens;
        [
            ("BPDEPLOY_HEROKU_URL", format!("{b}/heroku/")),
            ("BPDEPLOY_GITHUB_URL", format!("{b}/github/")),
            ("BPDEPLOY_SENTRY_URL", format!("{b}/sentry/")),
            ("BPDEPLOY_SLACK_URL", format!("{b}/slack/api/")),
            ("HEROKU_API_KEY", t.heroku.clone()),
            ("GITHUB_TOKEN", t.github.clone()),
            ("SENTRY_AUTH_TOKEN", t.sentry.clone()),
            ("SLACK_BOT_TOKEN", t.slack.clone()),
            // Used only without SLACK_BOT_TOKEN (`unset SLACK_BOT_TOKEN` to practise webhooks).
            ("SLACK_WEBHOOK_URL", format!("{b}/hooks{}", t.webhook_path)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    pub fn tokens(&self) -> &Tokens {
        &self.shared.tokens
    }

    pub fn slack_record(&self) -> SlackRecord {
        self.shared.slack_record()
    }

    /// One entry per API request answered so far (service, method, path, status), oldest first:
    /// what `/_sandbox/requests` serves.
    pub fn requests(&self) -> Vec<RequestEntry> {
        self.shared.requests.entries()
    }

    /// Every API call answered so far, oldest first; empty unless started with
    /// `record_exchanges` (for tests that check the conversation against the official schemas).
    pub fn exchanges(&self) -> Vec<Exchange> {
        let log = self.shared.exchanges.as_ref();
        log.map(|l| l.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()).unwrap_or_default()
    }

    /// The pull request a drill's error comes from, when the drill has one (the demo names it).
    pub fn culprit_pr(&self) -> Option<u64> {
        matches!(self.scenario(), Scenario::ErrorSpike | Scenario::RevertConflict | Scenario::TwoPrs)
            .then_some(scratch::history::LOYALTY_PR)
    }

    /// Moves every GitHub deployment's creation `by` into the past: how a test stands the minutes
    /// later that a lock needs to go stale, without waiting them.
    pub fn backdate_deployments(&self, by: chrono::Duration) {
        for d in &mut self.shared.world().github.deployments {
            d.created_at -= by;
        }
    }

    /// Stops serving (open streams end) and removes a temporary scratch repository.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            // Long-lived output streams may hold the graceful shutdown; don't wait for them.
            if tokio::time::timeout(Duration::from_millis(500), server).await.is_err() {
                tracing::debug!("sandbox server still draining streams at shutdown");
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
        if let Some(root) = self.temp_root.take() {
            let _ = std::fs::remove_dir_all(root);
        }
    }
}
