
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'bpdeploy' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'bpdeploy'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'bpdeploy' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'Heroku app name (overrides HEROKU_APP and [heroku] app)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Run every check, print each change a mutating command would make, make none (exit as the real run would)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Build the branch on Heroku, follow the build and the release phase, optionally watch')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Watch a release after it goes live: Sentry, router and dyno errors, smoke pages, Slack; a verdict')
            [CompletionResult]::new('revert', 'revert', [CompletionResultType]::ParameterValue, 'Open (and optionally merge and deploy) a revert PR for a merged pull request')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Roll the Heroku app back to an earlier release (code and config; never the database)')
            [CompletionResult]::new('triage', 'triage', [CompletionResultType]::ParameterValue, 'Find the PR behind a Sentry issue and recommend: flag off, not the deploy, fix, revert or rollback')
            [CompletionResult]::new('preflight', 'preflight', [CompletionResultType]::ParameterValue, 'What is about to ship: PRs, owners, migrations and their risks, CI, Sentry baseline, verdict')
            [CompletionResult]::new('releases', 'releases', [CompletionResultType]::ParameterValue, 'The Heroku Activity view: recent releases, their commits and status')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Serve a local fake of Heroku, GitHub, Sentry and Slack to practise on')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Walk the whole deploy routine against the built-in sandbox, narrated')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff), or write a page per command with --dir')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented bpdeploy.toml, detecting what it can from this repository')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bpdeploy;deploy' {
            [CompletionResult]::new('--branch', '--branch', [CompletionResultType]::ParameterName, 'Branch to deploy (default: [github] branch)')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'With --watch: how long to watch, e.g. 7m, 90s (default: [watch] duration)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'With --watch: how often to look, e.g. 15s (default: [watch] interval)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'Heroku app name (overrides HEROKU_APP and [heroku] app)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Watch the release after it goes live (see `bpdeploy watch`)')
            [CompletionResult]::new('--auto-rollback', '--auto-rollback', [CompletionResultType]::ParameterName, 'With --watch: roll back to the previous code release on a failing verdict')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Deploy despite a stop verdict, or when production already runs the commit')
            [CompletionResult]::new('--steal-lock', '--steal-lock', [CompletionResultType]::ParameterName, 'Deploy although another deploy holds the lock (only when that deploy is gone for good)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Run every check, print each change a mutating command would make, make none (exit as the real run would)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bpdeploy;watch' {
            [CompletionResult]::new('--release', '--release', [CompletionResultType]::ParameterName, 'Release to watch: vN, N or a release id (default: the current release)')
            [CompletionResult]::new('--build', '--build', [CompletionResultType]::ParameterName, 'Follow a build (and the release it creates) before watching')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'How long to watch, e.g. 7m, 90s; at most 24h (default: [watch] duration)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'How often to look, e.g. 15s (default: [watch] interval)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'Heroku app name (overrides HEROKU_APP and [heroku] app)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)')
            [CompletionResult]::new('--auto-rollback', '--auto-rollback', [CompletionResultType]::ParameterName, 'On a failing verdict, roll back to the previous code release')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Run every check, print each change a mutating command would make, make none (exit as the real run would)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bpdeploy;revert' {
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'With --watch: how long to watch, e.g. 7m, 90s (default: [watch] duration)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'With --watch: how often to look, e.g. 15s (default: [watch] interval)')
            [CompletionResult]::new('--sentry', '--sentry', [CompletionResultType]::ParameterName, 'The Sentry issue behind the revert (id, short id or URL): linked in the PR body; with --watch, followed until its events stop')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'Heroku app name (overrides HEROKU_APP and [heroku] app)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)')
            [CompletionResult]::new('--merge', '--merge', [CompletionResultType]::ParameterName, 'Merge the revert PR once its checks pass ([github] merge_method)')
            [CompletionResult]::new('--deploy', '--deploy', [CompletionResultType]::ParameterName, 'Once merged, deploy the branch exactly as `bpdeploy deploy` does (implies --merge)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Watch the deployed release as `bpdeploy watch` does (implies --deploy)')
            [CompletionResult]::new('--undo-migrations', '--undo-migrations', [CompletionResultType]::ParameterName, 'Add a migration that undoes the PR''s reversible schema migrations (Rails `revert`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Run every check, print each change a mutating command would make, make none (exit as the real run would)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bpdeploy;rollback' {
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'With --watch: how long to watch, e.g. 7m, 90s (default: [watch] duration)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'With --watch: how often to look, e.g. 15s (default: [watch] interval)')
            [CompletionResult]::new('--sentry', '--sentry', [CompletionResultType]::ParameterName, 'With --watch: the Sentry issue to recover from (id, short id or URL); the verdict says whether its events stopped once the rollback release went live')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'Heroku app name (overrides HEROKU_APP and [heroku] app)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Watch the rollback release as `bpdeploy watch` does')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Run every check, print each change a mutating command would make, make none (exit as the real run would)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bpdeploy;triage' {
            [CompletionResult]::new('--release', '--release', [CompletionResultType]::ParameterName, 'Triage another Heroku release: vN, N or a release id (default: the current release)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'Heroku app name (overrides HEROKU_APP and [heroku] app)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)')
            [CompletionResult]::new('--notify', '--notify', [CompletionResultType]::ParameterName, 'Post the summary in the deploy''s Slack thread, mentioning the suspects'' authors')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Run every check, print each change a mutating command would make, make none (exit as the real run would)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bpdeploy;preflight' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Start of the range (default: the commit of the app''s current Heroku release; offline: the local ref `heroku/<branch>` or `production` if present)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'End of the range (default: origin/<branch>)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'Heroku app name (overrides HEROKU_APP and [heroku] app)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Git only: no API calls and no credentials')
            [CompletionResult]::new('--fetch', '--fetch', [CompletionResultType]::ParameterName, 'Run `git fetch origin <branch>` first, with your own git credentials')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 3 when the verdict is stop')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Run every check, print each change a mutating command would make, make none (exit as the real run would)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bpdeploy;releases' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'How many releases to show (1 or more)')
            [CompletionResult]::new('--number', '--number', [CompletionResultType]::ParameterName, 'How many releases to show (1 or more)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'Heroku app name (overrides HEROKU_APP and [heroku] app)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Run every check, print each change a mutating command would make, make none (exit as the real run would)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bpdeploy;sandbox' {
            [CompletionResult]::new('--scenario', '--scenario', [CompletionResultType]::ParameterName, 'The drill to set up')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port on 127.0.0.1 (default: any free port)')
            [CompletionResult]::new('--repo-dir', '--repo-dir', [CompletionResultType]::ParameterName, 'Where to create the scratch repository (default: a new temporary directory)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Write the shell lines to FILE instead of stdout: whole, once serving; removed on stop')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'Heroku app name (overrides HEROKU_APP and [heroku] app)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Run every check, print each change a mutating command would make, make none (exit as the real run would)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bpdeploy;demo' {
            [CompletionResult]::new('--scenario', '--scenario', [CompletionResultType]::ParameterName, 'The drill to walk through')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'Heroku app name (overrides HEROKU_APP and [heroku] app)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Run every check, print each change a mutating command would make, make none (exit as the real run would)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bpdeploy;completions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'Heroku app name (overrides HEROKU_APP and [heroku] app)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Run every check, print each change a mutating command would make, make none (exit as the real run would)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bpdeploy;man' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write bpdeploy.1 and a page per command into this directory instead of printing')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'Heroku app name (overrides HEROKU_APP and [heroku] app)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Run every check, print each change a mutating command would make, make none (exit as the real run would)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bpdeploy;init' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'Heroku app name (overrides HEROKU_APP and [heroku] app)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing bpdeploy.toml (with --dry-run: show what would replace it)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required by mutating commands without a TTY)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the file init would write and write nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bpdeploy;help' {
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Build the branch on Heroku, follow the build and the release phase, optionally watch')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Watch a release after it goes live: Sentry, router and dyno errors, smoke pages, Slack; a verdict')
            [CompletionResult]::new('revert', 'revert', [CompletionResultType]::ParameterValue, 'Open (and optionally merge and deploy) a revert PR for a merged pull request')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Roll the Heroku app back to an earlier release (code and config; never the database)')
            [CompletionResult]::new('triage', 'triage', [CompletionResultType]::ParameterValue, 'Find the PR behind a Sentry issue and recommend: flag off, not the deploy, fix, revert or rollback')
            [CompletionResult]::new('preflight', 'preflight', [CompletionResultType]::ParameterValue, 'What is about to ship: PRs, owners, migrations and their risks, CI, Sentry baseline, verdict')
            [CompletionResult]::new('releases', 'releases', [CompletionResultType]::ParameterValue, 'The Heroku Activity view: recent releases, their commits and status')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Serve a local fake of Heroku, GitHub, Sentry and Slack to practise on')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Walk the whole deploy routine against the built-in sandbox, narrated')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff), or write a page per command with --dir')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented bpdeploy.toml, detecting what it can from this repository')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bpdeploy;help;deploy' {
            break
        }
        'bpdeploy;help;watch' {
            break
        }
        'bpdeploy;help;revert' {
            break
        }
        'bpdeploy;help;rollback' {
            break
        }
        'bpdeploy;help;triage' {
            break
        }
        'bpdeploy;help;preflight' {
            break
        }
        'bpdeploy;help;releases' {
            break
        }
        'bpdeploy;help;sandbox' {
            break
        }
        'bpdeploy;help;demo' {
            break
        }
        'bpdeploy;help;completions' {
            break
        }
        'bpdeploy;help;man' {
            break
        }
        'bpdeploy;help;init' {
            break
        }
        'bpdeploy;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
