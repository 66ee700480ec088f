//! Embeds in a card's markdown (`![[img.png|200]]`, `![alt|100x50](a%20b.png)`,
//! a remote image, a sound): the HTML or Anki `[sound:…]` they become, with
//! the vault file given its media name by [`Media`].

use pulldown_cmark::{CowStr, Event, LinkType};

use super::html::escape;
use super::markdown::Media;
use super::media::{self, Kind};
use crate::render::wikilink_text;

/// Whether `url` starts with a scheme (`https:`, `data:`): not a file of the vault.
pub(super) fn has_scheme(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, _)| {
        scheme.len() > 1
            && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.')
    })
}

/// An image or other embed: `![[target|size or alt]]` or `![alt|size](target)`.
pub(super) fn embed(
    link_type: LinkType,
    dest: &str,
    inner: &str,
    note: &str,
    media: &mut dyn Media,
) -> Event<'static> {
    let wiki = matches!(link_type, LinkType::WikiLink { .. });
    let (alt, size) = match inner.rsplit_once('|') {
        Some((a, s)) if is_size(s.trim()) => (a.trim().to_owned(), Some(s.trim().to_owned())),
        _ if wiki && is_size(inner.trim()) => (String::new(), Some(inner.trim().to_owned())),
        _ if wiki && inner.trim() == dest.trim() => (String::new(), None),
        _ => (inner.trim().to_owned(), None),
    };
    if has_scheme(dest) {
        let html =
            format!("<img src=\"{}\" alt=\"{}\"{}>", escape(dest), escape(&alt), size_attrs(size.as_deref()));
        return Event::InlineHtml(html.into());
    }
    let link = if wiki {
        dest.trim().trim_end_matches('\\').to_owned()
    } else {
        crate::notes::links::percent_decode(dest)
    };
    let file = link.split('#').next().unwrap_or(&link).to_owned();
    match media::kind(&file) {
        Some(Kind::Image) => {
            let name = media
                .resolve(note, &file)
                .unwrap_or_else(|| file.rsplit('/').next().unwrap_or(&file).to_owned());
            let html = format!(
                "<img src=\"{}\" alt=\"{}\"{}>",
                escape(&name),
                escape(&alt),
                size_attrs(size.as_deref())
            );
            Event::InlineHtml(html.into())
        }
        Some(Kind::Sound) => match media.resolve(note, &file) {
            Some(name) => Event::Text(format!("[sound:{name}]").into()),
            None => Event::Text(CowStr::from(wikilink_text(&link))),
        },
        None => Event::Text(if alt.is_empty() || wiki { wikilink_text(&link) } else { alt }.into()),
    }
}

fn is_size(s: &str) -> bool {
    let mut parts = s.splitn(2, 'x');
    let ok = |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let first = parts.next();
    match parts.next() {
        None => ok(first),
        second => ok(first) && ok(second),
    }
}

fn size_attrs(size: Option<&str>) -> String {
    match size.map(|s| s.split_once('x').unwrap_or((s, ""))) {
        Some((w, "")) => format!(" width=\"{w}\""),
        Some((w, h)) => format!(" width=\"{w}\" height=\"{h}\""),
        None => String::new(),
    }
}
