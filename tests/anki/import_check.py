#!/usr/bin/env python3
"""Imports recall's exports into an Anki collection and prints, as JSON, what
Anki then holds: the import logs, notes, cards, decks and media.

Usage: import_check.py COLLECTION STEP...
  STEP is apkg:FILE (scheduling not imported), apkg-sched:FILE (imported, as
  with "Import any learning progress"), or txt:FILE (Anki's text import).

The collection is created if missing, so steps can be spread over several
runs. Run it with the python of the venv that scripts/test-deps.sh makes.
"""

import datetime
import json
import os
import re
import sys

from anki.collection import (
    Collection,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
    ImportCsvRequest,
)
from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition

LOG_KINDS = (
    "new",
    "updated",
    "duplicate",
    "conflicting",
    "first_field_match",
    "missing_notetype",
    "missing_deck",
    "empty_first_field",
)


def without_style(html):
    return re.sub(r"<style>.*?</style>", "", html, flags=re.S)


def import_step(col, step):
    kind, path = step.split(":", 1)
    if kind in ("apkg", "apkg-sched"):
        options = ImportAnkiPackageOptions(
            with_scheduling=kind == "apkg-sched",
            with_deck_configs=False,
            merge_notetypes=False,
            update_notes=ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
            update_notetypes=ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        )
        log = col.import_anki_package(
            ImportAnkiPackageRequest(package_path=path, options=options)
        ).log
    elif kind == "txt":
        metadata = col.get_csv_metadata(path, None)
        log = col.import_csv(ImportCsvRequest(path=path, metadata=metadata)).log
    else:
        raise SystemExit(f"unknown step {step!r}")
    return {"step": step, **{k: len(getattr(log, k)) for k in LOG_KINDS}}


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    os.makedirs(os.path.dirname(os.path.abspath(sys.argv[1])), exist_ok=True)
    col = Collection(sys.argv[1])
    try:
        imports = [import_step(col, step) for step in sys.argv[2:]]
        today = col.sched.today
        rollover = col.get_config("rollover", 4)
        anki_today = (datetime.datetime.now() - datetime.timedelta(hours=rollover)).date()
        notes = []
        for nid in sorted(col.find_notes("")):
            note = col.get_note(nid)
            names = [f["name"] for f in note.note_type()["flds"]]
            notes.append(
                {
                    "id": nid,
                    "guid": note.guid,
                    "notetype": note.note_type()["name"],
                    "fields": dict(zip(names, note.fields)),
                    "tags": note.tags,
                }
            )
        cards = []
        for cid in sorted(col.find_cards("")):
            card = col.get_card(cid)
            due_date = None
            if card.type == 2:
                due_date = (anki_today + datetime.timedelta(days=card.due - today)).isoformat()
            cards.append(
                {
                    "nid": card.nid,
                    "guid": col.get_note(card.nid).guid,
                    "ord": card.ord,
                    "deck": col.decks.name(card.did),
                    "type": card.type,
                    "queue": card.queue,
                    "due": card.due,
                    "ivl": card.ivl,
                    "factor": card.factor,
                    "reps": card.reps,
                    "lapses": card.lapses,
                    "memory": (
                        {"stability": card.memory_state.stability, "difficulty": card.memory_state.difficulty}
                        if card.memory_state
                        else None
                    ),
                    "due_date": due_date,
                    "question": without_style(card.question()),
                    "answer": without_style(card.answer()),
                }
            )
        media_dir = col.media.dir()
        media = {
            name: os.path.getsize(os.path.join(media_dir, name))
            for name in sorted(os.listdir(media_dir))
            if os.path.isfile(os.path.join(media_dir, name))
        }
        decks = sorted(d.name for d in col.decks.all_names_and_ids())
        notetypes = sorted(m["name"] for m in col.models.all())
        print(
            json.dumps(
                {
                    "imports": imports,
                    "anki_today": anki_today.isoformat(),
                    "notes": notes,
                    "cards": cards,
                    "decks": decks,
                    "notetypes": notetypes,
                    "media": media,
                }
            )
        )
    finally:
        col.close()


if __name__ == "__main__":
    main()
