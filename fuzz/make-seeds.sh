#!/usr/bin/env bash
# Rebuilds fuzz/seeds/ from the repository's notes: the bundled vault in
# notes/ and every conformance case's vault. Each seed is named by its hash.
#   parse/ and edit/: the selector byte(s) the targets expect, then a note
#                     (cases with their own settings get the matching preset)
#   codec/:           every distinct schedule comment line, and a few dates
#   fsrs/:            a rating byte, then every distinct FSRS segment's fields
#                     (after `fsrs,`) of the notes and the conformance corpus
#   frontmatter/:     a 12-byte schedule, the selector byte, then a note
# anki/ is committed by hand (docs/fuzzing.md) and left alone.
set -euo pipefail
cd "$(dirname "$0")"
repo=..
# Regression inputs (inputs that once failed, kept as seeds) survive.
for t in parse edit codec fsrs frontmatter; do
    find "seeds/$t" -type f ! -name 'regress-*' -delete 2>/dev/null || true
done
mkdir -p seeds/parse seeds/edit seeds/codec seeds/fsrs seeds/frontmatter
shared=${CONFORMANCE:-/work/shared/conformance}
[ -d "$shared/cases" ] || shared=$repo/tests/conformance

put() { # put DIR FILE: move FILE into DIR under its hash
    local h
    h=$(sha1sum "$2" | cut -c1-16)
    mv "$2" "$1/$h"
}

preset() { # the Case selector preset for a conformance case
    case "$1" in
        *13-custom-separators*) echo 1 ;;
        *12-multiline-end-marker*) echo 2 ;;
        *38-cloze-pattern-settings* | *39-cloze-patterns-custom*) echo 3 ;;
        *22-convert-folders-to-decks*) echo 68 ;; # preset 4, folder Kafka/Producers
        *30-comment-on-same-line*) echo 8 ;;
        *31-block-ids-and-callouts*) echo 16 ;;
        *) echo 0 ;;
    esac
}

tmp=$(mktemp)
while IFS= read -r -d '' f; do
    sel=$(preset "$f")
    printf "\\x$(printf %02x "$sel")" >"$tmp"
    cat "$f" >>"$tmp"
    put seeds/parse "$tmp"
    # edit: selector, question pick, sibling/answer pick (Good on sibling 0),
    # second card (question 1), through the real applier (pick bit 7,
    # choice bit 3).
    printf "\\x$(printf %02x "$sel")\\x80\\x28\\x01" >"$tmp"
    cat "$f" >>"$tmp"
    put seeds/edit "$tmp"
    # frontmatter: two schedules (whole numbers; raw doubles), one note each
    for sched in '\x07\xe8\x00\xb4\x00\x00\x0d\x00\xfa\x00\x00\x00' \
        '\x07\xe8\x01\x00\x01\x3f\xf8\x00\x00\x00\x00\x00'; do
        printf "$sched\\x$(printf %02x "$sel")" >"$tmp"
        cat "$f" >>"$tmp"
        put seeds/frontmatter "$tmp"
    done
done < <(find "$repo/notes" "$repo/tests/conformance/cases" "$shared/cases" -name '*.md' -print0 | sort -z)

i=0
while IFS= read -r line; do
    printf '%s' "$line" >"$tmp"
    put seeds/codec "$tmp"
    i=$((i + 1))
done < <(grep -rhoa '<!--SR:.*-->' "$repo/notes" "$repo/tests/conformance/cases" --include='*.md' | sort -u)
for d in '2024-06-05' '05-06-2024' 'Wed Jun 05 2024' '2024-13-45' '2024-02-30' '0x1F' ' 250.9 '; do
    printf '%s' "$d" >"$tmp"
    put seeds/codec "$tmp"
done
r=0
while IFS= read -r seg; do
    printf "\\x$(printf %02x $((r % 4)))%s" "$seg" >"$tmp"
    put seeds/fsrs "$tmp"
    r=$((r + 1))
done < <(grep -rhoa '!fsrs,[^!]*' "$repo/notes" "$repo/tests/conformance/cases" "$shared" \
    --include='*.md' --include='*.jsonl' | sed -e 's/^!fsrs,//' -e 's/-->.*//' -e 's/".*//' | sort -u)
rm -f "$tmp"
for t in parse edit codec fsrs frontmatter; do echo "$t: $(ls seeds/$t | wc -l) seeds"; done
