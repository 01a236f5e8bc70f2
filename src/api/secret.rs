//! Secrets: the tokens bpdeploy holds and the URLs that are capabilities (whoever holds one can
//! read what it points at: GitHub's tarball `Location` carries a signed token; Heroku's
//! `output_stream_url`, `source_blob.url` and `logplex_url` need no other credential; a Slack
//! webhook URL is the credential itself).
//!
//! Types never print them ([`SecretUrl`], `Token`), but text from outside can: an error body of
//! one service may echo another's token. So every secret bpdeploy learns goes into one
//! [`Secrets`] registry, and every line that reaches an output goes through [`Secrets::mask`].
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::sync::{Arc, RwLock};
use url::Url;

/// Shorter strings are not registered: masking them would garble ordinary text, and no
/// credential is that short.
const MIN_SECRET: usize = 8;

/// Every secret of this process, shared by the terminal writer, the log writer and the
/// transport (which registers the capability URLs services hand out). Cheap to clone.
#[derive(Clone, Default)]
pub struct Secrets(Arc<RwLock<Vec<String>>>);

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({} known)", self.read().len())
    }
}

impl Secrets {
    pub fn new() -> Secrets {
        Secrets::default()
    }

    /// Registers a token (or any secret string); also its JSON-escaped form if that differs.
    pub fn add(&self, secret: &str) {
        let secret = secret.trim();
        if secret.chars().count() < MIN_SECRET {
            return;
        }
        let quoted = serde_json::to_string(secret).unwrap_or_default();
        let escaped = quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"')).unwrap_or(secret);
        let mut known = self.0.write().unwrap_or_else(|p| p.into_inner());
        for s in [secret, escaped] {
            if s.len() >= MIN_SECRET && !known.iter().any(|k| k == s) {
                known.push(s.to_string());
            }
        }
        // Longest first, so a whole URL is masked before a part of it could be.
        known.sort_by_key(|k| std::cmp::Reverse(k.len()));
    }

    /// Registers a capability URL: the whole URL, its path with the query, and each query
    /// value (a signature or token echoed on its own).
    pub fn add_url(&self, url: &Url) {
        self.add(url.as_str());
        if let Some(query) = url.query() {
            self.add(&format!("{}?{query}", url.path()));
            for (_, value) in url.query_pairs() {
                self.add(&value);
            }
        }
    }

    /// Registers a Slack incoming webhook: the URL, its path `/services/T…/B…/<secret>` (what a
    /// 404 echoes) and the secret last segment.
    pub fn add_webhook(&self, url: &Url) {
        self.add_url(url);
        self.add(url.path());
        if let Some(last) = url.path_segments().and_then(|mut s| s.next_back()) {
            self.add(last);
        }
    }

    /// `text` with every known secret replaced by `***`.
    pub fn mask(&self, text: &str) -> String {
        let known = self.read();
        let mut out = text.to_string();
        for secret in known.iter() {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), "***");
            }
        }
        out
    }

    /// How many strings are registered (tests, Debug).
    pub fn len(&self) -> usize {
        self.read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<String>> {
        self.0.read().unwrap_or_else(|p| p.into_inner())
    }
}

/// Fields whose URL grants access by itself: Heroku's build and release `output_stream_url`, a
/// log session's `logplex_url`, a source's `get_url`/`put_url`, and the `url` of a
/// `source_blob` or a slug's `blob` (signed).
const CAPABILITY_FIELDS: [&str; 4] = ["output_stream_url", "logplex_url", "get_url", "put_url"];
const CAPABILITY_PARENTS: [&str; 2] = ["source_blob", "blob"];

/// The capability URLs in a JSON answer (see [`CAPABILITY_FIELDS`]); empty for anything else.
pub fn capability_urls(body: &[u8]) -> Vec<Url> {
    let mentions = |key: &str| body.windows(key.len()).any(|w| w == key.as_bytes());
    if !CAPABILITY_FIELDS.iter().chain(&CAPABILITY_PARENTS).any(|k| mentions(k)) {
        return vec![];
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else { return vec![] };
    let mut found = vec![];
    collect_capabilities(&value, None, &mut found);
    found
}

fn collect_capabilities(value: &serde_json::Value, parent: Option<&str>, found: &mut Vec<Url>) {
    use serde_json::Value;
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect_capabilities(v, parent, found)),
        Value::Object(fields) => {
            for (key, v) in fields {
                let capability = CAPABILITY_FIELDS.contains(&key.as_str())
                    || (key == "url" && parent.is_some_and(|p| CAPABILITY_PARENTS.contains(&p)));
                match v {
                    Value::String(text) if capability => found.extend(Url::parse(text).ok()),
                    _ => collect_capabilities(v, Some(key), found),
                }
            }
        }
        _ => {}
    }
}

/// A URL that must not appear in errors, Debug output or logs. Debug and Display print `***`;
/// serialising it (into a request body such as a build's `source_blob.url`) writes the real URL.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretUrl(Url);

impl SecretUrl {
    pub fn new(url: Url) -> SecretUrl {
        SecretUrl(url)
    }

    pub fn parse(text: &str) -> Result<SecretUrl, url::ParseError> {
        Url::parse(text).map(SecretUrl)
    }

    /// The real URL, for the transport and for request bodies only.
    pub fn expose(&self) -> &Url {
        &self.0
    }

    /// The host, safe to show ("codeload.github.com").
    pub fn host(&self) -> &str {
        self.0.host_str().unwrap_or("?")
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretUrl({}/***)", self.host())
    }
}

impl fmt::Display for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/***", self.host())
    }
}

impl Serialize for SecretUrl {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.as_str())
    }
}

impl<'de> Deserialize<'de> for SecretUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SecretUrl, D::Error> {
        let text = String::deserialize(d)?;
        // The value itself stays out of the error message.
        SecretUrl::parse(&text).map_err(|e| serde::de::Error::custom(format!("not a URL ({e})")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_path_or_query() {
        let u = SecretUrl::parse("https://codeload.github.com/o/r/legacy.tar.gz/main?token=SEKRIT").unwrap();
        let shown = format!("{u} {u:?}");
        assert!(!shown.contains("SEKRIT") && !shown.contains("legacy"), "{shown}");
        assert_eq!(serde_json::to_value(&u).unwrap(), u.expose().as_str());
    }

    #[test]
    fn capability_urls_are_found_wherever_heroku_puts_them() {
        let body = br#"[{"id":"b1","output_stream_url":"https://build-output.example/s/1?t=a",
            "source_blob":{"url":"https://codeload.example/x.tgz?token=T","version":"abc"},
            "app":{"url":"https://not-a-capability.example/"}},
            {"slug":{"blob":{"method":"get","url":"https://s3.example/slug?Signature=S"}}},
            {"logplex_url":"https://logs.example/sessions/9?srv=1"}]"#;
        let found: Vec<String> = capability_urls(body).iter().map(|u| u.host_str().unwrap().to_string()).collect();
        assert_eq!(found, ["build-output.example", "codeload.example", "s3.example", "logs.example"]);
        assert!(capability_urls(br#"{"url":"https://x.example/"}"#).is_empty());
        assert!(capability_urls(b"output_stream_url not json").is_empty());
    }

    #[test]
    fn the_registry_masks_every_form_of_every_secret() {
        let secrets = Secrets::new();
        secrets.add("ghp_0123456789abcdef");
        secrets.add("short");
        let hook = Url::parse("https://hooks.slack.com/services/T0001/B0002/XXXXxxxxYYYYyyyy1234").unwrap();
        secrets.add_webhook(&hook);
        let stream = Url::parse("https://build-output.example/streams/b1/logs?sig=SIGNATURE-42").unwrap();
        secrets.add_url(&stream);
        let masked = secrets.mask(&format!(
            "bad ghp_0123456789abcdef; 404 {}; url {hook}; tail …/B0002/XXXXxxxxYYYYyyyy1234; {} and sig=SIGNATURE-42 short",
            hook.path(),
            "/streams/b1/logs?sig=SIGNATURE-42"
        ));
        for secret in ["ghp_0123456789abcdef", "XXXXxxxxYYYYyyyy1234", "SIGNATURE-42", "hooks.slack.com/services"] {
            assert!(!masked.contains(secret), "{secret} in {masked}");
        }
        assert!(masked.contains("short"), "too short to be a secret: {masked}");
        assert_eq!(secrets.mask("nothing here"), "nothing here");
        let shared = secrets.clone();
        shared.add("added-through-a-clone");
        assert_eq!(secrets.mask("x added-through-a-clone"), "x ***", "clones share one registry");
    }
}
