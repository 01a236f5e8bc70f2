//! The `[migrations]` keys that tune the lint: `postgres_version` and `max_size`.
use crate::preflight::lint::{LintSettings, PostgresVersion, DEFAULT_MAX_SIZE};
use serde::Deserialize;

/// A TOML integer or string, as people write versions and sizes (`16`, `"14.3"`, `"1m"`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum NumberOrText {
    Number(i64),
    Text(String),
}

impl NumberOrText {
    fn text(&self) -> String {
        match self {
            NumberOrText::Number(n) => n.to_string(),
            NumberOrText::Text(t) => t.trim().to_string(),
        }
    }
}

/// The lint settings from the file's `[migrations]` keys; defaults for absent ones.
pub fn lint_settings(
    version: Option<&NumberOrText>,
    max_size: Option<&NumberOrText>,
) -> Result<LintSettings, (String, String)> {
    let mut settings = LintSettings::default();
    if let Some(v) = version {
        settings.postgres_version =
            postgres_version(&v.text()).map_err(|m| ("migrations.postgres_version".into(), m))?;
    }
    if let Some(s) = max_size {
        settings.max_size = size(&s.text()).map_err(|m| ("migrations.max_size".into(), m))?;
    }
    Ok(settings)
}

/// `16` or `"14.3"`: the major version, and the minor when given. Strong Migrations' oldest
/// supported server is 10; anything below 9 or above 99 is a typo.
pub fn postgres_version(text: &str) -> Result<PostgresVersion, String> {
    let bad = || format!("expected a PostgreSQL version like 16 or \"14.3\", got {text:?}");
    let (major, minor) = match text.split_once('.') {
        Some((major, minor)) => (major, Some(minor)),
        None => (text, None),
    };
    let major: u32 = major.parse().map_err(|_| bad())?;
    let minor = minor.map(|m| m.parse::<u32>().map_err(|_| bad())).transpose()?;
    if !(9..=99).contains(&major) {
        return Err(bad());
    }
    Ok(PostgresVersion { major, minor })
}

/// Bytes, with git's suffixes for sizes (`core.bigFileThreshold`): `k`, `m`, `g` are 1024-based.
pub fn size(text: &str) -> Result<usize, String> {
    let bad = || format!("expected a size like \"1m\", \"512k\" or a number of bytes, got {text:?}");
    let lower = text.to_ascii_lowercase();
    let (digits, unit) = lower.split_at(lower.find(|c: char| !c.is_ascii_digit()).unwrap_or(lower.len()));
    let n: usize = digits.parse().map_err(|_| bad())?;
    let factor: usize = match unit.trim() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => 1024 * 1024,
        "g" | "gb" | "gib" => 1024 * 1024 * 1024,
        _ => return Err(bad()),
    };
    let bytes = n.checked_mul(factor).ok_or_else(bad)?;
    if bytes == 0 {
        return Err("must be greater than zero".into());
    }
    Ok(bytes)
}

/// The documented default, for `bpdeploy init`'s commented file.
pub const DEFAULT_MAX_SIZE_TEXT: &str = "1m";
const _: () = assert!(DEFAULT_MAX_SIZE == 1024 * 1024);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_take_a_major_and_an_optional_minor() {
        assert_eq!(postgres_version("16"), Ok(PostgresVersion { major: 16, minor: None }));
        assert_eq!(postgres_version("14.3"), Ok(PostgresVersion { major: 14, minor: Some(3) }));
        for bad in ["", "sixteen", "8", "100", "14.", "14.x"] {
            assert!(postgres_version(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn sizes_use_gits_suffixes() {
        assert_eq!(size("1m"), Ok(1024 * 1024));
        assert_eq!(size("512K"), Ok(512 * 1024));
        assert_eq!(size("2 MiB"), Ok(2 * 1024 * 1024));
        assert_eq!(size("4096"), Ok(4096));
        for bad in ["", "m", "1t", "-1", "0"] {
            assert!(size(bad).is_err(), "{bad:?}");
        }
    }
}
