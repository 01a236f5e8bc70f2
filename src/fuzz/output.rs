//! Build and release output: however the stream's bytes are chunked, the same lines come out;
//! a migration line is recognised exactly when Rails would print it; the tail and the status
//! line take any text without panicking or spilling onto a second line.
use super::{fuzz, text_from};
use crate::api::stream::{Framing, MAX_LINE};
use crate::deploy::build_progress::{status_line, OutputTail};
use crate::deploy::migrations::{parse_line, MigrationProgress, MigrationState, PhaseEnd};
use std::time::Duration;

const OUTPUT: &[&str] = &[
    "-----> Building on the Heroku-24 stack\n",
    "remote: ",
    "\r\n",
    "\n",
    "\r",
    "data: ",
    "data:",
    "id: 7\n",
    "event: output\n",
    ": comment\n",
    "== 20250101000001 AddX: migrating =======\n",
    "== 20250101000001 AddX: migrated (0.0123s) ====\n",
    "-- add_column(:users, :x)\n",
    "   -> 0.0123s\n",
    "rake aborted!\n",
    "\u{1b}[1m",
    "é",
    "\u{0}",
    "\u{fffd}",
];

#[test]
fn stream_lines_do_not_depend_on_chunking() {
    fuzz(|u| {
        let text = text_from(u, OUTPUT, 30)?;
        let bytes = text.as_bytes();
        let sse = u.arbitrary()?;
        let whole = {
            let mut f = Framing::new(sse);
            let mut lines = f.push(bytes);
            lines.extend(f.finish());
            lines
        };
        let mut f = Framing::new(sse);
        let mut chunked = vec![];
        let mut rest = bytes;
        while !rest.is_empty() {
            let cut = u.int_in_range(1..=rest.len())?;
            chunked.extend(f.push(&rest[..cut]));
            rest = &rest[cut..];
        }
        chunked.extend(f.finish());
        assert_eq!(whole, chunked, "{text:?}");
        assert!(whole.iter().all(|l| !l.contains('\n') && l.len() <= MAX_LINE * 3), "{whole:?}");
        if !sse && !text.is_empty() {
            let expected: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
            let expected = if text.ends_with('\n') { &expected[..expected.len() - 1] } else { &expected[..] };
            assert_eq!(whole, expected, "plain text: one line per newline");
        }
        Ok(())
    });
}

#[test]
fn migration_lines() {
    fuzz(|u| {
        let version: u64 = u.arbitrary()?;
        let name = u.choose(&["AddX", "Backfill_Orders", "A::B", "addX", "Add X", "", "Add\u{1b}X"])?;
        let state = u.choose(&["migrating", "migrated (0.0123s)", "reverting", "migrating later"])?;
        let pad = "=".repeat(u.int_in_range(0..=80)?);
        let line = format!("== {version} {name}: {state} {pad}");
        let is_constant = name.starts_with(|c: char| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
        let wants = is_constant && (state.starts_with("migrating") || state.starts_with("migrated"));
        let parsed = parse_line(&line);
        assert_eq!(parsed.is_some(), wants, "{line:?}");
        if let Some(p) = parsed {
            assert_eq!((p.version, p.name.as_str()), (version.to_string(), *name));
            assert_eq!(p.state == MigrationState::Migrated, state.starts_with("migrated"));
        }
        let mut progress = MigrationProgress::new(vec![]);
        for other in text_from(u, OUTPUT, 20)?.lines() {
            let _ = progress.observe(other);
        }
        for end in [PhaseEnd::Succeeded, PhaseEnd::Failed, PhaseEnd::Unknown] {
            let _ = progress.report(end);
        }
        Ok(())
    });
}

#[test]
fn tail_and_status_line() {
    fuzz(|u| {
        let mut tail = OutputTail::new(u.int_in_range(1..=5)?);
        for line in text_from(u, OUTPUT, 20)?.split('\n') {
            tail.push(line);
        }
        let status = status_line("building", Duration::from_secs(u.arbitrary::<u32>()?.into()), None, tail.last());
        assert!(!status.contains('\n') && !status.contains('\u{1b}'), "{status:?}");
        Ok(())
    });
}
