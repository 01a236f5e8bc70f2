//! What Heroku's release phase will run: the Procfile's `release:` line at `to` decides whether
//! `db:migrate` and `data:migrate` run, and in which order.
use super::migrations::{Kind, Migration};
use serde::Serialize;

/// A migration task the release command runs, in the order it runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MigrationTask {
    /// `db:migrate` (or `db:prepare`): schema migrations by version.
    #[serde(rename = "db:migrate")]
    Schema,
    /// `data:migrate` (data_migrate): data migrations by version.
    #[serde(rename = "data:migrate")]
    Data,
    /// `db:migrate:with_data` (data_migrate): both kinds interleaved by version.
    #[serde(rename = "db:migrate:with_data")]
    SchemaWithData,
}

/// The `release:` command of a Procfile, if it declares one.
pub fn release_command(procfile: &str) -> Option<String> {
    procfile.lines().find_map(|line| {
        let (name, command) = line.split_once(':')?;
        (name.trim() == "release").then(|| command.trim().to_string()).filter(|c| !c.is_empty())
    })
}

/// The migration tasks a release command runs. A script in the repository (`bin/release`,
/// `./release-tasks.sh`) is followed one level, through `script`, which reads a file at `to`.
pub fn tasks(command: &str, script: &dyn Fn(&str) -> Option<String>) -> Vec<MigrationTask> {
    let mut out = Vec::new();
    for word in words(command) {
        if let Some(task) = task_of(word) {
            out.push(task);
        } else if let Some(text) = script(word.trim_start_matches("./")) {
            let body: Vec<&str> = text.lines().filter(|l| !l.trim_start().starts_with('#')).collect();
            out.extend(words(&body.join("\n")).filter_map(task_of));
        }
    }
    out.dedup();
    out
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')' | '"' | '\'' | '`'))
        .filter(|w| !w.is_empty())
}

fn task_of(word: &str) -> Option<MigrationTask> {
    match word {
        "db:migrate" | "db:prepare" => Some(MigrationTask::Schema),
        "data:migrate" => Some(MigrationTask::Data),
        "db:migrate:with_data" => Some(MigrationTask::SchemaWithData),
        _ => None,
    }
}

/// Numbers the migrations that will run, in the order the tasks run them; the others keep
/// `run_order: None`. Returns the new migrations that no task runs.
pub fn assign_run_order(migrations: &mut [Migration], tasks: &[MigrationTask]) -> Vec<usize> {
    let mut order: Vec<usize> = Vec::new();
    for task in tasks {
        let mut batch: Vec<usize> = (0..migrations.len())
            .filter(|&i| migrations[i].is_new() && !order.contains(&i))
            .filter(|&i| match task {
                MigrationTask::Schema => migrations[i].kind == Kind::Schema,
                MigrationTask::Data => migrations[i].kind == Kind::Data,
                MigrationTask::SchemaWithData => true,
            })
            .collect();
        batch.sort_by(|&a, &b| migrations[a].version.cmp(&migrations[b].version));
        order.extend(batch);
    }
    for (n, &i) in order.iter().enumerate() {
        migrations[i].run_order = Some(n + 1);
    }
    (0..migrations.len()).filter(|&i| migrations[i].is_new() && migrations[i].run_order.is_none()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_release_line_and_its_tasks() {
        let procfile = "web: bundle exec puma\nrelease: bin/rails db:migrate && bin/rails data:migrate\n";
        let cmd = release_command(procfile).unwrap();
        assert_eq!(cmd, "bin/rails db:migrate && bin/rails data:migrate");
        assert_eq!(tasks(&cmd, &|_| None), vec![MigrationTask::Schema, MigrationTask::Data]);
        assert_eq!(tasks("bundle exec rake db:migrate:with_data", &|_| None), vec![MigrationTask::SchemaWithData]);
        assert_eq!(release_command("web: puma\n"), None);
    }

    #[test]
    fn follows_a_release_script_and_skips_its_comments() {
        let script =
            |p: &str| (p == "bin/release").then(|| "#!/bin/sh\n# data:migrate later\nrails db:migrate\n".into());
        assert_eq!(tasks("bin/release", &script), vec![MigrationTask::Schema]);
    }
}
