//! The result of a command: its `--json` form, its human form, and its exit code.
use crate::exit::Exit;
use crate::ui::Ui;

/// Implemented by every command's outcome. The JSON form is the stable contract (README).
pub trait Outcome {
    fn to_json(&self) -> serde_json::Value;
    /// Human text for stdout (already scrubbed of control characters where it quotes outside text).
    fn human(&self, ui: &Ui) -> String;
    fn exit(&self) -> Exit {
        Exit::Success
    }
    /// Deploy and watch stream NDJSON events; their result is the last line, `"type":"result"`.
    fn is_event_stream(&self) -> bool {
        false
    }
    /// A document in its own format (a completion script, a man page): printed as it is, also
    /// with `--json`, since wrapping it in a JSON string would only break `> file`.
    fn is_verbatim(&self) -> bool {
        false
    }
    /// Warnings that belong with the result (on stderr, before it); the JSON form carries its own.
    fn warnings(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Prints an outcome in the mode the Ui was resolved to.
pub fn emit(ui: &Ui, outcome: &dyn Outcome) {
    if ui.json && !outcome.is_verbatim() {
        let mut value = outcome.to_json();
        if outcome.is_event_stream() {
            if let Some(obj) = value.as_object_mut() {
                obj.insert("type".into(), "result".into());
            }
            ui.event(&value);
        } else {
            ui.out_json(&value);
        }
    } else {
        for warning in outcome.warnings() {
            ui.warn(&crate::ui::sanitize::one_line(&warning));
        }
        let text = outcome.human(ui);
        if !text.is_empty() {
            let text = if text.ends_with('\n') { text } else { format!("{text}\n") };
            ui.out(&text);
        }
    }
}

/// Tab-separated rows when stdout is not a terminal; aligned columns when it is.
pub fn table(ui: &Ui, header: &[&str], rows: &[Vec<String>]) -> String {
    linked_table(ui, header, rows, &[])
}

/// [`table`] whose first column links to a URL per row (a PR, a Sentry issue): a terminal
/// hyperlink (OSC 8) when stdout is a colour terminal, plain text otherwise.
pub fn linked_table(ui: &Ui, header: &[&str], rows: &[Vec<String>], links: &[Option<String>]) -> String {
    use crate::ui::sanitize::one_line;
    // Everything from outside is scrubbed before it is measured or printed.
    let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| one_line(c)).collect()).collect();
    let mut out = String::new();
    if !ui.stdout_tty {
        out.push_str(&header.join("\t"));
        out.push('\n');
        for r in &rows {
            out.push_str(&r.join("\t"));
            out.push('\n');
        }
        return out;
    }
    let mut widths: Vec<usize> = header.iter().map(|h| console::measure_text_width(h)).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate().take(widths.len()) {
            widths[i] = widths[i].max(console::measure_text_width(c));
        }
    }
    let line = |cells: Vec<String>, link: Option<&str>| -> String {
        let n = cells.len();
        let mut s = String::new();
        for (i, c) in cells.into_iter().enumerate() {
            let pad = widths[i.min(widths.len() - 1)].saturating_sub(console::measure_text_width(&c)) + 2;
            match (i, link) {
                (0, Some(url)) if ui.color_out => s.push_str(&hyperlink(&c, url)),
                _ => s.push_str(&c),
            }
            if i + 1 < n {
                s.push_str(&" ".repeat(pad));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let bold = ui.out_style(console::Style::new().bold());
    out.push_str(&line(header.iter().map(|h| bold.apply_to(h).to_string()).collect(), None));
    for (i, r) in rows.into_iter().enumerate() {
        out.push_str(&line(r, links.get(i).and_then(|l| l.as_deref())));
    }
    out
}

/// An OSC 8 terminal hyperlink. Only http(s) URLs, scrubbed of control characters, so text from
/// a service can never smuggle its own escape sequence through the URL.
fn hyperlink(text: &str, url: &str) -> String {
    let url = crate::ui::sanitize::one_line(url);
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains(' ') {
        return text.to_string();
    }
    format!("\x1b]8;;{url}\x1b\\{text}\x1b]8;;\x1b\\")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tty(color: bool) -> Ui {
        Ui { stdout_tty: true, color_out: color, ..Ui::plain() }
    }

    #[test]
    fn links_only_on_a_colour_terminal_and_columns_stay_aligned() {
        let rows = vec![vec!["#4".to_string(), "dave".into()], vec!["#12".into(), "erin\u{1b}[31m".into()]];
        let links = vec![Some("https://github.com/a/b/pull/4".to_string()), None];
        let plain = linked_table(&tty(false), &["PR", "AUTHOR"], &rows, &links);
        assert_eq!(plain, "PR   AUTHOR\n#4   dave\n#12  erin\n", "the whole sequence goes, not just ESC");
        let linked = linked_table(&tty(true), &["PR", "AUTHOR"], &rows, &links);
        assert!(linked.contains("\x1b]8;;https://github.com/a/b/pull/4\x1b\\#4\x1b]8;;\x1b\\   dave"), "{linked:?}");
        assert!(!linked.contains("\x1b[31m"), "outside escapes are scrubbed: {linked:?}");
        let piped = linked_table(&Ui::plain(), &["PR", "AUTHOR"], &rows, &links);
        assert_eq!(piped, "PR\tAUTHOR\n#4\tdave\n#12\terin\n");
        assert_eq!(hyperlink("x", "javascript:alert(1)"), "x");
    }
}
