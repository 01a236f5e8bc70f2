//! Credentials come only from the environment or the services' own credential files, never from
//! flags or bpdeploy.toml. A [`Token`] never prints itself.
use crate::diagnose::Diagnose;
use crate::env::Env;
use crate::exit::Exit;
use std::fmt;

/// A secret. Debug and Display print `***`; only the transport calls [`Token::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn new(secret: impl Into<String>) -> Token {
        Token(secret.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Heroku,
    GitHub,
    Sentry,
    Slack,
}

impl Service {
    pub fn name(self) -> &'static str {
        match self {
            Service::Heroku => "Heroku",
            Service::GitHub => "GitHub",
            Service::Sentry => "Sentry",
            Service::Slack => "Slack",
        }
    }
    pub fn slug(self) -> &'static str {
        match self {
            Service::Heroku => "heroku",
            Service::GitHub => "github",
            Service::Sentry => "sentry",
            Service::Slack => "slack",
        }
    }
    /// Where the credential comes from and how to get one: the hint for 401s and missing tokens.
    pub fn credential_hint(self) -> &'static str {
        match self {
            Service::Heroku => "set HEROKU_API_KEY (`heroku authorizations:create`) or run `heroku login` (writes ~/.netrc)",
            Service::GitHub => "set GITHUB_TOKEN or GH_TOKEN (`gh auth token`, or a fine-grained token with contents, pull requests and deployments access)",
            Service::Sentry => "set SENTRY_AUTH_TOKEN or run `sentry-cli login` (writes ~/.sentryclirc); scopes: project:releases, event:read, org:read",
            Service::Slack => "set SLACK_BOT_TOKEN (a bot with chat:write and reactions:write) or SLACK_WEBHOOK_URL",
        }
    }
}

/// How bpdeploy talks to Slack: the Web API can edit messages, a webhook cannot.
#[derive(Debug, Clone)]
pub enum SlackAuth {
    Bot(Token),
    /// The webhook URL is itself a secret.
    Webhook(Token),
}

#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("no {} credential found", .0.name())]
    Missing(Service),
    #[error("cannot read {path}: {message}")]
    Unreadable { service: Service, path: String, message: String },
}

impl Diagnose for CredentialError {
    fn exit(&self) -> Exit {
        Exit::Credentials
    }
    fn code(&self) -> String {
        match self {
            CredentialError::Missing(s) => format!("{}_credentials_missing", s.slug()),
            CredentialError::Unreadable { service, .. } => format!("{}_credentials_unreadable", service.slug()),
        }
    }
    fn hint(&self) -> Option<String> {
        let s = match self {
            CredentialError::Missing(s) | CredentialError::Unreadable { service: s, .. } => *s,
        };
        Some(s.credential_hint().to_string())
    }
}

/// Looks credentials up on demand, so only a command that needs one complains.
#[derive(Debug, Clone)]
pub struct Credentials {
    env: Env,
}

impl Credentials {
    pub fn new(env: Env) -> Credentials {
        Credentials { env }
    }

    /// `HEROKU_API_KEY`, else `~/.netrc` machine `api.heroku.com` (what `heroku login` writes).
    pub fn heroku(&self) -> Result<Token, CredentialError> {
        if let Some(t) = self.env.get("HEROKU_API_KEY") {
            return Ok(Token::new(t));
        }
        let Some(home) = self.env.home() else { return Err(CredentialError::Missing(Service::Heroku)) };
        let path = self.env.get("NETRC").map(Into::into).unwrap_or_else(|| home.join(".netrc"));
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                netrc_password(&text, "api.heroku.com").map(Token::new).ok_or(CredentialError::Missing(Service::Heroku))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(CredentialError::Missing(Service::Heroku)),
            Err(e) => Err(CredentialError::Unreadable {
                service: Service::Heroku,
                path: path.display().to_string(),
                message: e.to_string(),
            }),
        }
    }

    /// `GITHUB_TOKEN`, else `GH_TOKEN`.
    pub fn github(&self) -> Result<Token, CredentialError> {
        self.env
            .get("GITHUB_TOKEN")
            .or_else(|| self.env.get("GH_TOKEN"))
            .map(Token::new)
            .ok_or(CredentialError::Missing(Service::GitHub))
    }

    /// `SENTRY_AUTH_TOKEN`, else `~/.sentryclirc` `[auth] token` (what `sentry-cli login` writes).
    pub fn sentry(&self) -> Result<Token, CredentialError> {
        if let Some(t) = self.env.get("SENTRY_AUTH_TOKEN") {
            return Ok(Token::new(t));
        }
        let Some(home) = self.env.home() else { return Err(CredentialError::Missing(Service::Sentry)) };
        let path = home.join(".sentryclirc");
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                ini_value(&text, "auth", "token").map(Token::new).ok_or(CredentialError::Missing(Service::Sentry))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(CredentialError::Missing(Service::Sentry)),
            Err(e) => Err(CredentialError::Unreadable {
                service: Service::Sentry,
                path: path.display().to_string(),
                message: e.to_string(),
            }),
        }
    }

    /// Both GitHub variables when both are set: each is a secret to mask, whichever is used.
    pub fn all_github(&self) -> Vec<Token> {
        ["GITHUB_TOKEN", "GH_TOKEN"].iter().filter_map(|k| self.env.get(k)).map(Token::new).collect()
    }

    /// The bot token and the webhook URL when both are set (the bot is used; both are secrets).
    pub fn all_slack(&self) -> Vec<SlackAuth> {
        let bot = self.env.get("SLACK_BOT_TOKEN").map(|t| SlackAuth::Bot(Token::new(t)));
        let hook = self.env.get("SLACK_WEBHOOK_URL").map(|u| SlackAuth::Webhook(Token::new(u)));
        bot.into_iter().chain(hook).collect()
    }

    /// Slack is optional: `None` means announcements are skipped (with one warning).
    pub fn slack(&self) -> Option<SlackAuth> {
        if let Some(t) = self.env.get("SLACK_BOT_TOKEN") {
            return Some(SlackAuth::Bot(Token::new(t)));
        }
        self.env.get("SLACK_WEBHOOK_URL").map(|u| SlackAuth::Webhook(Token::new(u)))
    }
}

/// The password of `machine <host>` in a .netrc file (tokens may span lines; `default` ignored).
fn netrc_password(text: &str, host: &str) -> Option<String> {
    let mut words = text.split_whitespace();
    let mut in_host = false;
    while let Some(w) = words.next() {
        match w {
            "machine" => in_host = words.next() == Some(host),
            "default" => in_host = false,
            "password" if in_host => return words.next().map(str::to_string),
            "login" | "password" | "account" | "port" => {
                words.next();
            }
            _ => {}
        }
    }
    None
}

/// A value from an INI file such as ~/.sentryclirc.
fn ini_value(text: &str, section: &str, key: &str) -> Option<String> {
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name.trim().to_string();
        } else if current == section {
            if let Some((k, v)) = line.split_once('=') {
                if k.trim() == key {
                    return Some(v.trim().to_string()).filter(|v| !v.is_empty());
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netrc_finds_heroku_password_among_machines() {
        let text = "machine git.heroku.com login a@b.c password GIT\nmachine api.heroku.com\n  login a@b.c\n  password API-KEY\n";
        assert_eq!(netrc_password(text, "api.heroku.com").as_deref(), Some("API-KEY"));
        assert_eq!(netrc_password("machine other password x", "api.heroku.com"), None);
    }

    #[test]
    fn sentryclirc_reads_auth_token_only_in_auth_section() {
        let text = "[defaults]\ntoken = nope\n[auth]\n; comment\ntoken = sntryu_abc\n";
        assert_eq!(ini_value(text, "auth", "token").as_deref(), Some("sntryu_abc"));
        assert_eq!(ini_value("[defaults]\ntoken=x", "auth", "token"), None);
    }

    #[test]
    fn token_never_prints() {
        let t = Token::new("sekrit");
        assert_eq!(format!("{t} {t:?}"), "*** Token(***)");
        assert!(!format!("{:?}", SlackAuth::Bot(t)).contains("sekrit"));
    }
}
