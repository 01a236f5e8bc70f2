
use builtin;
use str;

set edit:completion:arg-completer[bpdeploy] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'bpdeploy'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'bpdeploy'= {
            cand --config 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)'
            cand --app 'Heroku app name (overrides HEROKU_APP and [heroku] app)'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)'
            cand --json 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
            cand -q 'Print only the result and errors'
            cand --quiet 'Print only the result and errors'
            cand -v 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand --verbose 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand -y 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --yes 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --dry-run 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand deploy 'Build the branch on Heroku, follow the build and the release phase, optionally watch'
            cand watch 'Watch a release after it goes live: Sentry, router and dyno errors, smoke pages, Slack; a verdict'
            cand revert 'Open (and optionally merge and deploy) a revert PR for a merged pull request'
            cand rollback 'Roll the Heroku app back to an earlier release (code and config; never the database)'
            cand triage 'Find the PR behind a Sentry issue and recommend: flag off, not the deploy, fix, revert or rollback'
            cand preflight 'What is about to ship: PRs, owners, migrations and their risks, CI, Sentry baseline, verdict'
            cand releases 'The Heroku Activity view: recent releases, their commits and status'
            cand sandbox 'Serve a local fake of Heroku, GitHub, Sentry and Slack to practise on'
            cand demo 'Walk the whole deploy routine against the built-in sandbox, narrated'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff), or write a page per command with --dir'
            cand init 'Write a commented bpdeploy.toml, detecting what it can from this repository'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bpdeploy;deploy'= {
            cand --branch 'Branch to deploy (default: [github] branch)'
            cand --duration 'With --watch: how long to watch, e.g. 7m, 90s (default: [watch] duration)'
            cand --interval 'With --watch: how often to look, e.g. 15s (default: [watch] interval)'
            cand --config 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)'
            cand --app 'Heroku app name (overrides HEROKU_APP and [heroku] app)'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)'
            cand --watch 'Watch the release after it goes live (see `bpdeploy watch`)'
            cand --auto-rollback 'With --watch: roll back to the previous code release on a failing verdict'
            cand --force 'Deploy despite a stop verdict, or when production already runs the commit'
            cand --steal-lock 'Deploy although another deploy holds the lock (only when that deploy is gone for good)'
            cand --json 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
            cand -q 'Print only the result and errors'
            cand --quiet 'Print only the result and errors'
            cand -v 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand --verbose 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand -y 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --yes 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --dry-run 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bpdeploy;watch'= {
            cand --release 'Release to watch: vN, N or a release id (default: the current release)'
            cand --build 'Follow a build (and the release it creates) before watching'
            cand --duration 'How long to watch, e.g. 7m, 90s; at most 24h (default: [watch] duration)'
            cand --interval 'How often to look, e.g. 15s (default: [watch] interval)'
            cand --config 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)'
            cand --app 'Heroku app name (overrides HEROKU_APP and [heroku] app)'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)'
            cand --auto-rollback 'On a failing verdict, roll back to the previous code release'
            cand --json 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
            cand -q 'Print only the result and errors'
            cand --quiet 'Print only the result and errors'
            cand -v 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand --verbose 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand -y 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --yes 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --dry-run 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bpdeploy;revert'= {
            cand --duration 'With --watch: how long to watch, e.g. 7m, 90s (default: [watch] duration)'
            cand --interval 'With --watch: how often to look, e.g. 15s (default: [watch] interval)'
            cand --sentry 'The Sentry issue behind the revert (id, short id or URL): linked in the PR body; with --watch, followed until its events stop'
            cand --config 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)'
            cand --app 'Heroku app name (overrides HEROKU_APP and [heroku] app)'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)'
            cand --merge 'Merge the revert PR once its checks pass ([github] merge_method)'
            cand --deploy 'Once merged, deploy the branch exactly as `bpdeploy deploy` does (implies --merge)'
            cand --watch 'Watch the deployed release as `bpdeploy watch` does (implies --deploy)'
            cand --undo-migrations 'Add a migration that undoes the PR''s reversible schema migrations (Rails `revert`)'
            cand --json 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
            cand -q 'Print only the result and errors'
            cand --quiet 'Print only the result and errors'
            cand -v 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand --verbose 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand -y 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --yes 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --dry-run 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bpdeploy;rollback'= {
            cand --duration 'With --watch: how long to watch, e.g. 7m, 90s (default: [watch] duration)'
            cand --interval 'With --watch: how often to look, e.g. 15s (default: [watch] interval)'
            cand --sentry 'With --watch: the Sentry issue to recover from (id, short id or URL); the verdict says whether its events stopped once the rollback release went live'
            cand --config 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)'
            cand --app 'Heroku app name (overrides HEROKU_APP and [heroku] app)'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)'
            cand --watch 'Watch the rollback release as `bpdeploy watch` does'
            cand --json 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
            cand -q 'Print only the result and errors'
            cand --quiet 'Print only the result and errors'
            cand -v 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand --verbose 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand -y 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --yes 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --dry-run 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bpdeploy;triage'= {
            cand --release 'Triage another Heroku release: vN, N or a release id (default: the current release)'
            cand --config 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)'
            cand --app 'Heroku app name (overrides HEROKU_APP and [heroku] app)'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)'
            cand --notify 'Post the summary in the deploy''s Slack thread, mentioning the suspects'' authors'
            cand --json 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
            cand -q 'Print only the result and errors'
            cand --quiet 'Print only the result and errors'
            cand -v 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand --verbose 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand -y 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --yes 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --dry-run 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bpdeploy;preflight'= {
            cand --from 'Start of the range (default: the commit of the app''s current Heroku release; offline: the local ref `heroku/<branch>` or `production` if present)'
            cand --to 'End of the range (default: origin/<branch>)'
            cand --config 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)'
            cand --app 'Heroku app name (overrides HEROKU_APP and [heroku] app)'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)'
            cand --offline 'Git only: no API calls and no credentials'
            cand --fetch 'Run `git fetch origin <branch>` first, with your own git credentials'
            cand --strict 'Exit 3 when the verdict is stop'
            cand -y 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --yes 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --dry-run 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
            cand --json 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
            cand -q 'Print only the result and errors'
            cand --quiet 'Print only the result and errors'
            cand -v 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand --verbose 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bpdeploy;releases'= {
            cand -n 'How many releases to show (1 or more)'
            cand --number 'How many releases to show (1 or more)'
            cand --config 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)'
            cand --app 'Heroku app name (overrides HEROKU_APP and [heroku] app)'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)'
            cand -y 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --yes 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --dry-run 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
            cand --json 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
            cand -q 'Print only the result and errors'
            cand --quiet 'Print only the result and errors'
            cand -v 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand --verbose 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bpdeploy;sandbox'= {
            cand --scenario 'The drill to set up'
            cand --port 'Port on 127.0.0.1 (default: any free port)'
            cand --repo-dir 'Where to create the scratch repository (default: a new temporary directory)'
            cand --env-file 'Write the shell lines to FILE instead of stdout: whole, once serving; removed on stop'
            cand --config 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)'
            cand --app 'Heroku app name (overrides HEROKU_APP and [heroku] app)'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)'
            cand -y 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --yes 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --dry-run 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
            cand --json 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
            cand -q 'Print only the result and errors'
            cand --quiet 'Print only the result and errors'
            cand -v 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand --verbose 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bpdeploy;demo'= {
            cand --scenario 'The drill to walk through'
            cand --config 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)'
            cand --app 'Heroku app name (overrides HEROKU_APP and [heroku] app)'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)'
            cand -y 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --yes 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --dry-run 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
            cand --json 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
            cand -q 'Print only the result and errors'
            cand --quiet 'Print only the result and errors'
            cand -v 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand --verbose 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bpdeploy;completions'= {
            cand --config 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)'
            cand --app 'Heroku app name (overrides HEROKU_APP and [heroku] app)'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)'
            cand -y 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --yes 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --dry-run 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
            cand --json 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
            cand -q 'Print only the result and errors'
            cand --quiet 'Print only the result and errors'
            cand -v 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand --verbose 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bpdeploy;man'= {
            cand --dir 'Write bpdeploy.1 and a page per command into this directory instead of printing'
            cand --config 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)'
            cand --app 'Heroku app name (overrides HEROKU_APP and [heroku] app)'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)'
            cand -y 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --yes 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --dry-run 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
            cand --json 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
            cand -q 'Print only the result and errors'
            cand --quiet 'Print only the result and errors'
            cand -v 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand --verbose 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bpdeploy;init'= {
            cand --config 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)'
            cand --app 'Heroku app name (overrides HEROKU_APP and [heroku] app)'
            cand --color 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)'
            cand --force 'Overwrite an existing bpdeploy.toml (with --dry-run: show what would replace it)'
            cand -y 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --yes 'Answer yes to confirmations (required by mutating commands without a TTY)'
            cand --dry-run 'Print the file init would write and write nothing'
            cand --json 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
            cand -q 'Print only the result and errors'
            cand --quiet 'Print only the result and errors'
            cand -v 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand --verbose 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bpdeploy;help'= {
            cand deploy 'Build the branch on Heroku, follow the build and the release phase, optionally watch'
            cand watch 'Watch a release after it goes live: Sentry, router and dyno errors, smoke pages, Slack; a verdict'
            cand revert 'Open (and optionally merge and deploy) a revert PR for a merged pull request'
            cand rollback 'Roll the Heroku app back to an earlier release (code and config; never the database)'
            cand triage 'Find the PR behind a Sentry issue and recommend: flag off, not the deploy, fix, revert or rollback'
            cand preflight 'What is about to ship: PRs, owners, migrations and their risks, CI, Sentry baseline, verdict'
            cand releases 'The Heroku Activity view: recent releases, their commits and status'
            cand sandbox 'Serve a local fake of Heroku, GitHub, Sentry and Slack to practise on'
            cand demo 'Walk the whole deploy routine against the built-in sandbox, narrated'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff), or write a page per command with --dir'
            cand init 'Write a commented bpdeploy.toml, detecting what it can from this repository'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bpdeploy;help;deploy'= {
        }
        &'bpdeploy;help;watch'= {
        }
        &'bpdeploy;help;revert'= {
        }
        &'bpdeploy;help;rollback'= {
        }
        &'bpdeploy;help;triage'= {
        }
        &'bpdeploy;help;preflight'= {
        }
        &'bpdeploy;help;releases'= {
        }
        &'bpdeploy;help;sandbox'= {
        }
        &'bpdeploy;help;demo'= {
        }
        &'bpdeploy;help;completions'= {
        }
        &'bpdeploy;help;man'= {
        }
        &'bpdeploy;help;init'= {
        }
        &'bpdeploy;help;help'= {
        }
    ]
    $completions[$command]
}
