use super::*;

fn opts_with(settings: &Settings) -> (Clozes, NaiveDate) {
    let _ = settings;
    (Clozes::new(&settings.cloze_patterns), NaiveDate::from_ymd_opt(2024, 6, 20).expect("date"))
}

fn parse_with(text: &str, settings: &Settings) -> Note {
    let (clozes, today) = opts_with(settings);
    let opts = ParseOptions {
        settings,
        clozes: &clozes,
        today,
        now: crate::clock::When::noon_of(today, crate::clock::Zone::utc()).now,
        zone: crate::clock::Zone::utc(),
        detail: crate::parse::Detail::Full,
    };
    parse_note(text.to_owned(), None, &opts, false)
}

fn parse(text: &str) -> Note {
    parse_with(text, &Settings::default())
}

fn sides(note: &Note) -> Vec<(String, String)> {
    note.questions
        .iter()
        .flat_map(|q| {
            q.sides(&note.text, &Settings::default(), &Clozes::new(&Settings::default().cloze_patterns))
                .into_iter()
                .map(|(f, b)| (f.trim().to_owned(), b.trim().to_owned()))
        })
        .collect()
}

#[test]
fn single_line_cards_split_at_the_first_separator() {
    let n = parse("#flashcards\n\nQ::A::B\nR:::S\n");
    assert_eq!(
        sides(&n),
        vec![("Q".into(), "A::B".into()), ("R".into(), "S".into()), ("S".into(), "R".into())]
    );
}

#[test]
fn inline_card_discards_the_block_above() {
    let n = parse("#flashcards\n\nQ\n?\nA\nx::y\n");
    assert_eq!(n.questions.len(), 1);
    assert_eq!(n.questions[0].first_line, 5);
}

#[test]
fn comment_spans_point_at_the_bytes() {
    let text = "#flashcards\r\n\r\nQ::A\r\n<!--SR:!2024-06-18,13,290-->\r\n";
    let n = parse(text);
    let q = &n.questions[0];
    let span = q.comment.clone().expect("comment");
    assert_eq!(&text[span], "<!--SR:!2024-06-18,13,290-->");
    assert_eq!(q.schedule(0).due_date(crate::clock::Zone::utc()), NaiveDate::from_ymd_opt(2024, 6, 18));
}

#[test]
fn anchor_of_a_new_card_is_its_last_line() {
    let text = "#flashcards\n\nFront\n?\nBack ^blk\n\nQ::A";
    let n = parse(text);
    let a = n.questions[0].anchor.clone().expect("anchor");
    assert_eq!(a.line, 4);
    assert_eq!(&text[a.same_line_at..a.same_line_at + 5], " ^blk");
    let b = n.questions[1].anchor.clone().expect("anchor");
    assert_eq!(b.line, 6);
    assert_eq!(b.same_line_at, text.len());
}

#[test]
fn unclosed_fence_has_no_anchor() {
    let n = parse("#flashcards\n\nQ\n?\n```\ncode");
    assert_eq!(n.questions.len(), 1);
    assert!(n.questions[0].anchor.is_none());
    assert_eq!(n.quirks, vec![Quirk::UnclosedFence { line: 4 }]);
}

#[test]
fn notes_without_flashcard_tags_have_no_questions() {
    let n = parse("Q::A\n#other\n");
    assert!(!n.has_deck);
    assert!(n.questions.is_empty());
}

#[test]
fn bom_is_not_part_of_the_first_line() {
    let n = parse("\u{feff}#flashcards\nQ::A\n");
    assert_eq!(n.line(0), "#flashcards");
    assert_eq!(n.questions.len(), 1);
    assert_eq!(n.questions[0].decks.to_vec(), vec!["flashcards"]);
}

#[test]
fn html_comment_quirks_are_recorded() {
    let n = parse("#flashcards\n<!-- c -->\nLost::x\nKept::y\n<!-- open\nHidden::z\n");
    assert_eq!(sides(&n), vec![("Kept".into(), "y".into())]);
    assert_eq!(n.quirks, vec![Quirk::CommentSkipsNextLine { line: 1 }, Quirk::CommentHidesRest { line: 4 }]);
}

#[test]
fn inline_marker_ignores_code() {
    assert!(has_inline_marker("a::b", "::"));
    assert!(!has_inline_marker("`a::b` c::d", "::"));
    assert!(has_inline_marker("``code::x`` y", "::"));
    assert!(!has_inline_marker("a::b", ""));
}

#[test]
fn cyrb53_hashes_utf16_units_with_either_seed() {
    // The plugin's JavaScript, one seed at a time, over UTF-16 code units.
    fn js(s: &str, seed: u32) -> u64 {
        let (mut h1, mut h2): (u32, u32) = (0xdead_beef ^ seed, 0x41c6_ce57 ^ seed);
        for ch in s.encode_utf16() {
            let c = u32::from(ch);
            h1 = (h1 ^ c).wrapping_mul(2_654_435_761);
            h2 = (h2 ^ c).wrapping_mul(1_597_334_677);
        }
        h1 = (h1 ^ (h1 >> 16)).wrapping_mul(2_246_822_507) ^ (h2 ^ (h2 >> 13)).wrapping_mul(3_266_489_909);
        h2 = (h2 ^ (h2 >> 16)).wrapping_mul(2_246_822_507) ^ (h1 ^ (h1 >> 13)).wrapping_mul(3_266_489_909);
        4_294_967_296 * u64::from(h2 & 0x1f_ffff) + u64::from(h1)
    }
    for s in ["", "a", "#flashcards What is ISR?", "café", "𝄞 clef", "日本語"] {
        assert_eq!(cyrb53(s, 0), js(s, 0), "{s}");
        assert_eq!(cyrb53_pair(s, 7, 0x9e37_79b9), (js(s, 7), js(s, 0x9e37_79b9)), "{s}");
        let key = format!("#topic {s}");
        assert_eq!(js::cyrb53_parts(&["#topic", " ", s], 3), js(&key, 3), "{key}");
    }
    assert_eq!(cyrb53("a", 0), 7_929_297_801_672_961);
}

#[test]
fn the_queue_detail_gives_each_question_the_full_address_and_hash() {
    let notes = [
        // A block right after a one-line card; a skipped comment.
        "#flashcards\n\nQ::A\nfront\n?\nback\n<!--x-->\nskipped\nafter\n??\nrev\n",
        // CRLF, trailing blanks, a topic tag, a block id, two comments.
        "#flashcards\r\n\r\n#flashcards/t  Q::A ^id-1  \r\n<!--SR:!2024-06-18,13,290-->\r\n\r\nM <!--SR:x--> <!--SR:!2024-06-18,1,250-->\n?\nB\n",
        // Clozes, a fence, an unclosed fence, front matter.
        "---\ntags: [flashcards]\n---\n==a== and ==b==\n<!--SR:!2024-06-01,3,250!2024-06-30,3,250-->\n\n```\ncode\n```\n?\nans\n\n~~~\nopen\n",
        // A multi-line card whose lines are not contiguous (trailing blanks).
        "#flashcards/x\n\nline one   \nline two\t\n?\nback   \n<!--SR:!2024-06-01,3,250-->\n",
    ];
    let settings = Settings::default();
    let (clozes, today) = opts_with(&settings);
    let full = ParseOptions { detail: Detail::Full, ..ParseOptions::at_noon(&settings, &clozes, today) };
    let queue = ParseOptions { detail: Detail::Queue, ..full.clone() };
    for text in notes {
        let f = parse_note(text.to_owned(), Some("folder"), &full, false);
        let q = parse_note(text.to_owned(), Some("folder"), &queue, false);
        assert!(!f.questions.is_empty(), "{text:?}");
        assert_eq!(f.questions.len(), q.questions.len(), "{text:?}");
        for (a, b) in f.questions.iter().zip(&q.questions) {
            let what = format!("{text:?}, line {}", a.first_line);
            assert_eq!(
                (a.kind, a.first_line, a.last_line, a.text_line),
                (b.kind, b.first_line, b.last_line, b.text_line),
                "{what}"
            );
            assert_eq!((a.cards, &a.decks, &a.topic_tag), (b.cards, &b.decks, &b.topic_tag), "{what}");
            assert_eq!(a.actual(&f.text), b.actual(&q.text), "{what}");
            assert_eq!(a.hash_value(&f.text), b.hash_value(&q.text), "{what}");
            for i in 0..a.cards {
                assert!(a.schedule(i).same_as(&b.schedule(i)), "{what}, sibling {i}");
            }
        }
    }
    // The text lines that differ from the first lines are seen.
    let f = parse_note(notes[0].to_owned(), None, &queue, false);
    let lines: Vec<(usize, usize)> = f.questions.iter().map(|q| (q.first_line, q.text_line)).collect();
    assert_eq!(lines, [(2, 2), (2, 3)]);
}
