//! `bpdeploy completions <shell>` and `bpdeploy man`: generated from the clap definition, so they
//! cannot drift from `--help` (the checked-in copies in completions/ are tested against these).
use crate::cli::{CompletionsArgs, ManArgs};
use crate::commands::CommandResult;
use crate::error::Failure;
use crate::exit::Exit;
use crate::ui::render::Outcome;
use crate::ui::Ui;
use serde::Serialize;
use std::path::PathBuf;

/// A script or a page printed verbatim, in both human and JSON mode (a script is not a JSON value).
pub struct Script(pub String);

impl Outcome for Script {
    fn to_json(&self) -> serde_json::Value {
        serde_json::Value::String(self.0.clone())
    }
    fn human(&self, _ui: &Ui) -> String {
        self.0.clone()
    }
    fn is_verbatim(&self) -> bool {
        true
    }
}

pub fn script(shell: clap_complete::Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut crate::cli::command(), "bpdeploy", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

pub fn completions(args: &CompletionsArgs) -> CommandResult {
    Ok(Box::new(Script(script(args.shell))))
}

/// The command line as the man pages describe it: no `help` pseudo-command, whose page
/// would not exist.
fn man_command() -> clap::Command {
    crate::cli::command().disable_help_subcommand(true)
}

/// bpdeploy(1), or bpdeploy-COMMAND(1) for one command. The main page's SUBCOMMANDS section
/// names the command pages, which `man --dir` writes and `man COMMAND` prints.
pub fn man_page(command: Option<&str>) -> anyhow::Result<String> {
    let mut cmd = man_command();
    cmd.build();
    let page = match command {
        None => cmd,
        Some(name) => cmd.find_subcommand(name).cloned().ok_or_else(|| unknown_command(&cmd, name))?,
    };
    let mut buf = Vec::new();
    clap_mangen::Man::new(page).render(&mut buf)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

fn unknown_command(cmd: &clap::Command, name: &str) -> Failure {
    let names: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).collect();
    Failure::usage(format!("no man page for {name:?}")).with_hint(format!("the commands are: {}", names.join(", ")))
}

/// What `man --dir` wrote.
#[derive(Debug, Serialize)]
pub struct ManPages {
    pub dir: PathBuf,
    pub pages: Vec<String>,
}

impl Outcome for ManPages {
    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
    fn human(&self, _ui: &Ui) -> String {
        format!("wrote {} man pages to {}: {}", self.pages.len(), self.dir.display(), self.pages.join(", "))
    }
}

pub fn man(args: &ManArgs, cwd: &std::path::Path) -> CommandResult {
    let Some(dir) = &args.dir else { return Ok(Box::new(Script(man_page(args.command.as_deref())?))) };
    let dir = cwd.join(dir);
    let failed = |e: std::io::Error| {
        Failure::new(Exit::Failure, "write_failed", format!("cannot write man pages to {}: {e}", dir.display()))
    };
    if dir.exists() && !dir.is_dir() {
        let message = format!("cannot write man pages to {}: it is a file, not a directory", dir.display());
        return Err(Failure::new(Exit::Failure, "write_failed", message)
            .with_hint("name a directory of man pages, e.g. --dir ~/.local/share/man/man1")
            .into());
    }
    std::fs::create_dir_all(&dir).map_err(failed)?;
    clap_mangen::generate_to(man_command(), &dir).map_err(failed)?;
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .map_err(failed)?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n == "bpdeploy.1" || (n.starts_with("bpdeploy-") && n.ends_with(".1")))
        .collect();
    pages.sort();
    Ok(Box::new(ManPages { dir, pages }))
}
