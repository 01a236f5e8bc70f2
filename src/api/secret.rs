//! URLs that are capabilities: whoever holds one can read what it points at. GitHub's tarball
//! `Location` carries a signed token; Heroku's `output_stream_url`, `source_blob.url` and
//! `logplex_url` need no other credential. They never print themselves.
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use url::Url;

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
}
