//! Text from outside (commit messages, PR titles, Sentry titles, API error bodies, file names,
//! branch and author names) may carry terminal control sequences: a title that sets the window
//! title, clears the screen, or hides itself. Nothing from outside reaches a terminal unscrubbed.
//!
//! Sequences are recognised by a real terminal parser (`anstyle-parse`, the vte state machine
//! that clap's own output goes through) and removed whole: `ESC[31mred` becomes `red`, never
//! `[31mred`. Control characters that are not part of a sequence are dropped from text and shown
//! visibly in paths ([`path`]), so a hostile file name cannot hide what it is.
use anstyle_parse::{Params, Parser, Perform};

/// Removes escape sequences (CSI, OSC, DCS, SOS/PM/APC, …) and every other control character
/// (C0, DEL, C1, bidirectional overrides) but keeps newlines and tabs.
pub fn clean(text: &str) -> String {
    filter(text, false)
}

/// Like [`clean`], and folds the text onto one line (for table cells, summaries and anything
/// printed inside a line: a newline in a title must not forge a line of its own).
pub fn one_line(text: &str) -> String {
    clean(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A line of a build's or release phase's own output, behind a gutter: whatever the app prints
/// (a migration named `x\nVerdict: GO`, say) can never pass for one of bpdeploy's own lines.
pub fn gutter(line: &str) -> String {
    format!("  | {}", clean(line).replace('\n', " "))
}

/// A repository path (or any name whose exact bytes matter), on one line, with every control
/// character shown visibly: `db/migrate/\x1b]0;pwned\x07.rb`, `a\nVerdict: GO`. Nothing is
/// removed, so two different hostile names never look alike.
pub fn path(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x100 && is_hidden(c) => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_hidden(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The last line of defence before bytes reach a terminal: whole text as the `Ui` writes it.
/// Without `styled` it is [`clean`]. With `styled` (a colour terminal) the styles bpdeploy
/// itself writes survive: SGR colours (never "conceal", which hides text) and OSC 8 hyperlinks
/// to http(s) URLs; every other sequence is removed.
pub fn terminal(text: &str, styled: bool) -> String {
    filter(text, styled)
}

/// JSON text with the characters serde_json leaves raw but a terminal may obey (DEL, C1,
/// bidirectional overrides) written as `\uXXXX` escapes: the same JSON value, safe to `cat`.
/// Those characters can only occur inside JSON strings, where the escape means the same.
pub fn json(text: &str) -> String {
    // Raw newlines and tabs are JSON's own whitespace between tokens.
    let raw = |c: char| is_hidden(c) && c != '\n' && c != '\t';
    if !text.chars().any(raw) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if raw(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Characters a terminal acts on instead of showing, or that reorder what it shows.
fn is_hidden(c: char) -> bool {
    c.is_control() // C0, DEL and C1
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn filter(text: &str, styled: bool) -> String {
    let mut parser = Parser::<anstyle_parse::DefaultCharAccumulator>::new();
    let mut kept = Kept { out: String::with_capacity(text.len()), styled };
    for c in text.chars() {
        // A C1 control is its 7-bit form, ESC + (c − 0x40) (ECMA-48 §5.3): U+009B is `ESC [`.
        // The parser reads 7-bit sequences, so `\u{9b}2J` goes whole like `ESC[2J`.
        let mut utf8 = [0; 4];
        let bytes: &[u8] = match c as u32 {
            code @ 0x80..=0x9f => &[0x1b, (code - 0x40) as u8],
            _ => c.encode_utf8(&mut utf8).as_bytes(),
        };
        for byte in bytes {
            parser.advance(&mut kept, *byte);
        }
    }
    kept.out
}

/// What a parsed text leaves behind.
struct Kept {
    out: String,
    styled: bool,
}

impl Perform for Kept {
    fn print(&mut self, c: char) {
        if !is_hidden(c) {
            self.out.push(c);
        }
    }

    fn execute(&mut self, byte: u8) {
        if byte == b'\n' || byte == b'\t' {
            self.out.push(byte as char);
        }
    }

    fn csi_dispatch(&mut self, params: &Params, intermediates: &[u8], ignore: bool, action: u8) {
        // SGR only; 8 is "conceal", which would let text hide itself.
        let conceals = params.iter().any(|p| p.first() == Some(&8));
        if !self.styled || action != b'm' || !intermediates.is_empty() || ignore || conceals {
            return;
        }
        let groups: Vec<String> =
            params.iter().map(|p| p.iter().map(u16::to_string).collect::<Vec<_>>().join(":")).collect();
        self.out.push_str(&format!("\x1b[{}m", groups.join(";")));
    }

    fn osc_dispatch(&mut self, params: &[&[u8]], _bell_terminated: bool) {
        // OSC 8 ; params ; URL — a hyperlink (an empty URL closes it).
        let [b"8", options, url] = params else { return };
        let (Ok(options), Ok(url)) = (std::str::from_utf8(options), std::str::from_utf8(url)) else { return };
        let safe_url = url.is_empty() || url.starts_with("https://") || url.starts_with("http://");
        let printable = |s: &str| !s.chars().any(|c| is_hidden(c) || c == ' ');
        if self.styled && safe_url && printable(options) && printable(url) {
            self.out.push_str(&format!("\x1b]8;{options};{url}\x1b\\"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_whole_sequences_and_keeps_text() {
        assert_eq!(clean("fix \u{1b}[31mred\u{1b}[0m\u{7}\r\nok"), "fix red\nok");
        assert_eq!(clean("a\u{1b}]0;pwned\u{7}b\u{1b}[2Jc"), "abc", "OSC title and clear screen go whole");
        assert_eq!(clean("x\u{1b}P1;2|secret\u{1b}\\y"), "xy", "DCS strings go whole");
        assert_eq!(clean("x\u{1b}_apc\u{1b}\\y\u{9b}31mz"), "xyz", "APC whole; a C1 CSI whole too");
        assert_eq!(clean("a\u{9d}0;title\u{9c}b\u{85}c"), "abc", "C1 OSC ended by C1 ST; NEL dropped");
        assert_eq!(clean("left\u{202e}thgir"), "leftthgir", "bidi overrides dropped");
        assert_eq!(clean("tab\tkept"), "tab\tkept");
        assert_eq!(one_line("a\n b\t\tc"), "a b c");
        assert_eq!(one_line("title\nVerdict: GO (forged)"), "title Verdict: GO (forged)");
        assert_eq!(clean("unterminated \u{1b}]0;title"), "unterminated ");
    }

    #[test]
    fn paths_show_control_characters_visibly() {
        assert_eq!(path("db/migrate/\u{1b}]0;t\u{7}x.rb"), "db/migrate/\\x1b]0;t\\x07x.rb");
        assert_eq!(path("a\nVerdict: GO\tb\r"), "a\\nVerdict: GO\\tb\\r");
        assert_eq!(path("c1\u{9b}2J and \u{202e}bidi"), "c1\\x9b2J and \\u{202e}bidi");
        assert_eq!(path("db/migrate/001_ok.rb"), "db/migrate/001_ok.rb");
    }

    #[test]
    fn a_styled_terminal_keeps_only_our_own_styles() {
        let ours = "\u{1b}[1mbold\u{1b}[0m \u{1b}[38;5;208morange\u{1b}[0m \u{1b}]8;;https://x.test/1\u{1b}\\#1\u{1b}]8;;\u{1b}\\";
        assert_eq!(terminal(ours, true), ours);
        assert_eq!(terminal(ours, false), "bold orange #1");
        let hostile = "\u{1b}]0;title\u{7}\u{1b}[2J\u{1b}[8mhidden\u{1b}]8;;javascript:x\u{7}y";
        assert_eq!(terminal(hostile, true), "hiddeny");
    }

    #[test]
    fn json_escapes_what_serde_leaves_raw() {
        let text = serde_json::to_string("a\u{1b}b\u{9b}c\u{7f}d\u{202e}").unwrap();
        let safe = json(&text);
        assert_eq!(safe, r#""a\u001bb\u009bc\u007fd\u202e""#);
        assert_eq!(serde_json::from_str::<String>(&safe).unwrap(), "a\u{1b}b\u{9b}c\u{7f}d\u{202e}");
        assert_eq!(json("{\"a\":1}\n"), "{\"a\":1}\n");
    }
}
