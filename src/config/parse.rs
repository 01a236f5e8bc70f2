//! Reading bpdeploy.toml's text: parse errors and values checked afterwards name their line.
use super::error::ConfigError;
use super::file::FileConfig;
use super::sections::WrittenGlob;
use serde::Deserialize;

/// The text of a bpdeploy.toml; an error names `shown` and the line.
pub(crate) fn parse_file(text: &str, shown: String) -> Result<FileConfig, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let line = line_at(text, e.span().map(|s| s.start).unwrap_or(0));
        ConfigError::Parse { path: shown, line, message: plain_types(&e.message().trim().replace('\n', " ")) }
    })
}

/// serde names Rust types ("expected u64"); people read "expected a whole number".
fn plain_types(message: &str) -> String {
    let mut out = message.to_string();
    for int in ["u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize"] {
        out = out.replace(&format!("expected {int}"), "expected a whole number");
    }
    out.replace("expected f32", "expected a number")
        .replace("expected f64", "expected a number")
        .replace("expected a sequence", "expected a list")
}

/// A value checked once the whole file was read (a URL, `owner/name`, a version) names its line
/// as a parse error does: `bpdeploy.toml:3: github.repo: …`.
pub(super) fn with_line(e: ConfigError, text: &str, file: &str) -> ConfigError {
    match e {
        ConfigError::Invalid { origin, key, message } if origin == file => match key_line(text, &key) {
            Some(line) => ConfigError::Parse { path: origin, line, message: format!("{key}: {message}") },
            None => ConfigError::Invalid { origin, key, message },
        },
        e => e,
    }
}

/// The line of `section.key`'s value in the file's text, when the file has it.
fn key_line(text: &str, key: &str) -> Option<usize> {
    type Sections = std::collections::HashMap<String, std::collections::HashMap<String, toml::Spanned<toml::Value>>>;
    let (section, name) = key.split_once('.')?;
    let sections: Sections = toml::from_str(text).ok()?;
    Some(line_at(text, sections.get(section)?.get(name)?.span().start))
}

/// The 1-based line of byte `offset` in `text`.
fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|b| **b == b'\n').count() + 1
}

/// The `[migrations]` globs the file writes out, each with its own line (an array may span lines).
pub(super) fn written_globs(text: &str, file: &str) -> Vec<WrittenGlob> {
    #[derive(Deserialize, Default)]
    struct Spans {
        #[serde(default)]
        migrations: GlobSpans,
    }
    #[derive(Deserialize, Default)]
    struct GlobSpans {
        schema: Option<Vec<toml::Spanned<String>>>,
        data: Option<Vec<toml::Spanned<String>>>,
    }
    let Ok(spans) = toml::from_str::<Spans>(text) else { return Vec::new() };
    let keyed = [("migrations.schema", spans.migrations.schema), ("migrations.data", spans.migrations.data)];
    keyed
        .into_iter()
        .flat_map(|(key, globs)| globs.unwrap_or_default().into_iter().map(move |g| (key, g)))
        .map(|(key, g)| WrittenGlob {
            place: format!("{file}:{}", line_at(text, g.span().start)),
            key: key.into(),
            glob: g.into_inner(),
        })
        .collect()
}
