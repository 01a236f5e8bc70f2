//! `bpdeploy completions <shell>` and `bpdeploy man`: generated from the clap definition, so they
//! cannot drift from `--help` (the checked-in copies in completions/ are tested against these).
use crate::cli::CompletionsArgs;
use crate::commands::CommandResult;
use crate::ui::render::Outcome;
use crate::ui::Ui;

/// Text printed verbatim, in both human and JSON mode (a script is not a JSON value).
pub struct Script(pub String);

impl Outcome for Script {
    fn to_json(&self) -> serde_json::Value {
        serde_json::Value::String(self.0.clone())
    }
    fn human(&self, _ui: &Ui) -> String {
        self.0.clone()
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

pub fn man_page() -> anyhow::Result<String> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(crate::cli::command()).render(&mut buf)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

pub fn man() -> CommandResult {
    Ok(Box::new(Script(man_page()?)))
}
