//! HTML text helpers for Anki fields: escaping, the one-paragraph
//! unwrapping of a rendered field, and the plain text Anki sorts and
//! checksums a field by.

/// `<p>one paragraph</p>` → `one paragraph`; anything else as it is, without
/// the final newline.
pub(super) fn unwrap_paragraph(html: &str) -> String {
    let t = html.trim_end();
    if let Some(inner) = t.strip_prefix("<p>").and_then(|r| r.strip_suffix("</p>"))
        && !inner.contains("<p>")
    {
        return inner.to_owned();
    }
    t.to_owned()
}

/// Escapes text for HTML content and attribute values.
#[must_use]
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The text of a field's HTML as Anki sorts and checksums it: tags removed
/// (an image counts as its file name), entities decoded, trimmed.
#[must_use]
pub fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            out.push_str(&rest[lt..]);
            rest = "";
            break;
        };
        let tag = &rest[lt..=lt + gt];
        if tag.starts_with("<img")
            && let Some(src) = tag.split("src=\"").nth(1).and_then(|s| s.split('"').next())
        {
            out.push(' ');
            out.push_str(src);
            out.push(' ');
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(rest);
    decode_entities(&out).trim().to_owned()
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let end = tail.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &tail[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                n if n.starts_with("#x") || n.starts_with("#X") => {
                    u32::from_str_radix(&n[2..], 16).ok().and_then(char::from_u32)
                }
                n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            }?;
            Some((c, e))
        });
        if let Some((c, e)) = decoded {
            out.push(c);
            rest = &tail[e + 1..];
        } else {
            out.push('&');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripping_html_for_sorting() {
        assert_eq!(strip_html("<b>a</b> &amp; <img src=\"x.png\"> &#58;"), "a &  x.png  :");
    }
}
