//! What every command receives: the terminal facts, the environment, and on-demand access to
//! config and credentials. Passed explicitly; there are no globals.
use crate::api::github::{GitHub, GraphQl};
use crate::api::heroku::Heroku;
use crate::api::secret::Secrets;
use crate::api::sentry::Sentry;
use crate::api::slack::Slack;
use crate::api::{HttpCore, HttpSettings, MutationGate, SecretUrl, Transport};
use crate::cli::GlobalArgs;
use crate::config::{Config, ConfigError};
use crate::credentials::{Credentials, Service, SlackAuth};
use crate::env::Env;
use crate::ui::Ui;
use std::sync::OnceLock;

#[derive(Debug, Clone)]
pub struct Context {
    pub ui: Ui,
    pub env: Env,
    pub global: GlobalArgs,
    pub credentials: Credentials,
    /// The one HTTP client of the process, built on first use.
    transport: OnceLock<Transport>,
    /// Every mutating request of the process passes here; `--dry-run` closes it.
    gate: MutationGate,
    /// The configuration, read once on first use (every client needs it).
    config: OnceLock<Config>,
}

impl Context {
    pub fn new(global: GlobalArgs, env: Env, ui: Ui) -> Context {
        let credentials = Credentials::new(env.clone());
        learn_secrets(&credentials, &ui.secrets);
        Context {
            credentials,
            gate: MutationGate::new(ui.dry_run),
            ui,
            env,
            global,
            transport: OnceLock::new(),
            config: OnceLock::new(),
        }
    }

    /// Loads bpdeploy.toml with the environment and flags layered on top. Only commands that
    /// need configuration call this, so `init`, `completions` and `demo` work without one.
    pub fn config(&self) -> Result<Config, ConfigError> {
        if let Some(c) = self.config.get() {
            return Ok(c.clone());
        }
        let loaded = Config::load(&self.global, &self.env)?;
        Ok(self.config.get_or_init(|| loaded).clone())
    }

    /// The mutation gate every client of this command sends through: closed by `--dry-run`.
    /// Ask `gate().is_open()` before a step that changes something, to plan it instead.
    pub fn gate(&self) -> &MutationGate {
        &self.gate
    }

    /// The shared transport, with the `BPDEPLOY_HTTP_*` knobs read from the environment, behind
    /// the command's mutation gate.
    pub fn transport(&self) -> anyhow::Result<Transport> {
        if let Some(t) = self.transport.get() {
            return Ok(t.clone());
        }
        let settings = HttpSettings::from_env(&self.env)?;
        let built = Transport::new(settings)
            .map_err(|e| anyhow::anyhow!("cannot start the HTTP client: {e}"))?
            .with_secrets(self.ui.secrets.clone())
            .with_gate(self.gate.clone());
        Ok(self.transport.get_or_init(|| built).clone())
    }

    /// Heroku Platform API client (`HEROKU_API_KEY` or ~/.netrc; `BPDEPLOY_HEROKU_URL`).
    pub fn heroku(&self) -> anyhow::Result<Heroku> {
        let config = self.config()?;
        let token = self.credentials.heroku()?;
        Ok(Heroku::new(HttpCore::new(self.transport()?, Service::Heroku, config.endpoints.heroku, Some(token))))
    }

    /// GitHub REST client for `[github] repo`.
    pub fn github(&self) -> anyhow::Result<GitHub> {
        let config = self.config()?;
        let (owner, name) = config.require_repo()?;
        let token = self.credentials.github()?;
        let http = HttpCore::new(self.transport()?, Service::GitHub, config.endpoints.github.clone(), Some(token));
        Ok(GitHub::new(http, owner, name))
    }

    /// GitHub GraphQL client (`[github] graphql_url`, derived from the REST URL by default).
    pub fn github_graphql(&self) -> anyhow::Result<GraphQl> {
        let config = self.config()?;
        let token = self.credentials.github()?;
        Ok(GraphQl::new(HttpCore::new(
            self.transport()?,
            Service::GitHub,
            config.endpoints.github_graphql,
            Some(token),
        )))
    }

    /// Sentry client for `[sentry] org`.
    pub fn sentry(&self) -> anyhow::Result<Sentry> {
        let config = self.config()?;
        let (org, _) = config.require_sentry()?;
        let token = self.credentials.sentry()?;
        let http = HttpCore::new(self.transport()?, Service::Sentry, config.endpoints.sentry.clone(), Some(token));
        Ok(Sentry::new(http, org))
    }

    /// Slack, if a bot token or a webhook is configured; None means announcements are skipped.
    pub fn slack(&self) -> anyhow::Result<Option<Slack>> {
        let Some(auth) = self.credentials.slack() else { return Ok(None) };
        Ok(Some(match auth {
            SlackAuth::Bot(token) => {
                let config = self.config()?;
                Slack::bot(HttpCore::new(self.transport()?, Service::Slack, config.endpoints.slack, Some(token)))
            }
            SlackAuth::Webhook(url) => {
                let invalid = |message: String| ConfigError::Invalid {
                    origin: "environment variable SLACK_WEBHOOK_URL".into(),
                    key: "SLACK_WEBHOOK_URL".into(),
                    message,
                };
                // The same rule as every base URL: the webhook URL is a credential, never sent in clear.
                crate::config::endpoints::parse_base(url.expose()).map_err(invalid)?;
                let url = SecretUrl::parse(url.expose()).map_err(|_| invalid("not a URL".into()))?;
                Slack::webhook(self.transport()?, url)
            }
        }))
    }
}

/// Registers every credential the environment and the services' credential files hold, used
/// by this command or not: an error body of one service may echo another's token.
fn learn_secrets(credentials: &Credentials, secrets: &Secrets) {
    for token in [credentials.heroku().ok(), credentials.sentry().ok()].into_iter().flatten() {
        secrets.add(token.expose());
    }
    for token in credentials.all_github() {
        secrets.add(token.expose());
    }
    for auth in credentials.all_slack() {
        match auth {
            SlackAuth::Bot(token) => secrets.add(token.expose()),
            SlackAuth::Webhook(url) => match url::Url::parse(url.expose().trim()) {
                Ok(url) => secrets.add_webhook(&url),
                Err(_) => secrets.add(url.expose()),
            },
        }
    }
}
