//! bpdeploy.toml and the durations in it: any text gives a config or an error naming a line of
//! the file, never a panic; a parsed duration reads back from its own formatting.
use super::{fuzz, text_from};
use crate::config::{duration, parse_file, ConfigError};

const TOML: &[&str] = &[
    "[heroku]\n",
    "[github]\n",
    "[sentry]\n",
    "[slack]\n",
    "[migrations]\n",
    "[watch]\n",
    "[triage]\n",
    "[heroku.x]\n",
    "app = ",
    "repo = ",
    "branch = ",
    "url = ",
    "graphql_url = ",
    "merge_method = ",
    "org = ",
    "project = ",
    "release = ",
    "channel = ",
    "duration = ",
    "interval = ",
    "max_new_issues = ",
    "max_error_rate_ratio = ",
    "min_events = ",
    "schema = ",
    "data = ",
    "experiment_patterns = ",
    "\"shop\"",
    "\"acme/shop\"",
    "\"7m\"",
    "\"15s\"",
    "\"1h30m\"",
    "\"99999999999999999999h\"",
    "\"https://x\"",
    "3",
    "-1",
    "2.5",
    "1e400",
    "[\"db/migrate/*.rb\"]",
    "true",
    "\n",
    " ",
    "# c\n",
    "\"",
    "'",
    "=",
    "{",
    "}",
    "[[",
    "]]",
    "\u{1b}]0;t\u{7}",
    "é",
    "\r\n",
    "\"\"\"",
    "\\u0000",
    "\\",
];

#[test]
fn config_files_parse_or_name_a_line() {
    fuzz(|u| {
        let text = text_from(u, TOML, 40)?;
        match parse_file(&text, "bpdeploy.toml".into()) {
            Ok(_) => {}
            Err(ConfigError::Parse { line, .. }) => {
                assert!(line >= 1 && line <= text.matches('\n').count() + 1, "line {line} of {text:?}")
            }
            Err(other) => panic!("parsing text can only fail to parse: {other}"),
        }
        Ok(())
    });
}

#[test]
fn durations_parse_or_refuse_and_read_back() {
    fuzz(|u| {
        let pieces =
            ["1", "30", "7", "0", "m", "s", "h", "ms", "min", "sec", "d", " ", "-", "x", "18446744073709551615"];
        let text = text_from(u, &pieces, 12)?;
        if let Ok(d) = duration::parse(&text) {
            assert_eq!(duration::parse(&duration::format(d)), Ok(d), "{text:?}");
        }
        Ok(())
    });
}
