//! Reading the release phase: which of the expected migrations ran, and, when it fails, the
//! report people need (what ran, what did not, what production serves, what to do next).
//!
//! Rails (and data_migrate) print `== 20250101000001 AddX: migrating ====` before a migration and
//! `== 20250101000001 AddX: migrated (0.0123s) ====` after it; nothing else marks progress.
use crate::next_step::NextStep;
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
    /// Started and never finished in a release phase that failed: the one that failed.
    pub failed: Vec<MigrationRef>,
    /// Expected, and the whole release-phase log shows they never started.
    pub not_run: Vec<MigrationRef>,
    /// Not seen in the part of the log that was read, or started when the log was cut: whether
    /// they ran is not known (`heroku releases:output` shows the whole log).
    pub unknown: Vec<MigrationRef>,
}

/// How the release phase ended, as far as the report is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhaseEnd {
    Succeeded,
    Failed,
    /// Still running, or its status could not be read.
    Unknown,
}

/// Follows the release phase output line by line.
#[derive(Debug, Clone, Default)]
pub struct MigrationProgress {
    expected: Vec<ExpectedMigration>,
    seen: Vec<MigrationLine>,
    /// The log was read to its end: what it does not show did not happen.
    complete: bool,
}

impl MigrationProgress {
    pub fn new(expected: Vec<ExpectedMigration>) -> Self {
        MigrationProgress { expected, seen: vec![], complete: false }
    }

    /// Returns the recognised line, for the live display and the NDJSON events.
    pub fn observe(&mut self, line: &str) -> Option<MigrationLine> {
        let parsed = parse_line(line)?;
        self.seen.push(parsed.clone());
        Some(parsed)
    }

    /// The release-phase log was read to its end.
    pub fn log_complete(&mut self) {
        self.complete = true;
    }

    fn reference(&self, version: &str, name: Option<&str>) -> MigrationRef {
        let expected = self.expected.iter().find(|e| e.version == version);
        MigrationRef {
            version: version.to_string(),
            name: name.map(str::to_string).or_else(|| expected.and_then(|e| e.name.clone())),
            kind: expected.map(|e| e.kind),
        }
    }

    /// What ran, failed, did not run, or is unknown, given how the release phase ended. Only a
    /// whole log says what did not happen; a succeeded release phase finished what it started.
    pub fn report(&self, end: PhaseEnd) -> MigrationReport {
        let done = |v: &str| self.seen.iter().any(|l| l.version == v && l.state == MigrationState::Migrated);
        let started = |v: &str| self.seen.iter().any(|l| l.version == v);
        let mut report = MigrationReport::default();
        for line in &self.seen {
            let finished = line.state == MigrationState::Migrated;
            let first_sight = self.seen.iter().find(|l| l.version == line.version).map(|l| l.state) == Some(line.state);
            if !finished && (done(&line.version) || !first_sight) {
                continue; // its `migrated` line (or an earlier `migrating`) speaks for it
            }
            let r = self.reference(&line.version, Some(&line.name));
            match (finished, end, self.complete) {
                (true, _, _) | (false, PhaseEnd::Succeeded, _) => report.ran.push(r),
                (false, PhaseEnd::Failed, true) => report.failed.push(r),
                (false, _, _) => report.unknown.push(r),
            }
        }
        for e in self.expected.iter().filter(|e| !started(&e.version)) {
            let r = self.reference(&e.version, e.name.as_deref());
            match (self.complete, end) {
                (true, PhaseEnd::Succeeded | PhaseEnd::Failed) => report.not_run.push(r),
                _ => report.unknown.push(r),
            }
        }
        report
    }
}

/// How to find out about the migrations a cut release-phase log left unknown.
pub fn release_output_step(version: u64, app: &str) -> NextStep {
    NextStep::new(
        format!("heroku releases:output v{version} -a {app}"),
        "the whole release-phase log: whether the migrations it did not show ran",
    )
}

/// What people need when the release phase fails (the list, in order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReleaseFailure {
    pub release_version: u64,
    /// What production still serves.
    pub serving_version: Option<u64>,
    pub migrations: MigrationReport,
    pub output_tail: Vec<String>,
    pub next_steps: Vec<NextStep>,
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
        if !report.unknown.is_empty() {
            next_steps.push(release_output_step(release_version, app));
        }
        let data_touched = report.failed.iter().chain(&report.ran).any(|m| m.kind == Some(MigrationKind::Data));
        match report.failed.first() {
            Some(f) => next_steps.push(NextStep::new(
                "bpdeploy deploy",
                format!("once migration {} is fixed in a merged pull request", f.label()),
            )),
            None => next_steps
                .push(NextStep::new("bpdeploy deploy", "once the cause shown in the release-phase log is fixed")),
        }
        if !report.failed.is_empty() && data_touched {
            let why = "check the rows the data migrations touched: data may be partly migrated";
            next_steps.push(NextStep::new(format!("heroku pg:psql -a {app}"), why));
        }
        next_steps.push(NextStep::new(
            format!("heroku releases:retry -a {app}"),
            "re-run the release phase, if the cause was outside the code (a lock, a timeout)",
        ));
        ReleaseFailure { release_version, serving_version, migrations: report, output_tail: tail, next_steps }
    }

    /// The first line of the report: what failed.
    pub fn headline(&self) -> String {
        match self.migrations.failed.first() {
            Some(m) => format!("the release phase of v{} failed in migration {}", self.release_version, m.label()),
            None => format!("the release phase of v{} failed", self.release_version),
        }
    }

    /// The lines after the headline, before the output tail: the migrations, each list once.
    /// What production serves is the result's `Production:` line, said there only.
    pub fn explanation(&self) -> Vec<String> {
        let list = |ms: &[MigrationRef]| ms.iter().map(MigrationRef::label).collect::<Vec<_>>().join(", ");
        let mut lines = vec![];
        if !self.migrations.ran.is_empty() {
            lines.push(format!("ran and stay applied: {}", list(&self.migrations.ran)));
        }
        if !self.migrations.failed.is_empty() {
            lines.push(format!(
                "failed: {} (rolled back if it ran in a transaction, the default on PostgreSQL; \
                 with disable_ddl_transaction! it may be half applied)",
                list(&self.migrations.failed)
            ));
        }
        if !self.migrations.not_run.is_empty() {
            lines.push(format!("did not run: {}", list(&self.migrations.not_run)));
        }
        if !self.migrations.unknown.is_empty() {
            lines.push(format!(
                "unknown (not seen in a release-phase log that was cut): {}",
                list(&self.migrations.unknown)
            ));
        }
        lines
    }
}

#[cfg(test)]
#[path = "migrations_tests.rs"]
mod tests;
