// Writes the fixtures recall's FSRS port is checked against, from the real
// ts-fsrs 5.4.1 and moment (the plugin's libraries) running in node:
//
//   tests/fixtures/fsrs/ts-fsrs-random.jsonl  random review sequences
//   tests/fixtures/fsrs/v8-numbers.txt        Math.exp/log/log2/pow, String(x)
//                                             and +x.toFixed(8), bit for bit
//
// Re-run (the output is deterministic: a seeded generator, TZ=UTC):
//
//   mkdir -p /tmp/fsrs-gen && cd /tmp/fsrs-gen && npm init -y >/dev/null &&
//     npm install ts-fsrs@5.4.1 moment@2.30.1
//   cd <repo> && FSRS_GEN_DIR=/tmp/fsrs-gen node scripts/gen-fsrs-fixture.mjs
//
// then `cargo test --lib schedule::fsrs` replays both files.
//
// One line of ts-fsrs-random.jsonl is one card's history:
//   {"p": {"r": retention, "m": maximumInterval, "st": short-term mode,
//          "w": [21 weights] (optional), "ls"/"rs": learning/relearning steps (optional)},
//    "start": {"new": true} | {"sm2": ["YYYY-MM-DD", interval, ease]} | {"fsrs": "fsrs,…"},
//    "steps": [[now, rating 1-4, written segment or "error: <ts-fsrs message>", buttons?], …]}
// Each step reads the card's current segment the way the plugin does
// (parseFloat/parseInt/moment), schedules it at `now` and writes it back; an
// error writes nothing. `buttons` (on first steps) are the four review-button
// labels the plugin shows for the card at `now`, joined with "|".

import { createRequire } from "node:module";
import { mkdirSync, writeFileSync } from "node:fs";

process.env.TZ = "UTC";
const dir = process.env.FSRS_GEN_DIR;
if (!dir) {
    console.error("set FSRS_GEN_DIR to a folder with ts-fsrs@5.4.1 and moment installed (see the header)");
    process.exit(2);
}
const require = createRequire(dir.replace(/\/?$/, "/"));
const { fsrs, createEmptyCard, default_w } = require("ts-fsrs");
const moment = require("moment");
moment.suppressDeprecationWarnings = true;

// mulberry32: a small seeded generator, so the fixture is reproducible.
let seed = 0x5eed2024;
function rand() {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const chance = (p) => rand() < p;

// ---- the plugin's glue (fsrs-helpers.ts, rep-item-schedule-info-fsrs.ts, comment-parser.ts)

function clamp(v, lo, hi) {
    return Math.min(hi, Math.max(lo, v));
}
function easeToDifficulty(ease) {
    if (ease === null || ease === undefined) return 5.5;
    return clamp(10 - ((clamp(ease, 130, 370) - 130) / 240) * 9, 1, 10);
}
function sm2ToCard(dateStr, interval, ease, now) {
    const due = moment(dateStr, "YYYY-MM-DD");
    const i = Math.max(1, Math.round(interval ?? 1));
    const lastReview = due.clone().subtract(i, "d");
    return {
        due: due.toDate(),
        stability: Math.max(0.1, i),
        difficulty: easeToDifficulty(ease),
        elapsed_days: Math.max(0, now.diff(lastReview, "days")),
        scheduled_days: i,
        learning_steps: 0,
        reps: Math.max(1, Math.round(Math.log2(i + 1))),
        lapses: 0,
        state: 2,
        last_review: lastReview.toDate(),
    };
}
const stamp = (s) => (s === "-" ? null : moment(s));
function fsrsSegmentToCard(raw, now) {
    const f = raw.split(",");
    const due = stamp(f[1]);
    if (!due) return null;
    const lastReview = stamp(f[9]);
    const last = lastReview ? lastReview.clone() : now.clone();
    return {
        due: due.toDate(),
        stability: parseFloat(f[3]),
        difficulty: parseFloat(f[4]),
        elapsed_days: Math.max(0, now.diff(last, "days")),
        scheduled_days: parseFloat(f[2]),
        learning_steps: parseInt(f[8]),
        reps: parseInt(f[6]),
        lapses: parseInt(f[7]),
        state: parseInt(f[5]),
        last_review: lastReview ? lastReview.toDate() : null,
    };
}
function format(c) {
    const iso = (d) => (d ? moment(d).toDate().toISOString() : "-");
    return `!fsrs,${iso(c.due)},${c.scheduled_days},${c.stability},${c.difficulty},${c.state},${c.reps},${c.lapses},${c.learning_steps},${iso(c.last_review)}`;
}
function textInterval(days) {
    const months = Math.round(days / 3.04375) / 10;
    const years = Math.round(days / 36.525) / 10;
    if (months < 1) return `${days} day(s)`;
    if (years < 1) return `${months} month(s)`;
    return `${years} year(s)`;
}
function button(now, card) {
    if (card.scheduled_days < 1) {
        const minutes = Math.ceil((card.due.getTime() - now.getTime()) / 60000);
        return minutes < 60 ? `${minutes} min` : `${Math.ceil(minutes / 60)} hr`;
    }
    return textInterval(card.scheduled_days);
}

// ---- random inputs

function randomParams() {
    const p = {
        r: chance(0.2) ? 0.9 : Math.round((0.7 + rand() * 0.27) * 1e4) / 1e4,
        m: chance(0.15) ? 36525 : Math.max(1, Math.floor(Math.exp(rand() * Math.log(36525)))),
        st: !chance(0.06),
    };
    if (chance(0.05)) p.m += 0.5;
    if (chance(0.06)) {
        // An optimizer's weights: the defaults perturbed, some out of bounds.
        p.w = default_w.map((w) => Math.round(w * (0.5 + rand() * 1.2) * 1e4) / 1e4);
        if (chance(0.3)) p.w[int(0, 20)] = pick([0, 200, -1, 0.0001]);
    }
    if (chance(0.06)) {
        p.ls = pick([["1m"], ["5m", "30m", "1h"], [], ["2d"], ["1m", "10m", "1d"], ["0m", "10m"]]);
        p.rs = pick([["10m"], ["10m", "1h"], [], ["1d"], ["5m", "20m", "2h"]]);
    }
    return p;
}
function scheduler(p) {
    const params = { request_retention: p.r, maximum_interval: p.m, enable_short_term: p.st };
    if (p.w) params.w = p.w;
    if (p.ls) params.learning_steps = p.ls;
    if (p.rs) params.relearning_steps = p.rs;
    return fsrs(params);
}
const BASE = Date.UTC(2023, 0, 1);
function randomNow() {
    return new Date(BASE + int(0, 3 * 365 * 24 * 60) * 60000 + (chance(0.3) ? int(0, 59) * 1000 : 0));
}
function gap() {
    const kind = rand();
    if (kind < 0.12) return int(1, 59) * 1000;
    if (kind < 0.4) return int(1, 120) * 60000;
    if (kind < 0.55) return int(1, 48) * 3600000 + int(0, 59) * 60000;
    if (kind < 0.85) return int(1, 60) * 86400000 + int(0, 1439) * 60000;
    return int(60, 2500) * 86400000 + int(0, 1439) * 60000;
}
function isoNoZeroMillis(d) {
    return d.toISOString().replace(".000Z", "Z");
}
/** A segment the plugin wrote, sometimes edited into another form moment reads. */
function vary(segment) {
    const f = segment.slice(1).split(",");
    const shiftIso = (iso, minutes) => {
        if (iso === "-") return iso;
        const t = moment.utc(iso).utcOffset(minutes);
        return t.format("YYYY-MM-DDTHH:mm:ss.SSSZ");
    };
    const r = rand();
    if (r < 0.1) {
        const off = pick([60, 120, -300, 330, -570]);
        f[1] = shiftIso(f[1], off);
        f[9] = shiftIso(f[9], off);
    } else if (r < 0.18) {
        f[1] = f[1].replace(".000Z", "Z");
        if (f[9] !== "-") f[9] = f[9].replace(/:\d\d\.\d\d\dZ$/, "Z");
    } else if (r < 0.24) {
        f[3] = `${f[3]}${f[3].includes(".") ? "000" : ".0"}`;
        f[4] = ` ${f[4]}`;
        f[2] = `${f[2]}.0`;
    } else if (r < 0.28) {
        f[1] = f[1].replace("Z", "");
    } else if (r < 0.31 && f[5] === "2") {
        f[9] = "-";
    }
    return f.join(",");
}

function randomStart(now) {
    const r = rand();
    if (r < 0.4) return { start: { new: true }, card: createEmptyCard(now), segment: null };
    if (r < 0.7) {
        const date = new Date(now.getTime() + int(-800, 40) * 86400000).toISOString().slice(0, 10);
        const interval = chance(0.1) ? int(0, 3) : Math.floor(Math.exp(rand() * Math.log(3000)));
        const ease = chance(0.1) ? int(100, 420) : int(130, 370);
        return { start: { sm2: [date, interval, ease] }, sm2: [date, interval, ease], segment: null };
    }
    // An FSRS segment from a short random history.
    const p = randomParams();
    const f = scheduler({ ...p, w: undefined, ls: undefined, rs: undefined });
    let t = new Date(now.getTime() - int(1, 400) * 86400000);
    let card = createEmptyCard(t);
    for (let i = int(1, 4); i > 0; i--) {
        card = f.next(card, t, int(1, 4)).card;
        t = new Date(t.getTime() + gap());
    }
    if (chance(0.08)) card = { ...createEmptyCard(t), due: t };
    const text = vary(format(card));
    return { start: { fsrs: text }, segment: text };
}

function sequence() {
    const p = randomParams();
    const f = scheduler(p);
    let now = randomNow();
    const s = randomStart(now);
    let segment = s.segment;
    let fresh = !!s.start.new;
    const steps = [];
    const count = int(1, 6);
    for (let i = 0; i < count; i++) {
        if (i > 0) now = new Date(now.getTime() + gap());
        const m = moment(now);
        let card;
        if (fresh) card = createEmptyCard(now);
        else if (segment === null) card = sm2ToCard(s.sm2[0], s.sm2[1], s.sm2[2], m);
        else card = fsrsSegmentToCard(segment, m);
        const rating = int(1, 4);
        const step = [isoNoZeroMillis(now), rating];
        try {
            const out = f.next(card, now, rating).card;
            segment = format(out).slice(1);
            fresh = false;
            step.push(`!${segment}`);
        } catch (e) {
            step.push(`error: ${e.message}`);
        }
        if (i === 0) {
            try {
                step.push([1, 2, 3, 4].map((r) => button(now, f.next(card, now, r).card)).join("|"));
            } catch {
                step.push(null);
            }
        }
        steps.push(step);
    }
    return JSON.stringify({ p, start: s.start, steps });
}

// ---- bit-exact number vectors

function hex(x) {
    const v = new DataView(new ArrayBuffer(8));
    v.setFloat64(0, x);
    return v.getBigUint64(0).toString(16).padStart(16, "0");
}
function randomDouble() {
    const v = new DataView(new ArrayBuffer(8));
    v.setUint32(0, (rand() * 2 ** 32) >>> 0);
    v.setUint32(4, (rand() * 2 ** 32) >>> 0);
    return v.getFloat64(0);
}
function numbers() {
    const w = default_w;
    const out = [];
    const specials = [0, -0, 1, -1, 2, 0.5, -0.5, 3, Infinity, -Infinity, NaN, 1e-310, 1e308, 2 ** 53, 5e-324];
    for (let i = 0; i < 900; i++) {
        const s = Math.round(Math.exp(rand() * 14 - 6) * 1e8) / 1e8;
        const d = Math.round((1 + rand() * 9) * 1e8) / 1e8;
        const r = Math.round(rand() * 1e8) / 1e8;
        const t = Math.floor(rand() * 3000);
        const e = (1 - r) * pick([w[10], w[14]]);
        out.push(`exp ${hex(e)} ${hex(Math.exp(e))}`);
        const [x, y] = pick([
            [s, -w[9]],
            [s, -w[19]],
            [d, -w[12]],
            [s + 1, w[13]],
            [1 + (0.2346 * t) / s, -w[20]],
            [0.7 + rand() * 0.3, 1 / -w[20]],
            [randomDouble(), randomDouble()],
            [pick(specials), pick(specials)],
            [(rand() - 0.5) * 20, Math.round((rand() - 0.5) * 40)],
        ]);
        out.push(`pow ${hex(x)} ${hex(y)} ${hex(Math.pow(x, y))}`);
        const l = chance(0.2) ? randomDouble() : s;
        out.push(`log ${hex(l)} ${hex(Math.log(l))}`);
        out.push(`log2 ${hex(t + 1)} ${hex(Math.log2(t + 1))}`);
        const n = pick([s, d, r, randomDouble(), rand() * 1e-6, rand() * 1e22, Math.round(rand() * 1e6) / 512, pick(specials)]);
        out.push(`str ${hex(n)} ${String(n)}`);
        out.push(`fix8 ${hex(n)} ${hex(+n.toFixed(8))}`);
    }
    return out.join("\n") + "\n";
}

const lines = [];
for (let i = 0; i < 2600; i++) lines.push(sequence());
mkdirSync("tests/fixtures/fsrs", { recursive: true });
writeFileSync("tests/fixtures/fsrs/ts-fsrs-random.jsonl", lines.join("\n") + "\n");
writeFileSync("tests/fixtures/fsrs/v8-numbers.txt", numbers());
console.log(`wrote ${lines.length} sequences and the number vectors`);
