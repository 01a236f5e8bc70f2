//! Reading the release phase: which of the expected migrations ran, and, when it fails, the
//! report people need (what ran, what did not, what production serves, what to do next).
//!
//! Rails (and data_migrate) print `== 20250101000001 AddX: migrating ====` before a migration and
//! `== 20250101000001 AddX: migrated (0.0123s) ====` after it; nothing else marks progress.
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MigrationState {
    Migrating,
    Migrated,
}

/// One recognised progress line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrationLine {
    pub version: String,
    pub name: String,
    pub state: MigrationState,
}

/// Recognises a migration progress line; everything else (SQL, `-- add_column(...)`) is `None`.
pub fn parse_line(line: &str) -> Option<MigrationLine> {
    let rest = line.trim().strip_prefix("== ")?;
    let (version, rest) = rest.split_once(' ')?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (name, rest) = rest.split_once(": ")?;
    let is_constant = name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
    if !is_constant {
        return None;
    }
    let state = match rest.split_whitespace().next()? {
        "migrating" => MigrationState::Migrating,
        "migrated" => MigrationState::Migrated,
        _ => return None, // reverting/reverted belong to rollbacks of migrations, not to deploys
    };
    Some(MigrationLine { version: version.to_string(), name: name.to_string(), state })
}

/// Schema (`db/migrate`) or data (`db/data`), as preflight classified it.
pub use crate::preflight::migrations::Kind as MigrationKind;

/// A migration this deploy brings, in the order the release command will run them (preflight).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpectedMigration {
    pub version: String,
    pub name: Option<String>,
    pub kind: MigrationKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrationRef {
    pub version: String,
    pub name: Option<String>,
    pub kind: Option<MigrationKind>,
}

impl MigrationRef {
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => format!("{} {n}", self.version),
            None => self.version.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MigrationReport {
    pub ran: Vec<MigrationRef>,
    /// Started and never finished: the one that failed, when the release phase failed.
    pub failed: Option<MigrationRef>,
    /// Expected and never started.
    pub not_run: Vec<MigrationRef>,
}

/// Follows the release phase output line by line.
#[derive(Debug, Clone, Default)]
pub struct MigrationProgress {
    expected: Vec<ExpectedMigration>,
    seen: Vec<MigrationLine>,
}

impl MigrationProgress {
    pub fn new(expected: Vec<ExpectedMigration>) -> Self {
        MigrationProgress { expected, seen: vec![] }
    }

    /// Returns the recognised line, for the live display and the NDJSON events.
    pub fn observe(&mut self, line: &str) -> Option<MigrationLine> {
        let parsed = parse_line(line)?;
        self.seen.push(parsed.clone());
        Some(parsed)
    }

    fn reference(&self, version: &str, name: Option<&str>) -> MigrationRef {
        let expected = self.expected.iter().find(|e| e.version == version);
        MigrationRef {
            version: version.to_string(),
            name: name.map(str::to_string).or_else(|| expected.and_then(|e| e.name.clone())),
            kind: expected.map(|e| e.kind),
        }
    }

    pub fn report(&self) -> MigrationReport {
        let done = |v: &str| self.seen.iter().any(|l| l.version == v && l.state == MigrationState::Migrated);
        let started = |v: &str| self.seen.iter().any(|l| l.version == v);
        let mut report = MigrationReport::default();
        for line in self.seen.iter().filter(|l| l.state == MigrationState::Migrated) {
            report.ran.push(self.reference(&line.version, Some(&line.name)));
        }
        report.failed = self
            .seen
            .iter()
            .rev()
            .find(|l| l.state == MigrationState::Migrating && !done(&l.version))
            .map(|l| self.reference(&l.version, Some(&l.name)));
        for e in self.expected.iter().filter(|e| !started(&e.version)) {
            report.not_run.push(self.reference(&e.version, e.name.as_deref()));
        }
        report
    }
}

/// What people need when the release phase fails (the list, in order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReleaseFailure {
    pub release_version: u64,
    /// What production still serves.
    pub serving_version: Option<u64>,
    pub migrations: MigrationReport,
    pub output_tail: Vec<String>,
    pub next_steps: Vec<String>,
}

impl ReleaseFailure {
    pub fn new(
        release_version: u64,
        serving_version: Option<u64>,
        app: &str,
        report: MigrationReport,
        tail: Vec<String>,
    ) -> Self {
        let mut next_steps = vec![];
        if let Some(f) = &report.failed {
            next_steps.push(format!(
                "fix migration {} in a new pull request, merge it, and run `bpdeploy deploy` again",
                f.label()
            ));
            if f.kind == Some(MigrationKind::Data) || report.ran.iter().any(|m| m.kind == Some(MigrationKind::Data)) {
                next_steps.push("check the rows the data migrations touched: data may be partly migrated".into());
            }
        } else {
            next_steps.push("read the output above, fix the cause, and run `bpdeploy deploy` again".into());
        }
        next_steps.push(format!(
            "if the cause was outside the code (a lock, a timeout), re-run the release phase: `heroku releases:retry -a {app}`"
        ));
        ReleaseFailure { release_version, serving_version, migrations: report, output_tail: tail, next_steps }
    }

    /// The first line of the report: what failed.
    pub fn headline(&self) -> String {
        match &self.migrations.failed {
            Some(m) => format!("the release phase of v{} failed in migration {}", self.release_version, m.label()),
            None => format!("the release phase of v{} failed", self.release_version),
        }
    }

    /// The lines after the headline, before the output tail.
    pub fn explanation(&self) -> Vec<String> {
        let list = |ms: &[MigrationRef]| ms.iter().map(MigrationRef::label).collect::<Vec<_>>().join(", ");
        let mut lines = vec![];
        let serving = self.serving_version.map(|v| format!("v{v}")).unwrap_or_else(|| "the previous release".into());
        lines.push(format!("production still serves {serving}: the app did not switch to v{}", self.release_version));
        if !self.migrations.ran.is_empty() {
            lines.push(format!("ran and stay applied: {}", list(&self.migrations.ran)));
        }
        if let Some(f) = &self.migrations.failed {
            lines.push(format!(
                "failed: {} (rolled back if it ran in a transaction, the default on PostgreSQL; \
                 with disable_ddl_transaction! it may be half applied)",
                f.label()
            ));
        }
        if !self.migrations.not_run.is_empty() {
            lines.push(format!("did not run: {}", list(&self.migrations.not_run)));
        }
        lines
    }
}

#[cfg(test)]
#[path = "migrations_tests.rs"]
mod tests;
