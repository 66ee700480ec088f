#!/usr/bin/env python3
"""Reviews recall's package in the real Anki, the way a phone would, and
exports the result with scheduling in every format recall reads.

Usage: review_sim.py WORKDIR PACKAGE [fsrs]

Imports PACKAGE (a `recall export --with-scheduling` .apkg) into a fresh
collection in WORKDIR/col, answers cards with Anki's own scheduler over
three days (every button; basic, reversed and cloze cards; some cards stay
new, some end in learning or relearning, one is suspended and one buried
after being answered), then writes:

  WORKDIR/current.apkg   current format (collection.anki21b, zstd)
  WORKDIR/legacy.apkg    legacy format (collection.anki21, "Support older Anki versions")
  WORKDIR/anki2.apkg     the oldest layout: the legacy collection as collection.anki2, no meta
  WORKDIR/current.colpkg the whole collection, current format

and prints, as JSON, what Anki holds: every card (its marker, the `Qnn`
word of its note's first field), its state, its due date, its FSRS memory
state and its reviews. With `fsrs`, the collection schedules with FSRS.

Days pass by moving the collection's creation time back a day and opening
the collection again (Anki caches the day). Review times are real: every
review falls on today's date. Run it with TZ set, as the tests do.
"""

import datetime
import json
import os
import re
import sys
import zipfile

from anki.collection import (
    Collection,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)

# Buttons per new card on day 0, by the card's position (cycled).
DAY0 = [[3, 3], [4], [1, 3, 3], [2, 3, 3], [3, 3], [1, 1, 3, 3], [4]]


def strip(html):
    return re.sub(r"<[^>]+>", "", html)


def marker(col, card):
    m = re.search(r"Q\d\d", strip(col.get_note(card.nid).fields[0]))
    return m.group(0) if m else None


def anki_day(ms, rollover):
    t = datetime.datetime.fromtimestamp(ms / 1000) - datetime.timedelta(hours=rollover)
    return t.date()


def next_day(path, col):
    col.crt = col.crt - 86400
    col.close()
    return Collection(path)


def main():
    if len(sys.argv) not in (3, 4):
        raise SystemExit(__doc__)
    work, package = sys.argv[1], sys.argv[2]
    fsrs = sys.argv[3:] == ["fsrs"]
    os.makedirs(os.path.join(work, "col"), exist_ok=True)
    path = os.path.join(work, "col", "collection.anki2")
    col = Collection(path)
    col.import_anki_package(
        ImportAnkiPackageRequest(
            package_path=package,
            options=ImportAnkiPackageOptions(
                with_scheduling=True, with_deck_configs=False, merge_notetypes=False
            ),
        )
    )
    if fsrs:
        col.set_config("fsrs", True)
    answered = []

    def answer(cid, ease):
        card = col.get_card(cid)
        card.start_timer()
        col.sched.answerCard(card, ease)
        answered.append((cid, ease))

    cards = sorted(col.find_cards(""), key=lambda c: (col.get_card(c).nid, col.get_card(c).ord))
    new_cards = [cid for cid in cards if col.get_card(cid).type == 0]
    untouched = set(new_cards[-3:])
    # Day 0: new cards learnt (three left new), review cards answered once.
    for i, cid in enumerate(cards):
        card = col.get_card(cid)
        if card.type == 2:
            answer(cid, [3, 2, 4, 1][i % 4])
        elif cid not in untouched:
            for ease in DAY0[i % len(DAY0)]:
                answer(cid, ease)
    col = next_day(path, col)
    # Day 1: whatever is due, every button in turn.
    today = col.sched.today
    for i, cid in enumerate(cards):
        card = col.get_card(cid)
        if card.queue in (2, 3) and card.due <= today or card.queue == 1:
            answer(cid, [1, 2, 3, 4][i % 4])
    col = next_day(path, col)
    # Day 2: two lapses left in relearning, two new cards left in learning
    # (one stays new), one answered card suspended and one buried.
    lapsed = 0
    for cid in cards:
        if col.get_card(cid).type == 2 and lapsed < 2:
            answer(cid, 1)
            lapsed += 1
    for cid in new_cards[-3:-1]:
        answer(cid, 3)
    rollover = col.get_config("rollover", 4)
    anki_today = (datetime.datetime.now() - datetime.timedelta(hours=rollover)).date()
    # (Asking for today unburies cards buried on an earlier day: ask first.)
    today = col.sched.today
    reviewed = [cid for cid in cards if col.get_card(cid).type == 2 and col.get_card(cid).queue == 2]
    col.sched.suspend_cards(reviewed[:1])
    col.sched.bury_cards(reviewed[1:2], manual=True)

    out = []
    for cid in cards:
        card = col.get_card(cid)
        revlog = col.db.all(
            "select id, ease, ivl, lastIvl, factor, time, type from revlog where cid = ? order by id",
            cid,
        )
        kind = col.get_note(card.nid).note_type()["name"]
        data = json.loads(col.db.scalar("select data from cards where id = ?", cid) or "{}")
        memory = card.memory_state
        out.append(
            {
                "id": cid,
                "marker": marker(col, card),
                "notetype": kind,
                "ord": card.ord,
                "type": card.type,
                "queue": card.queue,
                "due": card.due,
                "ivl": card.ivl,
                "factor": card.factor,
                "reps": card.reps,
                "lapses": card.lapses,
                "left": card.left,
                "s": data.get("s") if memory else None,
                "d": data.get("d") if memory else None,
                "lrt": data.get("lrt"),
                "due_date": (anki_today + datetime.timedelta(days=card.due - today)).isoformat()
                if card.type == 2
                else None,
                "last_review_day": anki_day(revlog[-1][0], rollover).isoformat() if revlog else None,
                "revlog": [
                    dict(zip(("id", "ease", "ivl", "last_ivl", "factor", "time", "type"), r))
                    for r in revlog
                ],
            }
        )
    col.export_anki_package(
        out_path=os.path.join(work, "current.apkg"),
        options=ExportAnkiPackageOptions(with_scheduling=True, with_media=True, legacy=False),
        limit=None,
    )
    col.export_anki_package(
        out_path=os.path.join(work, "legacy.apkg"),
        options=ExportAnkiPackageOptions(with_scheduling=True, with_media=True, legacy=True),
        limit=None,
    )
    with zipfile.ZipFile(os.path.join(work, "legacy.apkg")) as src, zipfile.ZipFile(
        os.path.join(work, "anki2.apkg"), "w", zipfile.ZIP_DEFLATED
    ) as dst:
        dst.writestr("collection.anki2", src.read("collection.anki21"))
        dst.writestr("media", src.read("media"))
    col.export_collection_package(os.path.join(work, "current.colpkg"), include_media=True, legacy=False)
    print(
        json.dumps(
            {
                "anki_today": anki_today.isoformat(),
                "answers": len(answered),
                "buttons": sorted({e for _, e in answered}),
                "cards": out,
            }
        )
    )


if __name__ == "__main__":
    main()
