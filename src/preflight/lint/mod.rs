//! Placeholder for the static safety lint of migrations (issue 5, branch `lint`): the lead takes
//! the real module at merge. Same signatures; it finds nothing, so the rest of preflight can be
//! built and tested without it.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct Risk {
    pub check: String,
    pub line: usize,
    pub statement: String,
    pub message: String,
    pub recipe: String,
}

#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct MigrationLint {
    pub class_name: Option<String>,
    pub reversible: Option<bool>,
    pub risks: Vec<Risk>,
    pub notes: Vec<String>,
}

fn nothing_found() -> MigrationLint {
    MigrationLint { class_name: None, reversible: None, risks: Vec::new(), notes: Vec::new() }
}

pub fn lint_schema_migration(_source: &str) -> MigrationLint {
    nothing_found()
}

pub fn lint_data_migration(_source: &str) -> MigrationLint {
    nothing_found()
}
