# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_bpdeploy_global_optspecs
    string join \n config= app= json q/quiet v/verbose color= y/yes dry-run h/help V/version
end

function __fish_bpdeploy_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_bpdeploy_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_bpdeploy_using_subcommand
    set -l cmd (__fish_bpdeploy_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -l config -d 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)' -r -F
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -l app -d 'Heroku app name (overrides HEROKU_APP and [heroku] app)' -r
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -l json -d 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -s q -l quiet -d 'Print only the result and errors'
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -s v -l verbose -d 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -s y -l yes -d 'Answer yes to confirmations (required by mutating commands without a TTY)'
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -l dry-run -d 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -s V -l version -d 'Print version'
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -f -a "deploy" -d 'Build the branch on Heroku, follow the build and the release phase, optionally watch'
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -f -a "watch" -d 'Watch a release after it goes live: Sentry, router and dyno errors, smoke pages, Slack; a verdict'
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -f -a "revert" -d 'Open (and optionally merge and deploy) a revert PR for a merged pull request'
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -f -a "rollback" -d 'Roll the Heroku app back to an earlier release (code and config; never the database)'
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -f -a "triage" -d 'Find the PR behind a Sentry issue and recommend: flag off, not the deploy, fix, revert or rollback'
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -f -a "preflight" -d 'What is about to ship: PRs, owners, migrations and their risks, CI, Sentry baseline, verdict'
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -f -a "releases" -d 'The Heroku Activity view: recent releases, their commits and status'
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -f -a "sandbox" -d 'Serve a local fake of Heroku, GitHub, Sentry and Slack to practise on'
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -f -a "demo" -d 'Walk the whole deploy routine against the built-in sandbox, narrated'
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -f -a "man" -d 'Print the man page (roff), or write a page per command with --dir'
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -f -a "init" -d 'Write a commented bpdeploy.toml, detecting what it can from this repository'
complete -c bpdeploy -n "__fish_bpdeploy_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand deploy" -l branch -d 'Branch to deploy (default: [github] branch)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand deploy" -l duration -d 'With --watch: how long to watch, e.g. 7m, 90s (default: [watch] duration)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand deploy" -l interval -d 'With --watch: how often to look, e.g. 15s (default: [watch] interval)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand deploy" -l config -d 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)' -r -F
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand deploy" -l app -d 'Heroku app name (overrides HEROKU_APP and [heroku] app)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand deploy" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand deploy" -l watch -d 'Watch the release after it goes live (see `bpdeploy watch`)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand deploy" -l auto-rollback -d 'With --watch: roll back to the previous code release on a failing verdict'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand deploy" -l force -d 'Deploy despite a stop verdict, or when production already runs the commit'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand deploy" -l steal-lock -d 'Deploy although another deploy holds the lock (only when that deploy is gone for good)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand deploy" -l json -d 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand deploy" -s q -l quiet -d 'Print only the result and errors'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand deploy" -s v -l verbose -d 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand deploy" -s y -l yes -d 'Answer yes to confirmations (required by mutating commands without a TTY)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand deploy" -l dry-run -d 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand deploy" -s h -l help -d 'Print help'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand deploy" -s V -l version -d 'Print version'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand watch" -l release -d 'Release to watch: vN, N or a release id (default: the current release)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand watch" -l build -d 'Follow a build (and the release it creates) before watching' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand watch" -l duration -d 'How long to watch, e.g. 7m, 90s; at most 24h (default: [watch] duration)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand watch" -l interval -d 'How often to look, e.g. 15s (default: [watch] interval)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand watch" -l config -d 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)' -r -F
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand watch" -l app -d 'Heroku app name (overrides HEROKU_APP and [heroku] app)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand watch" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand watch" -l auto-rollback -d 'On a failing verdict, roll back to the previous code release'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand watch" -l json -d 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand watch" -s q -l quiet -d 'Print only the result and errors'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand watch" -s v -l verbose -d 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand watch" -s y -l yes -d 'Answer yes to confirmations (required by mutating commands without a TTY)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand watch" -l dry-run -d 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand watch" -s h -l help -d 'Print help'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand watch" -s V -l version -d 'Print version'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand revert" -l duration -d 'With --watch: how long to watch, e.g. 7m, 90s (default: [watch] duration)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand revert" -l interval -d 'With --watch: how often to look, e.g. 15s (default: [watch] interval)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand revert" -l sentry -d 'The Sentry issue behind the revert (id, short id or URL): linked in the PR body; with --watch, followed until its events stop' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand revert" -l config -d 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)' -r -F
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand revert" -l app -d 'Heroku app name (overrides HEROKU_APP and [heroku] app)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand revert" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand revert" -l merge -d 'Merge the revert PR once its checks pass ([github] merge_method)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand revert" -l deploy -d 'Once merged, deploy the branch exactly as `bpdeploy deploy` does (implies --merge)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand revert" -l watch -d 'Watch the deployed release as `bpdeploy watch` does (implies --deploy)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand revert" -l undo-migrations -d 'Add a migration that undoes the PR\'s reversible schema migrations (Rails `revert`)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand revert" -l json -d 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand revert" -s q -l quiet -d 'Print only the result and errors'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand revert" -s v -l verbose -d 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand revert" -s y -l yes -d 'Answer yes to confirmations (required by mutating commands without a TTY)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand revert" -l dry-run -d 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand revert" -s h -l help -d 'Print help'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand revert" -s V -l version -d 'Print version'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand rollback" -l duration -d 'With --watch: how long to watch, e.g. 7m, 90s (default: [watch] duration)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand rollback" -l interval -d 'With --watch: how often to look, e.g. 15s (default: [watch] interval)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand rollback" -l sentry -d 'With --watch: the Sentry issue to recover from (id, short id or URL); the verdict says whether its events stopped once the rollback release went live' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand rollback" -l config -d 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)' -r -F
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand rollback" -l app -d 'Heroku app name (overrides HEROKU_APP and [heroku] app)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand rollback" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand rollback" -l watch -d 'Watch the rollback release as `bpdeploy watch` does'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand rollback" -l json -d 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand rollback" -s q -l quiet -d 'Print only the result and errors'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand rollback" -s v -l verbose -d 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand rollback" -s y -l yes -d 'Answer yes to confirmations (required by mutating commands without a TTY)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand rollback" -l dry-run -d 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand rollback" -s h -l help -d 'Print help'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand rollback" -s V -l version -d 'Print version'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand triage" -l release -d 'Triage another Heroku release: vN, N or a release id (default: the current release)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand triage" -l config -d 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)' -r -F
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand triage" -l app -d 'Heroku app name (overrides HEROKU_APP and [heroku] app)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand triage" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand triage" -l notify -d 'Post the summary in the deploy\'s Slack thread, mentioning the suspects\' authors'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand triage" -l json -d 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand triage" -s q -l quiet -d 'Print only the result and errors'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand triage" -s v -l verbose -d 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand triage" -s y -l yes -d 'Answer yes to confirmations (required by mutating commands without a TTY)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand triage" -l dry-run -d 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand triage" -s h -l help -d 'Print help'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand triage" -s V -l version -d 'Print version'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand preflight" -l from -d 'Start of the range (default: the commit of the app\'s current Heroku release; offline: the local ref `heroku/<branch>` or `production` if present)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand preflight" -l to -d 'End of the range (default: origin/<branch>)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand preflight" -l config -d 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)' -r -F
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand preflight" -l app -d 'Heroku app name (overrides HEROKU_APP and [heroku] app)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand preflight" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand preflight" -l offline -d 'Git only: no API calls and no credentials'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand preflight" -l fetch -d 'Run `git fetch origin <branch>` first, with your own git credentials'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand preflight" -l strict -d 'Exit 3 when the verdict is stop'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand preflight" -s y -l yes -d 'Answer yes to confirmations (required by mutating commands without a TTY)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand preflight" -l dry-run -d 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand preflight" -l json -d 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand preflight" -s q -l quiet -d 'Print only the result and errors'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand preflight" -s v -l verbose -d 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand preflight" -s h -l help -d 'Print help'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand preflight" -s V -l version -d 'Print version'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand releases" -s n -l number -d 'How many releases to show (1 or more)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand releases" -l config -d 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)' -r -F
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand releases" -l app -d 'Heroku app name (overrides HEROKU_APP and [heroku] app)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand releases" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand releases" -s y -l yes -d 'Answer yes to confirmations (required by mutating commands without a TTY)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand releases" -l dry-run -d 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand releases" -l json -d 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand releases" -s q -l quiet -d 'Print only the result and errors'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand releases" -s v -l verbose -d 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand releases" -s h -l help -d 'Print help'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand releases" -s V -l version -d 'Print version'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand sandbox" -l scenario -d 'The drill to set up' -r -f -a "happy\t''
build-fails\t''
release-fails\t''
error-spike\t''
revert-conflict\t''
experiment\t''
data-issue\t''
flaky-api\t''
slow-stream\t''
app-timeouts\t''
transient\t''
remove-column\t''
two-prs\t''"
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand sandbox" -l port -d 'Port on 127.0.0.1 (default: any free port)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand sandbox" -l repo-dir -d 'Where to create the scratch repository (default: a new temporary directory)' -r -F
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand sandbox" -l env-file -d 'Write the shell lines to FILE instead of stdout: whole, once serving; removed on stop' -r -F
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand sandbox" -l config -d 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)' -r -F
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand sandbox" -l app -d 'Heroku app name (overrides HEROKU_APP and [heroku] app)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand sandbox" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand sandbox" -s y -l yes -d 'Answer yes to confirmations (required by mutating commands without a TTY)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand sandbox" -l dry-run -d 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand sandbox" -l json -d 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand sandbox" -s q -l quiet -d 'Print only the result and errors'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand sandbox" -s v -l verbose -d 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand sandbox" -s h -l help -d 'Print help'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand sandbox" -s V -l version -d 'Print version'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand demo" -l scenario -d 'The drill to walk through' -r -f -a "happy\t''
build-fails\t''
release-fails\t''
error-spike\t''
revert-conflict\t''
experiment\t''
data-issue\t''
flaky-api\t''
slow-stream\t''
app-timeouts\t''
transient\t''
remove-column\t''
two-prs\t''"
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand demo" -l config -d 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)' -r -F
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand demo" -l app -d 'Heroku app name (overrides HEROKU_APP and [heroku] app)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand demo" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand demo" -s y -l yes -d 'Answer yes to confirmations (required by mutating commands without a TTY)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand demo" -l dry-run -d 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand demo" -l json -d 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand demo" -s q -l quiet -d 'Print only the result and errors'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand demo" -s v -l verbose -d 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand demo" -s h -l help -d 'Print help'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand demo" -s V -l version -d 'Print version'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand completions" -l config -d 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)' -r -F
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand completions" -l app -d 'Heroku app name (overrides HEROKU_APP and [heroku] app)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand completions" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand completions" -s y -l yes -d 'Answer yes to confirmations (required by mutating commands without a TTY)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand completions" -l dry-run -d 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand completions" -l json -d 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand completions" -s q -l quiet -d 'Print only the result and errors'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand completions" -s v -l verbose -d 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand completions" -s h -l help -d 'Print help'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand completions" -s V -l version -d 'Print version'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand man" -l dir -d 'Write bpdeploy.1 and a page per command into this directory instead of printing' -r -F
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand man" -l config -d 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)' -r -F
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand man" -l app -d 'Heroku app name (overrides HEROKU_APP and [heroku] app)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand man" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand man" -s y -l yes -d 'Answer yes to confirmations (required by mutating commands without a TTY)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand man" -l dry-run -d 'Run every check, print each change a mutating command would make, make none (exit as the real run would)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand man" -l json -d 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand man" -s q -l quiet -d 'Print only the result and errors'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand man" -s v -l verbose -d 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand man" -s h -l help -d 'Print help'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand man" -s V -l version -d 'Print version'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand init" -l config -d 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)' -r -F
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand init" -l app -d 'Heroku app name (overrides HEROKU_APP and [heroku] app)' -r
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand init" -l color -d 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand init" -l force -d 'Overwrite an existing bpdeploy.toml (with --dry-run: show what would replace it)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand init" -s y -l yes -d 'Answer yes to confirmations (required by mutating commands without a TTY)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand init" -l dry-run -d 'Print the file init would write and write nothing'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand init" -l json -d 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand init" -s q -l quiet -d 'Print only the result and errors'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand init" -s v -l verbose -d 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand init" -s h -l help -d 'Print help'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand init" -s V -l version -d 'Print version'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand help; and not __fish_seen_subcommand_from deploy watch revert rollback triage preflight releases sandbox demo completions man init help" -f -a "deploy" -d 'Build the branch on Heroku, follow the build and the release phase, optionally watch'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand help; and not __fish_seen_subcommand_from deploy watch revert rollback triage preflight releases sandbox demo completions man init help" -f -a "watch" -d 'Watch a release after it goes live: Sentry, router and dyno errors, smoke pages, Slack; a verdict'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand help; and not __fish_seen_subcommand_from deploy watch revert rollback triage preflight releases sandbox demo completions man init help" -f -a "revert" -d 'Open (and optionally merge and deploy) a revert PR for a merged pull request'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand help; and not __fish_seen_subcommand_from deploy watch revert rollback triage preflight releases sandbox demo completions man init help" -f -a "rollback" -d 'Roll the Heroku app back to an earlier release (code and config; never the database)'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand help; and not __fish_seen_subcommand_from deploy watch revert rollback triage preflight releases sandbox demo completions man init help" -f -a "triage" -d 'Find the PR behind a Sentry issue and recommend: flag off, not the deploy, fix, revert or rollback'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand help; and not __fish_seen_subcommand_from deploy watch revert rollback triage preflight releases sandbox demo completions man init help" -f -a "preflight" -d 'What is about to ship: PRs, owners, migrations and their risks, CI, Sentry baseline, verdict'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand help; and not __fish_seen_subcommand_from deploy watch revert rollback triage preflight releases sandbox demo completions man init help" -f -a "releases" -d 'The Heroku Activity view: recent releases, their commits and status'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand help; and not __fish_seen_subcommand_from deploy watch revert rollback triage preflight releases sandbox demo completions man init help" -f -a "sandbox" -d 'Serve a local fake of Heroku, GitHub, Sentry and Slack to practise on'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand help; and not __fish_seen_subcommand_from deploy watch revert rollback triage preflight releases sandbox demo completions man init help" -f -a "demo" -d 'Walk the whole deploy routine against the built-in sandbox, narrated'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand help; and not __fish_seen_subcommand_from deploy watch revert rollback triage preflight releases sandbox demo completions man init help" -f -a "completions" -d 'Print a shell completion script'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand help; and not __fish_seen_subcommand_from deploy watch revert rollback triage preflight releases sandbox demo completions man init help" -f -a "man" -d 'Print the man page (roff), or write a page per command with --dir'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand help; and not __fish_seen_subcommand_from deploy watch revert rollback triage preflight releases sandbox demo completions man init help" -f -a "init" -d 'Write a commented bpdeploy.toml, detecting what it can from this repository'
complete -c bpdeploy -n "__fish_bpdeploy_using_subcommand help; and not __fish_seen_subcommand_from deploy watch revert rollback triage preflight releases sandbox demo completions man init help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
