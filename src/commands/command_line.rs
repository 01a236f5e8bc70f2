//! The command line that runs a command again, as the next steps give it: `bpdeploy deploy
//! --watch --app shop`. Built from what was asked (the global `--app` and `--config` that pick
//! the target, and the command's own flags), never from `--dry-run`, `--yes` or output flags,
//! which the next step adds or leaves to the person.
use crate::cli::GlobalArgs;

pub(crate) struct CommandLine {
    words: Vec<String>,
}

impl CommandLine {
    /// `bpdeploy <command>` with the global flags that choose what it acts on.
    pub(crate) fn new(command: &str, global: &GlobalArgs) -> CommandLine {
        let mut line = CommandLine { words: vec!["bpdeploy".into(), command.into()] };
        if let Some(config) = &global.config {
            line = line.value("--config", Some(&config.display().to_string()));
        }
        line.value("--app", global.app.as_deref())
    }

    /// A positional word (`v6`, `4`).
    pub(crate) fn word(mut self, word: &str) -> CommandLine {
        self.words.push(word.into());
        self
    }

    /// `--flag` when set.
    pub(crate) fn flag(mut self, name: &str, set: bool) -> CommandLine {
        if set {
            self.words.push(name.into());
        }
        self
    }

    /// `--flag value` when given.
    pub(crate) fn value(mut self, name: &str, value: Option<&str>) -> CommandLine {
        if let Some(v) = value {
            self.words.push(name.into());
            self.words.push(v.into());
        }
        self
    }

    /// The words, each quoted for a POSIX shell where it needs it.
    pub(crate) fn render(&self) -> String {
        let quoted: Vec<String> = self
            .words
            .iter()
            .map(|w| shlex::try_quote(w).map(|q| q.into_owned()).unwrap_or_else(|_| w.clone()))
            .collect();
        quoted.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_and_the_flags_given_are_kept_and_quoted() {
        let global = GlobalArgs { app: Some("shop".into()), yes: true, dry_run: true, ..GlobalArgs::default() };
        let line = CommandLine::new("deploy", &global)
            .flag("--watch", true)
            .flag("--force", false)
            .value("--branch", Some("fix it"))
            .value("--duration", None);
        assert_eq!(line.render(), "bpdeploy deploy --app shop --watch --branch 'fix it'");
    }
}
