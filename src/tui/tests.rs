//! Rendering tests: frames drawn into ratatui's TestBackend at the sizes a
//! terminal really has, scrolled the way the keys scroll.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Modifier;

use super::*;
use crate::session::{CardView, Progress};

const SIZES: [(u16, u16); 4] = [(40, 12), (80, 24), (120, 40), (200, 50)];

fn card(front: &str, back: &str, revealed: bool) -> CardView {
    CardView {
        path: "Kafka/Producers/Acks.md".into(),
        line: crate::parse::LineNo::new(12),
        sibling: 0,
        kind: crate::parse::QuestionKind::Basic,
        decks: vec!["flashcards/kafka/producers".into()],
        context: vec!["Acks".into(), "Durability".into()],
        front: front.into(),
        back: back.into(),
        front_marked: front.into(),
        back_marked: back.into(),
        is_new: false,
        phase: crate::session::Phase::Review,
        revealed,
        intervals: vec![
            (Response::Again, Some("now".into())),
            (Response::Hard, Some("2d".into())),
            (Response::Good, Some("8d".into())),
            (Response::Easy, Some("11d".into())),
        ],
        waiting: None,
        shown_at: chrono::DateTime::UNIX_EPOCH,
        cram: false,
    }
}

fn screen_with(card: Option<CardView>) -> Screen {
    Screen {
        card,
        progress: Progress { done: 2, left: 5, new_left: 1, learning_left: 0, review_left: 4 },
        status: None,
        help: None,
        info: None,
        summary: None,
        color: false,
        scroll: Scroll::default(),
        reading_width: 100,
        seconds_on_card: 7,
    }
}

fn frame(scr: &Screen, w: u16, h: u16) -> (String, Buffer, Drawn) {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    let mut drawn = Drawn::default();
    t.draw(|f| drawn = draw(f, scr)).expect("draw");
    let buf = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    (out, buf, drawn)
}

fn rendered(scr: &Screen, w: u16, h: u16) -> String {
    frame(scr, w, h).0
}

/// Draws the card, then pages down to its end as PgDn does, and returns
/// every frame. Each frame that does not show the last row says `▼`.
fn page_through(c: &CardView, w: u16, h: u16) -> Vec<String> {
    let mut ui = Ui { reading_width: 100, ..Ui::default() };
    ui.follow(Some(c));
    let mut frames = Vec::new();
    for _ in 0..400 {
        let mut scr = screen_with(Some(c.clone()));
        scr.scroll = ui.scroll;
        let (text, _, drawn) = frame(&scr, w, h);
        ui.drawn = drawn;
        let before = ui.scroll;
        frames.push(text);
        ui.scroll_by(Some(c), ui.page());
        if ui.scroll == before {
            return frames;
        }
    }
    panic!("paging never reached the end");
}

/// The words of the card text as the renderer gives them, decorations out.
fn card_words(text: &str) -> Vec<String> {
    crate::render::plain(text, 10_000)
        .iter()
        .flat_map(|l| {
            l.split(|c: char| c.is_whitespace() || "│┌┐└┘─┼".contains(c))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// The card text rows of a frame, box and frame edges taken off, a code
/// line's continuation (`↪`) joined to the row it continues.
fn text_rows(frame: &str) -> Vec<String> {
    let mut rows: Vec<String> = Vec::new();
    for l in frame.lines() {
        let t = l.trim_matches(|c: char| c == ' ' || c == '│');
        match t.strip_prefix('↪') {
            Some(rest) if !rows.is_empty() => {
                let last = rows.last_mut().expect("a row");
                *last = format!("{}{rest}", last.trim_end());
            }
            _ => rows.push(t.to_owned()),
        }
    }
    rows
}

/// No text is cut without a marker: paging from the top shows every word
/// of `text`, and every frame but the last says there is more below.
fn assert_all_shown(c: &CardView, text: &str, w: u16, h: u16) {
    let frames = page_through(c, w, h);
    let seen = frames.iter().flat_map(|f| text_rows(f)).collect::<Vec<_>>().join("\n");
    for word in card_words(text) {
        // A word longer than a row is split across rows: look for its start.
        let piece: String = word.chars().take((usize::from(w) / 3).max(1)).collect();
        assert!(seen.contains(&piece), "{w}×{h}: {word:?} never shown:\n{seen}");
    }
    for f in &frames[..frames.len() - 1] {
        assert!(f.contains("▼"), "{w}×{h}: a frame with more below says so:\n{f}");
    }
    assert!(!frames[frames.len() - 1].contains("▼"), "{w}×{h}: the last frame has nothing below");
}

/// `{prefix}0{suffix}{prefix}1{suffix}…`.
fn numbered(prefix: &str, n: usize, suffix: &str) -> String {
    (0..n).fold(String::new(), |mut s, i| {
        s.push_str(prefix);
        s.push_str(&i.to_string());
        s.push_str(suffix);
        s
    })
}

fn long_answer() -> String {
    format!("Start of the answer. {}finalword", numbered("w", 600, " "))
}

#[test]
fn card_screen_shows_the_front_only() {
    let out =
        rendered(&screen_with(Some(card("Which **acks** waits for the ISR?", "`acks=all`", false))), 80, 20);
    assert!(out.contains("Kafka/Producers/Acks.md › Acks › Durability"), "{out}");
    assert!(out.contains(" 3/7"), "{out}");
    assert!(out.contains("Which acks waits for the ISR?"), "{out}");
    assert!(!out.contains("acks=all"), "{out}");
    assert!(out.contains("[space] show answer"), "{out}");
    assert!(out.contains("done 2 · left 5 (new 1, learning 0, review 4)"), "{out}");
    assert!(out.contains("? help"), "{out}");
    insta::assert_snapshot!("front_80x20", out);
}

#[test]
fn answer_screen_shows_the_back_and_intervals() {
    let out = rendered(&screen_with(Some(card("Which acks waits for the ISR?", "`acks=all`", true))), 80, 20);
    assert!(out.contains("acks=all"), "{out}");
    assert!(out.contains("[1] Again now  [2] Hard 2d  [3] Good 8d  [4] Easy 11d"), "{out}");
}

#[test]
fn a_short_card_sits_in_a_short_box() {
    let (out, _, _) = frame(&screen_with(Some(card("One line?", "Yes.", false))), 80, 24);
    let rows: Vec<&str> = out.lines().collect();
    assert!(rows[1].starts_with('┌') && rows[2].contains("One line?") && rows[3].starts_with('└'), "{out}");
    assert!(rows[4].contains("[space] show answer"), "{out}");
}

#[test]
fn the_column_is_centred_and_at_most_the_reading_width() {
    let mut scr = screen_with(Some(card(&"word ".repeat(200), "A", false)));
    let out = rendered(&scr, 200, 50);
    let box_row = out.lines().find(|l| l.contains('┌')).expect("box");
    let left = box_row.chars().position(|c| c == '┌').expect("corner");
    let right = box_row.chars().position(|c| c == '┐').expect("corner");
    assert_eq!((left, right - left + 1), (50, 100), "{out}");
    for l in out.lines().filter(|l| l.contains("word")) {
        assert!(l.trim().chars().count() <= 100, "{l}");
    }
    scr.reading_width = 60;
    let out = rendered(&scr, 200, 50);
    let box_row = out.lines().find(|l| l.contains('┌')).expect("box");
    let left = box_row.chars().position(|c| c == '┌').expect("corner");
    let right = box_row.chars().position(|c| c == '┐').expect("corner");
    assert_eq!((left, right - left + 1), (70, 60), "{out}");
}

#[test]
fn a_long_answer_scrolls_to_its_last_word_at_every_size() {
    let text = long_answer();
    let c = card("How long?", &text, true);
    for (w, h) in SIZES.into_iter().chain([(60, 15), (40, 10), (20, 5)]) {
        assert_all_shown(&c, &format!("How long?\n\n{text}"), w, h);
        let frames = page_through(&c, w, h);
        let last = frames.last().expect("a frame");
        assert!(last.contains("finalword"), "{w}×{h}:\n{last}");
        if frames.len() > 1 {
            assert!(last.contains("▲"), "{w}×{h}: scrolled, so more above:\n{last}");
        }
    }
}

#[test]
fn reveal_moves_to_the_start_of_the_answer() {
    let question = numbered("q", 40, " ");
    let mut c = card(&question, &long_answer(), false);
    let mut ui = Ui { reading_width: 100, ..Ui::default() };
    ui.follow(Some(&c));
    let (_, _, drawn) = frame(&screen_with(Some(c.clone())), 40, 10);
    ui.drawn = drawn;
    c.revealed = true;
    ui.follow(Some(&c));
    let mut scr = screen_with(Some(c.clone()));
    scr.scroll = ui.scroll;
    let out = rendered(&scr, 40, 10);
    assert!(out.contains("Start of the answer."), "{out}");
    assert!(out.contains("▲") && out.contains("▼"), "{out}");
    assert!(!out.contains("q0 "), "{out}");
}

#[test]
fn resizing_keeps_the_place() {
    let paragraphs = numbered("Paragraph ", 80, " has some words in it.\n\n");
    // Many paragraphs, then one long paragraph: the place is kept within it too.
    for text in [paragraphs, long_answer()] {
        let c = card(&text, "A", false);
        let mut ui = Ui { reading_width: 200, ..Ui::default() };
        ui.follow(Some(&c));
        let (_, _, drawn) = frame(&screen_with(Some(c.clone())), 120, 20);
        ui.drawn = drawn;
        ui.scroll_by(Some(&c), 10);
        let mut scr = screen_with(Some(c.clone()));
        scr.scroll = ui.scroll;
        scr.reading_width = 200;
        // The first two words of the first row of text (below breadcrumb and border).
        let lead = |out: &str| {
            let row = text_rows(out).get(2).cloned().unwrap_or_default();
            row.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
        };
        let wide = rendered(&scr, 120, 20);
        let narrow = rendered(&scr, 40, 12);
        assert!(lead(&wide).starts_with('w') || lead(&wide).starts_with("Paragraph 5"), "{wide}");
        assert_eq!(lead(&narrow), lead(&wide), "{wide}\n{narrow}");
    }
}

#[test]
fn tables_code_math_and_tabs_at_every_size() {
    let table = "| setting | value | effect |\n|---|:-:|---|\n| acks | all | waits for every in-sync replica |\n| linger.ms | 5 | batches wait this long |";
    let code = "```java\nprops.put(\"acks\", \"all\");\nprops.put(\"linger.ms\", 5); // a comment long enough to be cut at forty columns\n```";
    let math = r"Note $a\,b \{x\}$ and $$\frac{1}{2}$$";
    let tab = "col1\tcol2\tcol3";
    for (w, h) in SIZES {
        for text in [table, code, math, tab] {
            let c = card("Q", text, true);
            assert_all_shown(&c, &format!("Q\n\n{text}"), w, h);
        }
        let out = rendered(&screen_with(Some(card("Q", table, true))), w, h);
        assert!(out.contains("┼"), "{w}×{h}: a header separator:\n{out}");
        if w >= 80 {
            assert!(out.contains("acks      │  all  │ waits for every in-sync replica"), "{w}×{h}:\n{out}");
        }
        let out = rendered(&screen_with(Some(card("Q", code, true))), w, h);
        assert!(out.contains("┌─ java"), "{w}×{h}:\n{out}");
        if w == 40 {
            assert!(out.contains("↪"), "a cut code line continues after a marker:\n{out}");
        }
        let out = rendered(&screen_with(Some(card("Q", math, true))), w, h);
        assert!(out.contains(r"$a\,b \{x\}$"), "{w}×{h}:\n{out}");
        let out = rendered(&screen_with(Some(card("Q", tab, true))), w, h);
        assert!(out.contains("col1    col2    col3"), "{w}×{h}:\n{out}");
    }
    insta::assert_snapshot!("table_80x24", rendered(&screen_with(Some(card("Q", table, true))), 80, 24));
    insta::assert_snapshot!("code_40x12", rendered(&screen_with(Some(card("Q", code, true))), 40, 12));
}

#[test]
fn clozes_stand_out_by_shape_and_hidden_ones_differ() {
    let mut c = card("", "", true);
    c.kind = crate::parse::QuestionKind::Cloze;
    c.front_marked = "The \u{E000}[...]\u{E001} acks writes; \u{E004}[...]\u{E005} follow.".into();
    c.back_marked = "The \u{E000}leader\u{E001} acks writes; \u{E004}[...]\u{E005} follow.".into();
    for (w, h) in SIZES {
        let (out, buf, _) = frame(&screen_with(Some(c.clone())), w, h);
        let text = text_rows(&out).join(" ");
        assert!(text.contains("The [...] acks writes; ⟨hidden⟩"), "{w}×{h}:\n{out}");
        let at = |needle: &str| {
            (0..buf.area.height).find_map(|y| {
                let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_owned()).collect();
                row.find(needle).map(|i| (u16::try_from(row[..i].chars().count()).expect("x"), y))
            })
        };
        let asked = at("leader").expect("the answer is shown");
        assert!(
            buf[asked].modifier.contains(Modifier::BOLD | Modifier::UNDERLINED),
            "asked: bold and underlined"
        );
        let hidden = at("⟨hidden⟩").expect("the hidden one is shown");
        assert!(buf[hidden].modifier.contains(Modifier::DIM), "hidden: dimmed");
        assert!(!buf[hidden].modifier.contains(Modifier::UNDERLINED), "hidden: not like the asked one");
        assert_eq!(buf[asked].fg, ratatui::style::Color::Reset, "no colour is needed to see it");
    }
}

#[test]
fn the_help_lists_every_key_and_fits_any_width() {
    for (w, h) in SIZES.into_iter().chain([(20, 5), (30, 8)]) {
        let mut scr = screen_with(Some(card("Q", "A", true)));
        scr.help = Some(0);
        let mut ui = Ui { help: Some(0), reading_width: 100, ..Ui::default() };
        let mut seen = String::new();
        for _ in 0..100 {
            scr.help = ui.help;
            let (out, _, drawn) = frame(&scr, w, h);
            seen.push_str(&out);
            ui.drawn = drawn;
            let before = ui.help;
            ui.scroll_by(None, ui.page());
            if ui.help == before {
                break;
            }
        }
        for (keys, what) in HELP {
            let first_word = what.split(' ').next().unwrap_or("");
            assert!(seen.contains(&keys[..keys.len().min(usize::from(w) - 6)]), "{w}×{h}: {keys}:\n{seen}");
            assert!(seen.contains(first_word), "{w}×{h}: {what}:\n{seen}");
        }
        // Every row of the help is whole: a description is wrapped, not cut.
        let widest =
            HELP.iter().map(|(_, d)| d.split(' ').map(str::len).max().unwrap_or(0)).max().unwrap_or(0);
        if usize::from(w) >= widest + 6 {
            for (_, what) in HELP {
                for word in what.split(' ') {
                    assert!(seen.contains(word), "{w}×{h}: {word:?} of {what:?}:\n{seen}");
                }
            }
        }
    }
    let mut scr = screen_with(Some(card("Q", "A", true)));
    scr.help = Some(0);
    insta::assert_snapshot!("help_80x24", rendered(&scr, 80, 24));
}

#[test]
fn the_summary_at_every_size() {
    let mut scr = screen_with(None);
    scr.summary = Some(Summary {
        answers: [1, 2, 3, 4],
        reviewed: 10,
        seconds: 125,
        skipped: 2,
        next_due: Some((1, 7)),
        review_answers: 8,
        review_recalled: 7,
        left_today: 240,
        ..Summary::default()
    });
    for (w, h) in SIZES {
        let out = rendered(&scr, w, h);
        assert!(out.contains("Session complete"), "{w}×{h}:\n{out}");
        // Every word of every line, in order, wrapped or not.
        let words = |t: &str| {
            t.split(|c: char| c.is_whitespace() || c == '│')
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let shown = words(&out).join(" ");
        for line in [
            "Reviewed 10 cards in 2m 05s.",
            "Again 1 · Hard 2 · Good 3 · Easy 4",
            "skipped 2",
            "Retention on review cards: 88% (7 of 8 not Again).",
            "Still due today: 240 cards (within the daily limits).",
            "Next: 7 cards due tomorrow.",
        ] {
            assert!(shown.contains(&words(line).join(" ")), "{w}×{h}: {line:?}:\n{out}");
        }
    }
    insta::assert_snapshot!("summary_80x24", rendered(&scr, 80, 24));
}

#[test]
fn small_windows_give_way_in_order() {
    let c = card("Question?", "Answer line one.\nline two\nline three\nline four\nline five", true);
    let scr = screen_with(Some(c));
    let big = rendered(&scr, 60, 24);
    assert!(big.contains("Acks.md") && big.contains("? help") && big.contains('┌'), "{big}");
    // Ten rows: the breadcrumb goes first.
    let out = rendered(&scr, 40, 10);
    assert!(!out.contains("Acks.md") && out.contains("? help"), "{out}");
    assert!(out.contains("Answer line one.") && out.contains("1 A now"), "{out}");
    // A message on the status line takes the key bar's row.
    let mut with_status = scr.clone();
    with_status.status = Some("Skipped".into());
    let out = rendered(&with_status, 40, 10);
    assert!(!out.contains("Acks.md") && !out.contains("? help") && out.contains("Skipped"), "{out}");
    assert!(out.contains("Answer line one.") && out.contains('┌'), "{out}");
    // Five rows: no borders either; the text still shows, with a marker.
    let out = rendered(&scr, 20, 5);
    assert!(!out.contains('┌'), "{out}");
    assert!(out.contains("Question?") && out.contains("▼"), "{out}");
    // Below the minimum one line says so.
    let out = rendered(&scr, 19, 5);
    assert!(out.starts_with("Window too small"), "{out}");
    for (w, h) in [(1, 1), (10, 3), (20, 4), (40, 5), (3, 40)] {
        let _ = rendered(&scr, w, h);
    }
}

#[test]
fn the_progress_line_never_runs_over_its_text() {
    for w in [20usize, 30, 40, 60, 80, 200] {
        let line = view::progress_line(
            Progress { done: 20, left: 5, new_left: 1, learning_left: 0, review_left: 4 },
            w,
        );
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        assert!(crate::render::width(&text) <= w, "{w}: {text}");
        assert!(text.starts_with("done 20 · left 5") || text.starts_with("20/25"), "{w}: {text}");
        let bar = text.chars().filter(|&c| c == '█' || c == '░').count();
        if bar > 0 {
            assert_eq!(text.chars().filter(|&c| c == '█').count(), (bar * 20 + 12) / 25, "{w}: {text}");
        }
    }
}

#[test]
fn the_status_line_shows_messages() {
    let mut scr = screen_with(Some(card("Q", "A", false)));
    scr.status = Some("Buried until tomorrow: 2 cards".into());
    for (w, h) in SIZES {
        let out = rendered(&scr, w, h);
        assert!(out.contains("Buried until tomorrow: 2 cards"), "{w}×{h}:\n{out}");
        if h >= 12 {
            assert!(out.contains("? help"), "{w}×{h}: the key bar stays:\n{out}");
        }
    }
}

#[test]
fn escape_sequences_from_notes_are_shown_not_sent() {
    let long = "x".repeat(10_000);
    let evil = format!("clear \u{1b}[2J bell \u{7} {long}");
    let mut c = card(&evil, &evil, true);
    c.path = "evil\u{1b}[31m.md".into();
    c.context = vec!["\u{1b}]0;title\u{7}".into()];
    let out = rendered(&screen_with(Some(c)), 80, 24);
    assert!(out.contains("␛[2J"), "{out}");
    assert!(out.contains("␇"), "{out}");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'));
}

#[test]
fn keys_map_to_actions() {
    let k = |c: KeyCode| KeyEvent::new(c, KeyModifiers::NONE);
    let ctrl = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    assert_eq!(key_action(k(KeyCode::Char(' ')), false), KeyAction::Reveal);
    assert_eq!(key_action(k(KeyCode::Char('3')), true), KeyAction::Answer(Response::Good));
    assert_eq!(
        key_action(k(KeyCode::Char('3')), false),
        KeyAction::None,
        "no answer before the back is shown"
    );
    assert_eq!(key_action(k(KeyCode::Char('u')), true), KeyAction::Undo);
    assert_eq!(key_action(ctrl('c'), true), KeyAction::Quit);
    assert_eq!(key_action(k(KeyCode::Down), true), KeyAction::Lines(1));
    assert_eq!(key_action(k(KeyCode::Char('k')), true), KeyAction::Lines(-1));
    assert_eq!(key_action(k(KeyCode::PageDown), true), KeyAction::Pages(1));
    assert_eq!(key_action(ctrl('d'), true), KeyAction::Pages(1));
    assert_eq!(key_action(ctrl('u'), true), KeyAction::Pages(-1));
    assert_eq!(key_action(k(KeyCode::End), true), KeyAction::Bottom);
    assert_eq!(key_action(k(KeyCode::Home), true), KeyAction::Top);
    assert_eq!(key_action(ctrl('z'), true), KeyAction::Suspend);
    assert_eq!(key_action(k(KeyCode::Char('v')), true), KeyAction::Image);
    assert_eq!(key_action(k(KeyCode::Char('i')), true), KeyAction::Info);
    assert_eq!(key_action(k(KeyCode::Char('r')), true), KeyAction::Reset);
}

#[test]
fn the_key_bar_fits_and_ends_with_help() {
    for w in [20, 40, 80, 200] {
        let bar = key_hints(true, true, true, w);
        assert!(crate::render::width(&bar) <= w, "{w}: {bar}");
        assert!(bar.ends_with("? help"), "{w}: {bar}");
    }
    assert!(key_hints(false, true, false, 200).contains("↓↑ scroll"));
}

#[test]
fn scroll_anchors_round_trip() {
    let c = card(&long_answer(), "A", false);
    let lines = card_text(&c, 30).lines;
    for top in [0, 1, 5, 17, lines.len() - 1] {
        assert_eq!(Scroll::at(&lines, top).top(&lines), top);
    }
    assert_eq!(viewport(100, 10, 95, false), (90, 10, 90, 0));
    assert_eq!(viewport(100, 10, 0, true), (0, 9, 0, 91));
    assert_eq!(viewport(100, 10, 50, true), (50, 8, 50, 42));
    assert_eq!(viewport(100, 10, 500, true), (91, 9, 91, 0));
    assert_eq!(viewport(5, 10, 3, true), (0, 5, 0, 0));
}

#[test]
fn obsidian_links_are_encoded() {
    assert_eq!(
        obsidian_uri(Path::new("/home/me/My Vault"), "Kafka/Acks & ISR.md"),
        "obsidian://open?vault=My%20Vault&file=Kafka/Acks%20%26%20ISR"
    );
}

#[test]
fn the_timer_shows_the_time_on_the_card() {
    assert_eq!((timer(0), timer(75), timer(3723)), ("0:00".into(), "1:15".into(), "1:02:03".into()));
    let mut scr = screen_with(Some(card("Q", "A", false)));
    scr.seconds_on_card = 75;
    assert!(rendered(&scr, 80, 24).contains("1:15 · 3/7"), "{}", rendered(&scr, 80, 24));
}
