//! The README against the binary: the lists scripts rely on name exactly what bpdeploy emits.
use bpdeploy::api::ApiError;
use bpdeploy::config::ConfigError;
use bpdeploy::credentials::{CredentialError, Service};
use bpdeploy::deploy::steps::{Ending, Phase};
use bpdeploy::error::Diagnose;
use bpdeploy::git::GitError;
use std::collections::BTreeSet;
use std::path::Path;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// The `code` spans of the README bullet that holds `marker`, from it to the bullet's end.
fn listed(readme: &str, marker: &str) -> BTreeSet<String> {
    let start = readme.find(marker).unwrap_or_else(|| panic!("README has no {marker:?}"));
    let mut lines = readme[start + marker.len()..].lines();
    let mut text = lines.next().unwrap_or_default().to_string();
    for line in lines.take_while(|l| !l.trim().is_empty() && !l.trim_start().starts_with("- ")) {
        text.push_str(line);
    }
    text.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// The library's own code, each file up to its tests.
fn library_code() -> Vec<String> {
    let mut texts = vec![];
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
            let path = entry.path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if name != "tests" {
                    dirs.push(path);
                }
                continue;
            }
            if !name.ends_with(".rs") || name.ends_with("_tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Up to its tests: a test-only `mod x;` declaration (lib.rs) is not where they start.
            let tests = text.match_indices("#[cfg(test)]").map(|(at, _)| at).find(|at| {
                let next = text[at + "#[cfg(test)]".len()..].trim_start().lines().next().unwrap_or_default();
                !(next.starts_with("mod ") && next.ends_with(';'))
            });
            texts.push(text[..tests.unwrap_or(text.len())].to_string());
        }
    }
    texts
}

/// Every `Failure::new(Exit::…, "code"` in the library's own code (tests left out).
fn failure_codes() -> BTreeSet<String> {
    let mut codes = BTreeSet::from(["usage".to_string()]);
    for code in library_code() {
        for call in code.split("Failure::new(").skip(1) {
            let args: String = call.chars().take(200).collect();
            let Some(rest) = args.trim_start().strip_prefix("Exit::") else { continue };
            let Some(literal) = rest.split('"').nth(1) else { continue };
            codes.insert(literal.to_string());
        }
    }
    codes
}

/// `code` is written in the library as a value (a refusal's, a typed error's), not only
/// compared against (`code == "x"` reads a code something else would have to emit).
fn written(code: &str, library: &[String]) -> bool {
    let literal = match code.strip_prefix("<service>") {
        Some(suffix) => format!("{suffix}\""),
        None => format!("\"{code}\""),
    };
    library.iter().any(|text| text.match_indices(&literal).any(|(at, _)| !text[..at].trim_end().ends_with("==")))
}

/// The codes the typed errors give, with the service written `<service>` as the README does.
fn typed_codes() -> BTreeSet<String> {
    let s = Service::Heroku;
    let status = |status| ApiError::Status {
        service: s,
        status,
        endpoint: "GET /apps/x".into(),
        message: "m".into(),
        error_id: None,
        request_id: None,
        retry_after: None,
        scope: None,
    };
    let (endpoint, message) = (String::new(), String::new());
    let mut errors: Vec<Box<dyn Diagnose>> = vec![
        Box::new(ConfigError::Parse { path: "f".into(), line: 1, message: "m".into() }),
        Box::new(ConfigError::Invalid { origin: "f".into(), key: "k".into(), message: "m".into() }),
        Box::new(ConfigError::Read { path: "f".into(), message: "m".into(), hint: "h".into() }),
        Box::new(ConfigError::Missing { what: "w".into(), hint: "h".into() }),
        Box::new(GitError::NotARepository { path: "p".into() }),
        Box::new(GitError::UnknownRevision { rev: "r".into(), hint: "h".into() }),
        Box::new(GitError::Fetch { branch: "b".into(), message: "m".into() }),
        Box::new(GitError::Git(git2::Error::from_str("x"))),
        Box::new(CredentialError::Missing(s)),
        Box::new(CredentialError::Unreadable { service: s, path: "p".into(), message: "m".into() }),
        Box::new(ApiError::Transport { service: s, endpoint: endpoint.clone(), message: message.clone() }),
        Box::new(ApiError::Ambiguous { service: s, endpoint: endpoint.clone(), message: message.clone() }),
        Box::new(ApiError::Decode { service: s, endpoint, message }),
        Box::new(ApiError::Unsupported { service: s, what: "w".into() }),
    ];
    for code in [401, 403, 404, 409, 422, 429, 503, 418] {
        errors.push(Box::new(status(code)));
    }
    errors.iter().map(|e| e.code().replacen("heroku_", "<service>_", 1)).collect()
}

#[test]
fn the_error_code_list_names_every_code_bpdeploy_emits() {
    let listed = listed(&readme(), "- error codes");
    let emitted: BTreeSet<String> = failure_codes().into_iter().chain(typed_codes()).collect();
    let missing: Vec<&String> = emitted.iter().filter(|c| !listed.contains(*c)).collect();
    assert!(missing.is_empty(), "README's error codes lack {missing:?}");
    for code in ["unknown_revision", "not_a_repository", "config_unreadable", "<service>_credentials_missing"] {
        assert!(emitted.contains(code), "the scan finds {code}: {emitted:?}");
    }
    // And the other way: a code nothing emits any more is not promised to scripts.
    let library = library_code();
    let words = ["<service>", "heroku", "github", "sentry", "slack", "refusal.code"];
    let stale: Vec<&String> = listed.iter().filter(|c| !words.contains(&c.as_str()) && !written(c, &library)).collect();
    assert!(stale.is_empty(), "README lists error codes nothing emits: {stale:?}");
}

#[test]
fn the_deploy_statuses_and_phases_are_the_machines() {
    let readme = readme();
    let statuses = listed(&readme, "where `status` is");
    for ending in Ending::ALL {
        assert!(statuses.contains(ending.name()), "README's statuses lack {}", ending.name());
    }
    let phases = listed(&readme, "- `phase` `{phase}`:");
    for phase in Phase::ACTIVE {
        assert!(phases.contains(phase.name()), "README's phases lack {}", phase.name());
    }
}

#[test]
fn the_config_table_lists_the_default_experiment_patterns() {
    let row = readme().lines().find(|l| l.starts_with("| `[triage] experiment_patterns`")).unwrap().to_string();
    let defaults = bpdeploy::config::DEFAULT_EXPERIMENT_PATTERNS;
    let shown: Vec<String> = row.split('|').nth(3).unwrap().split('`').skip(1).step_by(2).map(String::from).collect();
    assert_eq!(shown, defaults, "{row}");
}

/// Each fenced block is a shell script (```sh) or a session that opens with its `$ ` command:
/// a stray fence once turned everything from the recovery section's Slack paragraph to the
/// end of the README into code and its examples into prose.
#[test]
fn every_code_block_is_a_script_or_a_session() {
    let text = readme();
    let blocks: Vec<&str> = text.split("```").skip(1).step_by(2).collect();
    assert!(text.matches("```").count() % 2 == 0, "an unclosed fence");
    for block in blocks {
        let (info, body) = block.split_once('\n').unwrap_or((block, ""));
        let ok = match info.trim() {
            "" => body.starts_with("$ "),
            lang => ["sh", "toml", "json", "console"].contains(&lang),
        };
        assert!(ok, "a block that is neither (a stray fence?):\n```{}", &block[..block.len().min(200)]);
    }
}
