//! The renderer on real card text, compared row by row.

use super::*;

/// `prefix0 prefix1 … prefix{n-1} `.
fn numbered(prefix: &str, n: usize) -> String {
    (0..n).fold(String::new(), |mut s, i| {
        s.push_str(prefix);
        s.push_str(&i.to_string());
        s.push(' ');
        s
    })
}

fn rows(text: &str, w: usize) -> Vec<String> {
    plain(text, w)
}

/// The words of the rendered text, decorations left out.
fn words(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .flat_map(|l| l.split(|c: char| c.is_whitespace() || "│┌┐└┘─┼↪•◦▪".contains(c)))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn markdown_and_obsidian_syntax() {
    assert_eq!(
        rows("**acks** waits for [[Kafka/ISR - 2024\\|in-sync replicas]] and `min.insync.replicas`", 80),
        vec!["acks waits for in-sync replicas and min.insync.replicas"]
    );
    assert_eq!(
        rows("See [[Kafka/Partition Leader]] and [[Log#Segments]], [[Note#^abc]]", 80),
        vec!["See Kafka/Partition Leader and Log > Segments, Note"]
    );
    assert_eq!(rows("[[p|Alias]] [[p\\|]]", 80), vec!["Alias p"]);
    let r = render("![[diagram.png]] and ![x](img/flow.svg) and ![[Other note]]", 80);
    assert_eq!(r.lines[0].text(), "[image: diagram.png] and [image: flow.svg] and [embed: Other note]");
    assert_eq!(r.images, vec!["diagram.png", "img/flow.svg"]);
    assert_eq!(
        rows("- one\n- two\n  1. sub\n  2. sub two\n     - deep", 80),
        vec!["• one", "• two", "  1. sub", "  2. sub two", "     ▪ deep"]
    );
    assert_eq!(rows("# Title\ntext\n\n## Next\nmore", 80), vec!["Title", "text", "", "Next", "more"]);
    assert_eq!(rows("a<br>b <!-- hidden --> c", 80), vec!["a", "b  c"]);
    assert_eq!(rows("- [ ] todo\n- [x] done", 80), vec!["• [ ] todo", "• [x] done"]);
}

#[test]
fn the_export_and_the_terminal_show_links_alike() {
    assert_eq!(wikilink_text("Log#Segments#Index"), "Log > Segments > Index");
    assert_eq!(wikilink_text("#Heading"), "Heading");
    assert_eq!(wikilink_text("Note#^block"), "Note");
    assert_eq!(wikilink_text("path\\"), "path");
}

#[test]
fn quotes_and_callouts() {
    assert_eq!(rows("> plain quote\n> second", 80), vec!["│ plain quote", "│ second"]);
    let r = render("> [!warning] Mind the ISR\n> acks=all waits", 80);
    assert_eq!(
        r.lines.iter().map(Line::text).collect::<Vec<_>>(),
        vec!["│ Mind the ISR", "│ acks=all waits"]
    );
    assert!(r.lines[0].spans.iter().any(|s| s.text == "Mind the ISR" && s.look.bold));
    assert!(!r.lines[1].spans.iter().any(|s| s.look.bold));
    assert_eq!(rows("> [!tip]-\n> folded body", 80), vec!["│ Tip", "│ folded body"]);
    assert_eq!(rows("> [!note]\n>\n> para", 80), vec!["│ Note", "│", "│ para"]);
}

#[test]
fn math_is_shown_exactly_as_written() {
    let text = r"$a\,b \{x\}$ and $$\frac{a}{b} \\ c$$ but \*literal\*";
    assert_eq!(rows(text, 80), vec![r"$a\,b \{x\}$ and $$\frac{a}{b} \\ c$$ but *literal*"]);
    assert_eq!(rows("$$\n\\sum_i x_i\n$$", 80), vec!["$$", "\\sum_i x_i", "$$"]);
}

#[test]
fn tabs_go_to_the_next_stop() {
    assert_eq!(rows("col1\tcol2\tcol3", 80), vec!["col1    col2    col3"]);
    assert_eq!(rows("a\tb\tlonger\tc", 80), vec!["a   b   longer  c"]);
    assert_eq!(rows("```\nx\ty\n\tz\n```", 80), vec!["┌───────┐", "│ x   y │", "│     z │", "└───────┘"]);
}

#[test]
fn code_keeps_its_shape_and_cuts_with_a_marker() {
    let code = "```java\nprops.put(\"acks\", \"all\");\n  indented   spaces\n```";
    let r = rows(code, 80);
    assert_eq!(r[0], "┌─ java ────────────────────┐");
    assert_eq!(r[1], "│ props.put(\"acks\", \"all\"); │");
    assert_eq!(r[2], "│   indented   spaces       │");
    assert_eq!(r[3], "└───────────────────────────┘");
    // Narrower than the longest line: cut, the rest after a marker.
    let r = render("```\nabcdefghijklmnopqrstuvwxyz\n```", 16);
    let text: Vec<String> = r.lines.iter().map(Line::text).collect();
    assert_eq!(
        text,
        vec![
            "┌──────────────┐",
            "│ abcdefghijkl │",
            "│ ↪mnopqrstuvw │",
            "│ ↪xyz         │",
            "└──────────────┘"
        ]
    );
    assert!(r.lines.iter().all(|l| l.code_block));
    // Each code line is one logical line, its continuations included.
    assert_eq!(r.lines.iter().map(|l| l.logical).collect::<Vec<_>>(), vec![0, 1, 1, 1, 2]);
    // Too narrow for a frame: the lines alone, still cut with the marker.
    assert_eq!(rows("```sh\nabcdefghijkl\n```", 8), vec!["[sh]", "abcdefgh", "↪ijkl"]);
}

#[test]
fn tables_are_grids() {
    let t = "| key | value | note |\n|:--|--:|:-:|\n| acks | all | waits |\n| linger.ms | 5 | x |";
    assert_eq!(
        rows(t, 80),
        vec![
            "key       │ value │ note",
            "──────────┼───────┼──────",
            "acks      │   all │ waits",
            "linger.ms │     5 │   x",
        ]
    );
    let r = render(t, 80);
    assert!(r.lines[0].spans.iter().filter(|s| s.text.trim() == "key").all(|s| s.look.bold));
    // Too wide: the widest column wraps, the others keep their width.
    let t = "| k | text |\n|---|---|\n| a | the quick brown fox jumps over the lazy dog |";
    assert_eq!(
        rows(t, 24),
        vec![
            "k │ text",
            "──┼─────────────────────",
            "a │ the quick brown fox",
            "  │ jumps over the lazy",
            "  │ dog"
        ]
    );
    // Far too narrow for the columns: one record per row.
    let t = "| name | a | b | c | d |\n|---|---|---|---|---|\n| alpha | one | two | three | four |\n| beta | 1 | 2 | 3 | 4 |";
    assert_eq!(
        rows(t, 20),
        vec![
            "name: alpha",
            "a: one",
            "b: two",
            "c: three",
            "d: four",
            "────────────────────",
            "name: beta",
            "a: 1",
            "b: 2",
            "c: 3",
            "d: 4",
        ]
    );
    // A wikilink with an escaped pipe in a cell keeps its alias.
    assert_eq!(rows("| a |\n|---|\n| [[x\\|y]] |", 80), vec!["a", "─", "y"]);
}

#[test]
fn clozes_asked_and_hidden_look_different() {
    let front = format!(
        "{CLOZE_OPEN}[...]{CLOZE_CLOSE} and {CLOZE_HIDDEN_OPEN}[...]{CLOZE_HIDDEN_CLOSE} and {CLOZE_HIDDEN_OPEN}[hint]{CLOZE_HIDDEN_CLOSE}"
    );
    let r = render(&front, 80);
    assert_eq!(r.lines[0].text(), "[...] and ⟨hidden⟩ and ⟨hidden: hint⟩");
    let look = |t: &str| r.lines[0].spans.iter().find(|s| s.text == t).map(|s| s.look);
    assert_eq!(look("[...]"), Some(Look { cloze: true, ..Look::default() }));
    assert_eq!(look("⟨hidden⟩"), Some(Look { hidden: true, ..Look::default() }));
    // Marks around markdown keep both looks.
    let r = render(&format!("{CLOZE_OPEN}**bold** answer{CLOZE_CLOSE} after"), 80);
    let spans: Vec<(String, bool, bool)> =
        r.lines[0].spans.iter().map(|s| (s.text.clone(), s.look.cloze, s.look.bold)).collect();
    assert_eq!(
        spans,
        vec![("bold".into(), true, true), (" answer".into(), true, false), (" after".into(), false, false)]
    );
}

#[test]
fn control_and_invisible_characters_never_survive() {
    let out = rows("evil \u{1b}[2J bell \u{7} zero\u{200b}width \u{202e}rtl done", 80);
    assert_eq!(out, vec!["evil ␛[2J bell ␇ zero�width �rtl done"]);
    assert!(!out.concat().chars().any(char::is_control));
}

#[test]
fn wrapping_by_display_width() {
    assert_eq!(rows("the quick brown fox jumps", 10), vec!["the quick", "brown fox", "jumps"]);
    // CJK characters are two columns wide and may break anywhere.
    let r = rows("漢字かな交じり文を折り返す", 10);
    assert_eq!(r, vec!["漢字かな交", "じり文を折", "り返す"]);
    assert!(r.iter().all(|l| width(l) <= 10));
    // A word longer than a row is split, nothing lost.
    assert_eq!(rows("x abcdefghijklmnop", 6), vec!["x abcd", "efghij", "klmnop"]);
    assert_eq!(rows("xyzw abcdefghijklmnop", 6), vec!["xyzw", "abcdef", "ghijkl", "mnop"]);
    // List items wrap under their text, not under the bullet.
    assert_eq!(rows("- one two three four", 10), vec!["• one two", "  three", "  four"]);
    assert_eq!(rows("> one two three four", 10), vec!["│ one two", "│ three", "│ four"]);
}

#[test]
fn nothing_is_wider_than_asked_and_no_word_is_lost() {
    let long = numbered("word", 600);
    let samples = [
        long.as_str(),
        "| key | value |\n|---|---|\n| acks | waits for all in-sync replicas to acknowledge |",
        "```rust\nfn main() { println!(\"a very long line of code that goes on and on\"); }\n```",
        "- a list\n  - nested deeper with more words than fit\n    > quoted inside\n",
        "> [!note] A callout title that is long\n> and a body that is long as well, really",
        "漢字かな交じり文を折り返す and ascii words mixed in",
        "$a\\,b \\{x\\}$ col1\tcol2\tcol3",
    ];
    for text in samples {
        let reference = words(&plain(text, 1000));
        for w in [12, 20, 40, 80, 120, 200] {
            let r = render(text, w);
            for l in &r.lines {
                assert!(l.width() <= w, "{w}: {:?} is {} wide", l.text(), l.width());
            }
            // Every word comes out whole (a split word comes out in pieces, in order).
            let got = words(&r.lines.iter().map(Line::text).collect::<Vec<_>>()).concat();
            let want = reference.concat();
            assert_eq!(got.replace(' ', ""), want.replace(' ', ""), "{w}: {text}");
            // Logical lines are numbered the same at every width.
            assert_eq!(r.logical_lines, render(text, 1000).logical_lines, "{w}: {text}");
        }
    }
}

#[test]
fn plain_text_wraps_like_card_text() {
    assert_eq!(wrap_plain("one two three", 7), vec!["one two", "three"]);
    assert_eq!(fit("abcdef", 4), "abc…");
    assert_eq!(fit("abc", 4), "abc");
}

#[test]
fn intervals_like_the_plugin() {
    assert_eq!(interval_text(0.0), "now");
    assert_eq!(interval_text(3.0), "3d");
    assert_eq!(interval_text(2.5), "2.5d");
    assert_eq!(interval_text(45.0), "1.5m");
    assert_eq!(interval_text(400.0), "1.1y");
}
