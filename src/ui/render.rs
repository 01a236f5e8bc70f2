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
}

/// Prints an outcome in the mode the Ui was resolved to.
pub fn emit(ui: &Ui, outcome: &dyn Outcome) {
    if ui.json {
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
        let text = outcome.human(ui);
        if !text.is_empty() {
            let text = if text.ends_with('\n') { text } else { format!("{text}\n") };
            ui.out(&text);
        }
    }
}

/// Tab-separated rows when stdout is not a terminal; aligned columns when it is.
pub fn table(ui: &Ui, header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    if !ui.stdout_tty {
        out.push_str(&header.join("\t"));
        out.push('\n');
        for r in rows {
            out.push_str(&r.iter().map(|c| crate::ui::sanitize::one_line(c)).collect::<Vec<_>>().join("\t"));
            out.push('\n');
        }
        return out;
    }
    let mut widths: Vec<usize> = header.iter().map(|h| console::measure_text_width(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(console::measure_text_width(c));
            }
        }
    }
    let line = |cells: Vec<String>| -> String {
        let n = cells.len();
        let mut s = String::new();
        for (i, c) in cells.into_iter().enumerate() {
            s.push_str(&c);
            if i + 1 < n {
                let pad = widths[i].saturating_sub(console::measure_text_width(&c)) + 2;
                s.push_str(&" ".repeat(pad));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let bold = ui.out_style(console::Style::new().bold());
    out.push_str(&line(header.iter().map(|h| bold.apply_to(h).to_string()).collect()));
    for r in rows {
        out.push_str(&line(r.iter().map(|c| crate::ui::sanitize::one_line(c)).collect()));
    }
    out
}
