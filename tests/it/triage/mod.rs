//! `bpdeploy triage`: blame through merge, squash and rebase-merged PRs on git fixtures, the
//! Slack side of `--notify` and the release's new issues against wiremock, and the drills
//! through the binary.
mod blame;
mod drills;
mod new_issues;
mod notify;
