//! Base URLs of the four services. Overridable for GitHub Enterprise, self-hosted Sentry, the
//! sandbox and tests; plain `http://` only to loopback, so a token never crosses a network in clear.
use url::{Host, Url};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub heroku: Url,
    pub github: Url,
    pub github_graphql: Url,
    pub sentry: Url,
    pub slack: Url,
}

pub const HEROKU: &str = "https://api.heroku.com";
pub const GITHUB: &str = "https://api.github.com";
pub const SENTRY: &str = "https://sentry.io";
pub const SLACK: &str = "https://slack.com/api";

/// Parses a base URL, refusing plain http to anything but loopback.
pub fn parse_base(text: &str) -> Result<Url, String> {
    let mut url = Url::parse(text.trim()).map_err(|e| format!("not a URL ({e})"))?;
    check_scheme(&url)?;
    // Joining relative paths needs a trailing slash on the base.
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// The rule for every URL bpdeploy sends a credential or reads a capability URL over (base
/// URLs, webhooks, output streams a server hands out): https, or plain http to loopback only.
pub fn check_scheme(url: &Url) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(format!(
            "plain http:// is refused for {} (tokens would travel in clear); use https:// or a loopback host",
            url.host_str().unwrap_or("?")
        )),
        other => Err(format!("unsupported scheme {other}:// (use https://)")),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// GraphQL lives beside REST: `api.github.com/graphql`; GHES `host/api/v3` -> `host/api/graphql`.
pub fn derive_graphql(github: &Url) -> Url {
    let path = github.path().trim_end_matches('/');
    let mut url = github.clone();
    if let Some(prefix) = path.strip_suffix("/api/v3") {
        url.set_path(&format!("{prefix}/api/graphql"));
    } else {
        url.set_path(&format!("{path}/graphql"));
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_plain_http_off_loopback() {
        assert!(parse_base("http://example.com").unwrap_err().contains("refused"));
        assert!(parse_base("http://127.0.0.1:9999/heroku").is_ok());
        assert!(parse_base("http://localhost:1").is_ok());
        assert!(parse_base("http://[::1]:1").is_ok());
        assert!(parse_base("ftp://x").is_err());
        assert_eq!(parse_base("https://h/api/v3").unwrap().as_str(), "https://h/api/v3/");
    }

    #[test]
    fn graphql_url_follows_github_flavour() {
        let d = |s: &str| derive_graphql(&parse_base(s).unwrap()).to_string();
        assert_eq!(d(GITHUB), "https://api.github.com/graphql");
        assert_eq!(d("https://ghe.example.com/api/v3"), "https://ghe.example.com/api/graphql");
        assert_eq!(d("http://127.0.0.1:5/github"), "http://127.0.0.1:5/github/graphql");
    }
}
