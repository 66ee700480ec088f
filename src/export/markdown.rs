//! Card markdown → the HTML of an Anki field (pulldown-cmark).
//!
//! Obsidian's reading of the markdown is kept where Anki can show it: a line
//! break is a line break, `[[path|Alias]]` shows `Alias` (`[[path]]` shows the
//! path, `[[note#heading]]` shows `note > heading`), links to other notes keep
//! their text only, `==text==` is highlighted, `$…$` and `$$…$$` become
//! MathJax, code, lists and tables stay. `![[img.png]]` and `![](img.png)`
//! refer to a file of the vault, which the [`Media`] given packs under the
//! name it returns; audio and video become Anki's `[sound:…]`.
//!
//! A cloze question is rendered with each deletion replaced by a token, and
//! each token then by Anki's `{{cN::answer::hint}}` with the answer and hint
//! rendered on their own, so the markdown around a deletion reads as it does
//! in Obsidian. Embeds are drawn by the `embed` file, HTML escaping and
//! stripping are the `html` file's.

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use super::embed::{embed, has_scheme};
use super::html::unwrap_paragraph;
pub use super::html::{escape, strip_html};
use super::media;
use crate::parse::cloze::ClozeSpan;
use crate::render::wikilink_text;

mod plain;
use plain::{is_plain, plain_with_links, push_plain};

/// Gives a referenced file its name in the package.
pub trait Media {
    /// The media name for `link`, written in the note at `note`, or `None`
    /// when the vault has no such file.
    fn resolve(&mut self, note: &str, link: &str) -> Option<String>;
}

impl Media for media::Pack<'_> {
    fn resolve(&mut self, note: &str, link: &str) -> Option<String> {
        media::Pack::resolve(self, note, link)
    }
}

const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS)
    .union(Options::ENABLE_MATH)
    .union(Options::ENABLE_WIKILINKS)
    .union(Options::ENABLE_FOOTNOTES);

/// Cloze tokens: `OPEN index CLOSE`, private-use characters that a note
/// never holds (they are removed from the input first).
const OPEN: char = '\u{f8f0}';
const CLOSE: char = '\u{f8f1}';

/// A deletion ready to be put back: Anki's syntax as HTML, and as text for
/// code, where markdown does not apply.
struct Deletion {
    html: String,
    code: String,
}

/// Renders a field's markdown as HTML. A single paragraph is unwrapped.
pub fn field(md: &str, note: &str, media: &mut dyn Media) -> String {
    field_html(md, note, media, true)
}

/// [`field`], with or without the shortcut for plain text (the tests
/// compare both).
fn field_html(md: &str, note: &str, media: &mut dyn Media, shortcut: bool) -> String {
    if shortcut {
        if is_plain(md, false) {
            let mut out = String::with_capacity(md.len() + 8);
            push_plain(&mut out, md);
            return out;
        }
        if let Some(out) = plain_with_links(md) {
            return out;
        }
    }
    let md = md.replace([OPEN, CLOSE], "");
    unwrap_paragraph(&render(&md, note, media, &[]))
}

/// Renders a cloze question as the Text field of Anki's Cloze note type.
pub fn cloze_field(text: &str, spans: &[ClozeSpan], note: &str, media: &mut dyn Media) -> String {
    cloze_html(text, spans, note, media, true)
}

/// [`cloze_field`], with or without the shortcut for plain text.
fn cloze_html(text: &str, spans: &[ClozeSpan], note: &str, media: &mut dyn Media, shortcut: bool) -> String {
    let mut md = String::with_capacity(text.len() + spans.len() * 4);
    let mut dels = Vec::with_capacity(spans.len());
    let mut pos = 0;
    for s in spans {
        md.push_str(&text[pos..s.range.start].replace([OPEN, CLOSE], ""));
        pos = s.range.end;
        if s.cards.is_empty() {
            // Shown on every card (an overlapping cloze's `h`/`s` only).
            md.push_str(&s.answer.replace([OPEN, CLOSE], ""));
            continue;
        }
        let ords: Vec<String> = s.cards.iter().map(|c| (c + 1).to_string()).collect();
        let ords = ords.join(",");
        let answer = field_html(&s.answer, note, media, shortcut);
        let hint = s.hint.as_deref().map(|h| field_html(h, note, media, shortcut));
        let mut html = format!("{{{{c{ords}::{}", protect(&answer));
        let mut code = format!("{{{{c{ords}::{}", protect(&escape(&s.answer)));
        if let Some(h) = &hint {
            html.push_str("::");
            html.push_str(&protect(h));
        }
        if let Some(h) = &s.hint {
            code.push_str("::");
            code.push_str(&protect(&escape(h)));
        }
        html.push_str("}}");
        code.push_str("}}");
        md.push(OPEN);
        md.push_str(&dels.len().to_string());
        md.push(CLOSE);
        dels.push(Deletion { html, code });
    }
    md.push_str(&text[pos..].replace([OPEN, CLOSE], ""));
    // Plain text around the tokens: each token becomes its deletion (unless
    // a deletion holds paragraphs, which keep the whole field's).
    if shortcut && is_plain(&md, true) && !dels.iter().any(|d| d.html.contains("<p>")) {
        let mut out = String::with_capacity(md.len() + dels.iter().map(|d| d.html.len()).sum::<usize>());
        text_tokens(&md, &dels, &mut |piece, deletion| {
            if deletion { out.push_str(piece) } else { push_plain(&mut out, piece) }
        });
        return out;
    }
    unwrap_paragraph(&render(&md, note, media, &dels))
}

/// Walks text with cloze tokens: the text between them (`false`) and each
/// token's deletion HTML (`true`), in order (an unknown token is dropped, as
/// the renderer drops it).
fn text_tokens<'a>(text: &'a str, dels: &'a [Deletion], piece: &mut dyn FnMut(&'a str, bool)) {
    let mut rest = text;
    while let Some(open) = rest.find(OPEN) {
        piece(&rest[..open], false);
        let after = &rest[open + OPEN.len_utf8()..];
        match after.find(CLOSE).and_then(|c| Some((c, after[..c].parse::<usize>().ok()?))) {
            Some((c, idx)) if idx < dels.len() => {
                piece(&dels[idx].html, true);
                rest = &after[c + CLOSE.len_utf8()..];
            }
            _ => rest = after,
        }
    }
    piece(rest, false);
}

/// Keeps text inside a cloze from closing it early: `::`, `{` and `}` as
/// character references (the card shows them as typed).
fn protect(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut colon = false;
    for c in s.chars() {
        match c {
            '{' => out.push_str("&#123;"),
            '}' => out.push_str("&#125;"),
            // The second of two colons (the first stays), as a left-to-right
            // replace of `::` takes them: `:::` is `:&#58;:`.
            ':' if colon => {
                out.push_str("&#58;");
                colon = false;
                continue;
            }
            c => out.push(c),
        }
        colon = c == ':';
    }
    out
}

fn render(md: &str, note: &str, media: &mut dyn Media, dels: &[Deletion]) -> String {
    let events: Vec<Event> = Parser::new_ext(md, OPTIONS).collect();
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    // For each open link: whether its start was dropped (so is its end).
    let mut links: Vec<bool> = Vec::new();
    let mut in_code_block = false;
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::CodeBlock(_)) => {
                in_code_block = true;
                out.push(events[i].clone());
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                out.push(events[i].clone());
            }
            Event::Text(_) => {
                let mut text = String::new();
                while let Some(Event::Text(t)) = events.get(i) {
                    text.push_str(t);
                    i += 1;
                }
                i -= 1;
                if in_code_block {
                    out.push(Event::Html(with_deletions(&escape(&text), dels, true).into()));
                } else {
                    text_events(&text, dels, &mut out);
                }
            }
            Event::Code(t) => {
                let inner = with_deletions(&escape(t), dels, true);
                out.push(Event::InlineHtml(format!("<code>{inner}</code>").into()));
            }
            Event::SoftBreak => out.push(Event::HardBreak),
            Event::InlineMath(m) => out.push(Event::InlineHtml(format!("\\({}\\)", escape(m)).into())),
            Event::DisplayMath(m) => out.push(Event::InlineHtml(format!("\\[{}\\]", escape(m)).into())),
            Event::Start(Tag::Link { link_type: LinkType::WikiLink { has_pothole }, dest_url, .. }) => {
                let end = matching_end(&events, i);
                let alias = plain_text(events.get(i + 1..end).unwrap_or_default());
                if *has_pothole && !alias.trim().is_empty() {
                    links.push(true);
                } else {
                    out.push(Event::Text(wikilink_text(dest_url).into()));
                    i = end;
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                let internal = !has_scheme(dest_url) && !dest_url.starts_with('#');
                links.push(internal);
                if !internal {
                    out.push(events[i].clone());
                }
            }
            Event::End(TagEnd::Link) => {
                if !links.pop().unwrap_or(false) {
                    out.push(events[i].clone());
                }
            }
            Event::Start(Tag::Image { link_type, dest_url, .. }) => {
                let end = matching_end(&events, i);
                let inner = plain_text(events.get(i + 1..end).unwrap_or_default());
                out.push(embed(*link_type, dest_url, &inner, note, media));
                i = end;
            }
            e => out.push(e.clone()),
        }
        i += 1;
    }
    let mut html = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    html
}

/// The index of the end event matching the start at `start`.
fn matching_end(events: &[Event], start: usize) -> usize {
    let mut depth = 0usize;
    for (j, e) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s
}

/// Text outside code: cloze tokens and `==highlights==`.
fn text_events(text: &str, dels: &[Deletion], out: &mut Vec<Event>) {
    let mut rest = text;
    while let Some(open) = rest.find(OPEN) {
        highlights(&rest[..open], out);
        let after = &rest[open + OPEN.len_utf8()..];
        match after.find(CLOSE).and_then(|c| Some((c, after[..c].parse::<usize>().ok()?))) {
            Some((c, idx)) if idx < dels.len() => {
                out.push(Event::InlineHtml(dels[idx].html.clone().into()));
                rest = &after[c + CLOSE.len_utf8()..];
            }
            _ => rest = after,
        }
    }
    highlights(rest, out);
}

fn highlights(text: &str, out: &mut Vec<Event>) {
    let mut rest = text;
    while let Some(a) = rest.find("==") {
        let Some(b) = rest[a + 2..].find("==").map(|b| a + 2 + b) else { break };
        let inner = &rest[a + 2..b];
        if inner.trim().is_empty() {
            out.push(Event::Text(rest[..b].to_owned().into()));
            rest = &rest[b..];
            continue;
        }
        if a > 0 {
            out.push(Event::Text(rest[..a].to_owned().into()));
        }
        out.push(Event::InlineHtml(format!("<mark>{}</mark>", escape(inner)).into()));
        rest = &rest[b + 2..];
    }
    if !rest.is_empty() {
        out.push(Event::Text(rest.to_owned().into()));
    }
}

/// Puts Anki's cloze syntax back in place of the tokens of escaped text.
fn with_deletions(escaped: &str, dels: &[Deletion], code: bool) -> String {
    if !escaped.contains(OPEN) {
        return escaped.to_owned();
    }
    let mut s = String::with_capacity(escaped.len());
    let mut rest = escaped;
    while let Some(open) = rest.find(OPEN) {
        s.push_str(&rest[..open]);
        let after = &rest[open + OPEN.len_utf8()..];
        match after.find(CLOSE).and_then(|c| Some((c, after[..c].parse::<usize>().ok()?))) {
            Some((c, idx)) if idx < dels.len() => {
                s.push_str(if code { &dels[idx].code } else { &dels[idx].html });
                rest = &after[c + CLOSE.len_utf8()..];
            }
            _ => rest = after,
        }
    }
    s.push_str(rest);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::cloze::Clozes;

    /// Media in tests: every image exists under its base name, `missing.png` does not.
    struct Fake(Vec<(String, String)>);
    impl Media for Fake {
        fn resolve(&mut self, note: &str, link: &str) -> Option<String> {
            self.0.push((note.to_owned(), link.to_owned()));
            (!link.contains("missing")).then(|| link.rsplit('/').next().unwrap_or(link).to_owned())
        }
    }

    fn f(md: &str) -> String {
        field(md, "Kafka/Note.md", &mut Fake(Vec::new()))
    }

    fn cloze(text: &str) -> String {
        let c = Clozes::new(&["==[123;;]answer[;;hint]==".to_owned()]);
        cloze_field(text, &c.spans(text), "Kafka/Note.md", &mut Fake(Vec::new()))
    }

    #[test]
    fn links_show_what_obsidian_shows() {
        assert_eq!(f(r"A [[Kafka/Producers/Producer\|Producer]] sends"), "A Producer sends");
        assert_eq!(f("See [[Kafka/Broker]] and [[Log#Segments]]"), "See Kafka/Broker and Log &gt; Segments");
        assert_eq!(f("[[Note#^abc123]] and [[#Heading]]"), "Note and Heading");
        assert_eq!(
            f("[docs](https://kafka.apache.org) and [other](Other%20note.md)"),
            "<a href=\"https://kafka.apache.org\">docs</a> and other"
        );
    }

    #[test]
    fn code_lists_breaks_math_and_highlights() {
        assert_eq!(f("`acks=all` <b>"), "<code>acks=all</code> <b>");
        assert_eq!(f("line one\nline two"), "line one<br />\nline two");
        assert_eq!(f("- one\n- two"), "<ul>\n<li>one</li>\n<li>two</li>\n</ul>");
        assert_eq!(
            f("```rust\nlet x = a < b;\n```"),
            "<pre><code class=\"language-rust\">let x = a &lt; b;\n</code></pre>"
        );
        assert_eq!(f("Energy $E=mc^2$"), "Energy \\(E=mc^2\\)");
        assert_eq!(f("an ==important== word"), "an <mark>important</mark> word");
        assert_eq!(f("two\n\nparagraphs"), "<p>two</p>\n<p>paragraphs</p>");
    }

    #[test]
    fn images_and_sounds_are_packed() {
        let mut m = Fake(Vec::new());
        let html =
            field("![[img/diagram.png|300]] ![alt text](pics/a%20b.png) ![[talk.mp3]]", "N.md", &mut m);
        assert_eq!(
            html,
            "<img src=\"diagram.png\" alt=\"\" width=\"300\"> <img src=\"a b.png\" alt=\"alt text\"> [sound:talk.mp3]"
        );
        assert_eq!(m.0[1].1, "pics/a b.png");
        assert_eq!(f("![[missing.png]]"), "<img src=\"missing.png\" alt=\"\">");
        assert_eq!(
            f("![[Other note]] ![x](https://e.org/i.png)"),
            "Other note <img src=\"https://e.org/i.png\" alt=\"x\">"
        );
    }

    #[test]
    fn clozes_become_anki_clozes() {
        assert_eq!(
            cloze("A producer is ==idempotent== when `x`"),
            "A producer is {{c1::idempotent}} when <code>x</code>"
        );
        assert_eq!(
            cloze("==1;;a== and ==2;;**b**;;hint== and ==1;;c=="),
            "{{c1::a}} and {{c2::<strong>b</strong>::hint}} and {{c1::c}}"
        );
        assert_eq!(cloze("==as;;x== ==sa;;y== ==h;;z=="), "{{c1::x}} {{c2::y}} z");
        assert_eq!(cloze("`code ==x== here`"), "<code>code {{c1::x}} here</code>");
        assert_eq!(cloze("==a::b}}=="), "{{c1::a:&#58;b&#125;&#125;}}");
        assert_eq!(cloze("**bold ==x== text**"), "<strong>bold {{c1::x}} text</strong>");
        assert_eq!(cloze("==_em_=="), "{{c1::<em>em</em>}}");
    }

    /// Texts where the shortcut for plain text applies, or nearly does.
    const EDGES: &[&str] = &[
        "plain words",
        "1. a list",
        "1) a list",
        "12 apples",
        "2026-01-15 is a day",
        "3.14 is pi",
        "- a",
        "+ a",
        "a - b + c",
        "\"quoted\" text",
        "it's (maybe) ok?",
        "a  b",
        "é and ü",
        "x\u{a0}",
        "\u{a0}x",
        "!x",
        "^a",
        "a/b@c%d",
        "",
        " a",
        "a ",
        "a:b;c,d.",
        "x\u{f8f0}0\u{f8f1}y",
        "ends with.",
        "--",
        "-",
        "+",
        "1.",
        "1)",
        "10.5 percent",
        "@user",
        "Q?",
        "a!b",
        "trailing!",
        "a\nb",
        "a\n\nb",
        "a\n1. b",
        "a\n2) b",
        "a\n- b",
        "a\n+ b",
        "a\n b",
        "a \nb",
        "a\r\nb",
        "a\n",
        "\na",
        "a\n---",
        "a\n===",
        "a\n# b",
        "a\n> b",
        "a\n    b",
        "a\n?\nb",
        "line one\nline two\nline three",
    ];

    #[test]
    fn the_plain_text_shortcut_renders_as_the_renderer_does() {
        for md in EDGES {
            let fast = field_html(md, "N.md", &mut Fake(Vec::new()), true);
            let slow = field_html(md, "N.md", &mut Fake(Vec::new()), false);
            assert_eq!(fast, slow, "{md:?}");
        }
        assert!(is_plain("Producer compaction controller.", false));
        assert!(!is_plain("1. a list", false));
        assert!(!is_plain("a [[link]]", false));
    }

    #[test]
    fn protect_is_the_three_replaces_in_one_pass() {
        for s in ["", "a", ":", "::", ":::", "::::", "a::b:c", "{x}", "{{c1::a}}", "é::}{:", ": :"] {
            let slow = s.replace('{', "&#123;").replace('}', "&#125;").replace("::", ":&#58;");
            assert_eq!(protect(s), slow, "{s:?}");
        }
    }

    #[test]
    fn the_wikilink_shortcut_renders_as_the_renderer_does() {
        for md in [
            "controller.partition [[Note 27274]]",
            "header.stream [[topics/Note 05666\\|Serializer]]",
            "[[a|b]] and [[c]]",
            "[[a]]",
            "x [[a|b]]\ny [[c]]",
            "a ![[pic.png]]",
            "a [[b]](c)",
            "a [[b]][c]",
            "a [[b|]]",
            "a [[|b]]",
            "a [[b\\\\|c]]",
            "a [[b|c|d]]",
            "a [[b#h]]",
            "a [[ b]]",
            "a [[b ]]",
            "a [[b]]]",
            "a [[[b]]",
            "a [[b",
            "1. [[b]]",
            "[[b]]: c",
            "- [[b]]",
            "a [[b]]c",
            "a\n\n[[b]]",
            "[[b]] ",
        ] {
            let fast = field_html(md, "N.md", &mut Fake(Vec::new()), true);
            let slow = field_html(md, "N.md", &mut Fake(Vec::new()), false);
            assert_eq!(fast, slow, "{md:?}");
        }
        assert_eq!(plain_with_links("a [[b\\|c]] d").as_deref(), Some("a c d"));
        assert_eq!(plain_with_links("a [[t/b]]").as_deref(), Some("a t/b"));
        assert_eq!(plain_with_links("a ![[b]]"), None);
    }

    #[test]
    fn the_cloze_shortcut_renders_as_the_renderer_does() {
        let c = Clozes::new(&["==[123;;]answer[;;hint]==".to_owned()]);
        for t in [
            "A ==x== b",
            "==x== first",
            "1. ==x== list",
            "==1;;a== and ==2;;b;;hint==",
            "==a\n\nb== paragraphs",
            "==x==",
            "a ==\"q\"== (ok)",
            "==as;;x== ==sa;;y== ==h;;z==",
            " ==x== lead",
            "==x==.",
            "- ==x==",
            "a\n==x==\nb",
            "==a\nb== c",
            "a\n\n==x==",
            "a ==x==\n- b",
        ] {
            let spans = c.spans(t);
            let fast = cloze_html(t, &spans, "N.md", &mut Fake(Vec::new()), true);
            let slow = cloze_html(t, &spans, "N.md", &mut Fake(Vec::new()), false);
            assert_eq!(fast, slow, "{t:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]

        #[test]
        fn the_shortcut_agrees_with_the_renderer_on_any_text(
            md in "[a-zA-Z0-9 .,;:'\"?()/@%+!^é\u{a0}\u{f8f0}\u{f8f1}*_=#<>&\\\\\n-]{0,16}"
        ) {
            let fast = field_html(&md, "N.md", &mut Fake(Vec::new()), true);
            let slow = field_html(&md, "N.md", &mut Fake(Vec::new()), false);
            proptest::prop_assert_eq!(fast, slow);
        }

        #[test]
        fn the_wikilink_shortcut_agrees_with_the_renderer_on_any_text(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("[["),
                    proptest::strategy::Just("]]"),
                    proptest::strategy::Just("|"),
                    proptest::strategy::Just("\\|"),
                    proptest::strategy::Just("\\"),
                    proptest::strategy::Just("!"),
                    proptest::strategy::Just("("),
                    proptest::strategy::Just(")"),
                    proptest::strategy::Just("["),
                    proptest::strategy::Just("]"),
                    proptest::strategy::Just("#"),
                    proptest::strategy::Just(" "),
                    proptest::strategy::Just("\n"),
                    proptest::strategy::Just("1."),
                    proptest::strategy::Just("-"),
                    proptest::strategy::Just(":"),
                    proptest::strategy::Just("é"),
                    proptest::strategy::Just("a"),
                    proptest::strategy::Just("Note 1"),
                    proptest::strategy::Just("t/b.md"),
                ],
                0..12,
            )
        ) {
            let md = pieces.concat();
            let fast = field_html(&md, "N.md", &mut Fake(Vec::new()), true);
            let slow = field_html(&md, "N.md", &mut Fake(Vec::new()), false);
            proptest::prop_assert_eq!(fast, slow);
        }

        #[test]
        fn the_cloze_shortcut_agrees_with_the_renderer_on_any_text(
            a in "[a-z0-9 .,;:'\"?()/@%+!^é\n-]{0,10}",
            b in "[a-z0-9 .,:'!^é*_\n-]{0,6}",
            c in "[a-z0-9 .,;:'\"?()/@%+!^é\n-]{0,10}",
        ) {
            let cl = Clozes::new(&["==[123;;]answer[;;hint]==".to_owned()]);
            let t = format!("{a}=={b}=={c}");
            let spans = cl.spans(&t);
            let fast = cloze_html(&t, &spans, "N.md", &mut Fake(Vec::new()), true);
            let slow = cloze_html(&t, &spans, "N.md", &mut Fake(Vec::new()), false);
            proptest::prop_assert_eq!(fast, slow);
        }
    }
}
