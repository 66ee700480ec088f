//! Rendering tests: frames drawn into ratatui's TestBackend.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::*;

fn card(front: &str, back: &str, revealed: bool) -> CardView {
    CardView {
        path: "Kafka/Producers/Acks.md".into(),
        line: 12,
        sibling: 0,
        kind: crate::parse::QuestionKind::Basic,
        decks: vec!["flashcards/kafka/producers".into()],
        context: vec!["Acks".into(), "Durability".into()],
        front: front.into(),
        back: back.into(),
        front_marked: front.into(),
        back_marked: back.into(),
        is_new: false,
        revealed,
        intervals: vec![
            (Response::Again, 0.0),
            (Response::Hard, 2.0),
            (Response::Good, 8.0),
            (Response::Easy, 11.0),
        ],
    }
}

fn screen_with(card: Option<CardView>) -> Screen {
    Screen {
        card,
        progress: Progress { done: 2, left: 5, new_left: 1, review_left: 4 },
        message: None,
        help: false,
        summary: None,
        color: false,
    }
}

fn rendered(scr: &Screen, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| draw(f, scr)).expect("draw");
    let buf = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

#[test]
fn card_screen_shows_the_front_only() {
    let out =
        rendered(&screen_with(Some(card("Which **acks** waits for the ISR?", "`acks=all`", false))), 80, 20);
    assert!(out.contains("Kafka/Producers/Acks.md › Acks › Durability"), "{out}");
    assert!(out.contains(" 3/7 "), "{out}");
    assert!(out.contains("Which acks waits for the ISR?"), "{out}");
    assert!(!out.contains("acks=all"), "{out}");
    assert!(out.contains("[space] show answer"), "{out}");
    assert!(out.contains("done 2 · left 5 (new 1, review 4)"), "{out}");
    assert!(out.contains("? help"), "{out}");
}

#[test]
fn answer_screen_shows_the_back_and_intervals() {
    let out = rendered(&screen_with(Some(card("Which acks waits for the ISR?", "`acks=all`", true))), 80, 20);
    assert!(out.contains("acks=all"), "{out}");
    assert!(out.contains("[1] Again now"), "{out}");
    assert!(out.contains("[2] Hard 2d"), "{out}");
    assert!(out.contains("[3] Good 8d"), "{out}");
    assert!(out.contains("[4] Easy 11d"), "{out}");
}

#[test]
fn cloze_is_highlighted() {
    let mut c = card("The [...] acks writes.", "The leader acks writes.", true);
    c.front_marked = "The \u{E000}[...]\u{E001} acks writes.".into();
    c.back_marked = "The \u{E000}leader\u{E001} acks writes.".into();
    c.kind = crate::parse::QuestionKind::Cloze;
    let scr = screen_with(Some(c));
    let mut t = Terminal::new(TestBackend::new(60, 16)).expect("terminal");
    t.draw(|f| draw(f, &scr)).expect("draw");
    let buf = t.backend().buffer().clone();
    let mut found = false;
    for y in 0..buf.area.height {
        let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_owned()).collect();
        if let Some(i) = row.find("leader") {
            let x = u16::try_from(row[..i].chars().count()).expect("x");
            assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED), "the answer is highlighted");
            found = true;
        }
    }
    assert!(found);
    let text = rendered(&scr, 60, 16);
    assert!(text.contains("The [...] acks writes."), "{text}");
}

#[test]
fn summary_screen() {
    let mut scr = screen_with(None);
    scr.summary = Some(Summary {
        answers: [1, 2, 3, 4],
        reviewed: 10,
        seconds: 125,
        next_due: Some((1, 7)),
        ..Summary::default()
    });
    let out = rendered(&scr, 60, 12);
    assert!(out.contains("Session complete"), "{out}");
    assert!(out.contains("Reviewed 10 cards in 2m 05s."), "{out}");
    assert!(out.contains("Again 1 · Hard 2 · Good 3 · Easy 4"), "{out}");
    assert!(out.contains("Next: 7 cards due tomorrow."), "{out}");
}

#[test]
fn small_terminals_and_help() {
    let mut scr = screen_with(Some(card("Q", "A", true)));
    let out = rendered(&scr, 40, 12);
    assert!(out.contains("[1] Again"), "{out}");
    scr.help = true;
    let out = rendered(&scr, 40, 12);
    assert!(out.contains("keys"), "{out}");
    // Tiny sizes never panic.
    for (w, h) in [(1, 1), (10, 3), (40, 5)] {
        let _ = rendered(&scr, w, h);
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
    assert_eq!(key_action(k(KeyCode::Char(' ')), false), KeyAction::Reveal);
    assert_eq!(key_action(k(KeyCode::Char('3')), true), KeyAction::Answer(Response::Good));
    assert_eq!(
        key_action(k(KeyCode::Char('3')), false),
        KeyAction::None,
        "no answer before the back is shown"
    );
    assert_eq!(key_action(k(KeyCode::Char('u')), true), KeyAction::Undo);
    assert_eq!(key_action(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL), true), KeyAction::Quit);
}

#[test]
fn obsidian_links_are_encoded() {
    assert_eq!(
        obsidian_uri(Path::new("/home/me/My Vault"), "Kafka/Acks & ISR.md"),
        "obsidian://open?vault=My%20Vault&file=Kafka/Acks%20%26%20ISR"
    );
}
