//! CSV (RFC 4180): a header, then one row per card with its path, line,
//! deck, kind, front, back, due, interval, ease and state. Fields holding a
//! comma, a quote or a line break are quoted; lines end with CRLF.

use std::io::{self, Write};

use super::{ExportNote, due_string};

/// The header row.
pub const COLUMNS: [&str; 10] =
    ["path", "line", "deck", "kind", "front", "back", "due", "interval", "ease", "state"];

/// Writes every card of `notes` as CSV.
pub fn write(notes: &[ExportNote], out: &mut dyn Write) -> io::Result<()> {
    out.write_all(&header())?;
    for n in notes {
        let mut buf = Vec::new();
        rows(n, &mut buf)?;
        out.write_all(&buf)?;
    }
    Ok(())
}

/// The header row, as [`write`] begins.
#[must_use]
pub fn header() -> Vec<u8> {
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = row(&mut buf, COLUMNS.iter().map(|c| (*c).to_owned()));
    buf
}

/// One question's rows (one per card), as [`write`] writes them.
pub fn rows(n: &ExportNote, out: &mut dyn Write) -> io::Result<()> {
    for c in &n.cards {
        let (interval, ease) = c.schedule.interval_ease();
        row(
            out,
            [
                n.path.to_string(),
                n.line.to_string(),
                n.deck.clone(),
                n.kind.name().to_owned(),
                c.front.clone(),
                c.back.clone(),
                due_string(c).unwrap_or_default(),
                interval.map(|i| i.to_string()).unwrap_or_default(),
                ease.map(|e| e.to_string()).unwrap_or_default(),
                c.state.name().to_owned(),
            ]
            .into_iter(),
        )?;
    }
    Ok(())
}

fn row(out: &mut dyn Write, fields: impl Iterator<Item = String>) -> io::Result<()> {
    let mut line = String::new();
    for (i, f) in fields.enumerate() {
        if i > 0 {
            line.push(',');
        }
        line.push_str(&quote(&f));
    }
    line.push_str("\r\n");
    out.write_all(line.as_bytes())
}

/// A field as RFC 4180 writes it.
#[must_use]
pub fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_follows_rfc_4180() {
        assert_eq!(quote("plain"), "plain");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("two\nlines"), "\"two\nlines\"");
    }
}
