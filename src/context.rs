//! What every command receives: the terminal facts, the environment, and on-demand access to
//! config and credentials. Passed explicitly; there are no globals.
use crate::cli::GlobalArgs;
use crate::config::{Config, ConfigError};
use crate::credentials::Credentials;
use crate::env::Env;
use crate::ui::Ui;

#[derive(Debug, Clone)]
pub struct Context {
    pub ui: Ui,
    pub env: Env,
    pub global: GlobalArgs,
    pub credentials: Credentials,
}

impl Context {
    pub fn new(global: GlobalArgs, env: Env, ui: Ui) -> Context {
        Context { credentials: Credentials::new(env.clone()), ui, env, global }
    }

    /// Loads bpdeploy.toml with the environment and flags layered on top. Only commands that
    /// need configuration call this, so `init`, `completions` and `demo` work without one.
    pub fn config(&self) -> Result<Config, ConfigError> {
        Config::load(&self.global, &self.env)
    }
}
