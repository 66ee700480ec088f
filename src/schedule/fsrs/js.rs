//! JavaScript number and date semantics the FSRS port depends on.
//!
//! ts-fsrs and the plugin compute with JavaScript numbers and `Date`s; every
//! helper here gives, for every input, the result JavaScript gives: `NaN`
//! propagates through `Math.min`/`Math.max`, `Math.round` rounds halves up,
//! `Number→String` switches to exponents below 1e-6 and from 1e21, and
//! `toFixed` rounds the exact binary value half away from zero.

// Exact comparisons are the point here: every value must equal JavaScript's
// bit for bit, so no comparison may have a margin.
#![expect(clippy::float_cmp, reason = "JavaScript number semantics are exact comparisons")]

use chrono::{DateTime, Datelike, TimeZone, Timelike, Utc};

/// JavaScript's white space and line terminators (what `trim`, `parseInt`
/// and `parseFloat` skip, and what a regular expression's `\s` matches).
#[must_use]
pub fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}'
    )
}

/// `Math.round`: halves round towards +∞, `-0.4` gives `-0`.
#[must_use]
pub fn js_round(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    let f = x.floor();
    let r = if x - f >= 0.5 { f + 1.0 } else { f };
    if r == 0.0 && x < 0.0 { -0.0 } else { r }
}

/// `Math.max(a, b)`: `NaN` if either is, `+0` over `-0`.
#[must_use]
pub fn js_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == b {
        if a.is_sign_negative() { b } else { a }
    } else if a > b {
        a
    } else {
        b
    }
}

/// `Math.min(a, b)`: `NaN` if either is, `-0` over `+0`.
#[must_use]
pub fn js_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == b {
        if a.is_sign_negative() { a } else { b }
    } else if a < b {
        a
    } else {
        b
    }
}

/// `Math.min(Math.max(x, lo), hi)`, ts-fsrs's `clamp`.
#[must_use]
pub fn js_clamp(x: f64, lo: f64, hi: f64) -> f64 {
    js_min(js_max(x, lo), hi)
}

/// ts-fsrs's `roundTo(x, 8)`: `Math.round(x * 1e8) / 1e8` (not `toFixed`).
#[must_use]
pub fn round8(x: f64) -> f64 {
    js_round(x * 1e8) / 1e8
}

/// JavaScript's `Number::toString(x)` (what `${x}` and `String(x)` give).
#[must_use]
pub fn js_number_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    let sign = if x < 0.0 { "-" } else { "" };
    // Rust's `{:e}` gives the shortest digits that read back as `x`, the
    // closest to it when several are as short: ECMAScript's choice.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i32;
    let n = exp.parse::<i32>().unwrap_or(0) + 1;
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let e_sign = if e < 0 { '-' } else { '+' };
        if k == 1 {
            format!("{digits}e{e_sign}{}", e.abs())
        } else {
            format!("{}.{}e{e_sign}{}", &digits[..1], &digits[1..], e.abs())
        }
    };
    format!("{sign}{body}")
}

/// The number `+x.toFixed(digits)` gives: `x` rounded to `digits` decimals,
/// the exact binary value rounded half away from zero, read back as the
/// nearest double. `digits` is at most 17 (the scheduler uses 8).
#[must_use]
pub fn js_to_fixed(x: f64, digits: u32) -> f64 {
    let digits = digits.min(17);
    if !x.is_finite() || x.abs() >= 1e21 {
        return x;
    }
    let bits = x.abs().to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    let fraction = u128::from(bits & ((1u64 << 52) - 1));
    let (m, e) = if exponent == 0 { (fraction, -1074) } else { (fraction | (1u128 << 52), exponent - 1075) };
    let scale = 10u128.pow(digits);
    // n = round-half-up(m · 2^e · 10^digits), exactly.
    let n = if e >= 0 {
        (m << e) * scale
    } else {
        let k = e.unsigned_abs();
        let num = m * scale;
        if k >= 120 {
            // num < 2^110: less than a half.
            0
        } else {
            let q = num >> k;
            let r = num - (q << k);
            q + u128::from(r >= 1u128 << (k - 1))
        }
    };
    let mut text = n.to_string();
    if digits > 0 {
        let d = digits as usize;
        if text.len() <= d {
            text = format!("{}{text}", "0".repeat(d + 1 - text.len()));
        }
        text.insert(text.len() - d, '.');
    }
    let v: f64 = text.parse().unwrap_or(f64::NAN);
    if x < 0.0 { -v } else { v }
}

/// JavaScript's `parseFloat`.
#[must_use]
pub fn js_parse_float(s: &str) -> f64 {
    let s = s.trim_start_matches(is_js_space);
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let v = if rest.starts_with("Infinity") {
        f64::INFINITY
    } else {
        let b = rest.as_bytes();
        let count = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
        let int = count(0);
        let mut end = int;
        let mut frac = 0;
        if b.get(end) == Some(&b'.') {
            frac = count(end + 1);
            if int + frac > 0 {
                end += 1 + frac;
            }
        }
        if int + frac == 0 {
            return f64::NAN;
        }
        if matches!(b.get(end), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(b.get(end + 1), Some(b'+' | b'-')));
            let exp = count(end + 1 + sign);
            if exp > 0 {
                end += 1 + sign + exp;
            }
        }
        let number = &rest[..end];
        let number = if number.starts_with('.') { format!("0{number}") } else { number.to_owned() };
        number.parse::<f64>().unwrap_or(f64::NAN)
    };
    if neg { -v } else { v }
}

/// JavaScript's `parseInt(s)` (radix 10, or 16 after `0x`), as the double
/// it returns: `NaN` for no digits, `-0` for `"-0"`.
#[must_use]
pub fn js_parse_int(s: &str) -> f64 {
    let s = s.trim_start_matches(is_js_space);
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let v = if let Some(hex) = rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X")) {
        let digits: Vec<u32> = hex.chars().map_while(|c| c.to_digit(16)).collect();
        if digits.is_empty() {
            return f64::NAN;
        }
        // Exact below 2^53, which is all a schedule ever holds.
        digits.iter().fold(0.0, |acc, &d| acc * 16.0 + f64::from(d))
    } else {
        let end = rest.bytes().take_while(u8::is_ascii_digit).count();
        if end == 0 {
            return f64::NAN;
        }
        rest[..end].parse::<f64>().unwrap_or(f64::NAN)
    };
    if neg { -v } else { v }
}

/// A time as JavaScript's `Date` holds it: milliseconds since the epoch.
#[must_use]
pub fn millis(t: DateTime<Utc>) -> f64 {
    t.timestamp_millis() as f64
}

/// The `Date` for a time value, or `None` where JavaScript's would be
/// invalid (`NaN`, beyond ±8.64e15 ms) or where chrono cannot represent it
/// (beyond year 262142).
#[must_use]
pub fn from_millis(ms: f64) -> Option<DateTime<Utc>> {
    if !ms.is_finite() || ms.abs() > 8.64e15 {
        return None;
    }
    Utc.timestamp_millis_opt(ms.trunc() as i64).single()
}

/// `Date.prototype.toISOString`: `2024-01-05T09:10:00.000Z`, six-digit
/// signed years outside 0–9999.
#[must_use]
pub fn to_iso_string(t: DateTime<Utc>) -> String {
    let y = t.year();
    let year = if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else if y < 0 {
        format!("-{:06}", -y)
    } else {
        format!("+{y:06}")
    };
    format!(
        "{year}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.timestamp_subsec_millis().min(999)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_to_string_like_javascript() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-1.5, "-1.5"),
            (2.3065, "2.3065"),
            (2.118_103_97, "2.11810397"),
            (35.436_597_73, "35.43659773"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e-6, "0.000001"),
            (1.5e-6, "0.0000015"),
            (1e-7, "1e-7"),
            (1.2345e-7, "1.2345e-7"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.5e21, "1.5e+21"),
            (123_456_789_012_345_680_000.0, "123456789012345680000"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (36525.0, "36525"),
            (0.001, "0.001"),
        ];
        for &(x, want) in cases {
            assert_eq!(js_number_string(x), want, "{x:e}");
        }
    }

    /// node's `String(x)` and `+x.toFixed(8)` for random and special
    /// doubles (`scripts/gen-fsrs-fixture.mjs` writes them).
    #[test]
    fn strings_and_to_fixed_match_node() {
        let text = include_str!("../../../tests/fixtures/fsrs/v8-numbers.txt");
        let bits = |s: &str| f64::from_bits(u64::from_str_radix(s, 16).expect("hex"));
        let mut checked = 0;
        let mut wrong = Vec::new();
        for line in text.lines() {
            let mut f = line.splitn(3, ' ');
            let (kind, x, want) = (f.next(), f.next().map(bits), f.next());
            let (Some(x), Some(want)) = (x, want) else { continue };
            let got = match kind {
                Some("str") => js_number_string(x),
                Some("fix8") => {
                    let (g, w) = (js_to_fixed(x, 8), bits(want));
                    if g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()) {
                        want.to_owned()
                    } else {
                        format!("{g:e}")
                    }
                }
                _ => continue,
            };
            checked += 1;
            if got != want {
                wrong.push(format!("{line}: got {got}"));
            }
        }
        assert!(checked > 1000, "only {checked} vectors");
        assert!(wrong.is_empty(), "{} differ:\n{}", wrong.len(), wrong[..wrong.len().min(20)].join("\n"));
    }

    #[test]
    fn to_fixed_rounds_the_exact_value_half_away_from_zero() {
        // 2^-9 = 0.001953125 exactly: a true tie at 8 decimals, rounded up.
        assert_eq!(js_to_fixed(0.001_953_125, 8), 0.001_953_13);
        assert_eq!(js_to_fixed(-0.001_953_125, 8), -0.001_953_13);
        // 3·2^-9 = 0.005859375: a tie rounded up too (not to even).
        assert_eq!(js_to_fixed(0.005_859_375, 8), 0.005_859_38);
        // 1.005 is 1.00499999999999989… in binary: it rounds down.
        assert_eq!(js_to_fixed(1.005, 2), 1.0);
        assert_eq!(js_to_fixed(1.5, 0), 2.0);
        assert_eq!(js_to_fixed(2.5, 0), 3.0);
        assert_eq!(js_to_fixed(2.306_5, 8), 2.306_5);
        // Tiny negatives give -0, huge numbers come back unchanged.
        let z = js_to_fixed(-1e-10, 8);
        assert!(z == 0.0 && z.is_sign_negative());
        assert!(js_to_fixed(-0.0, 8).is_sign_positive());
        assert_eq!(js_to_fixed(1e21, 8), 1e21);
        assert!(js_to_fixed(f64::NAN, 8).is_nan());
        assert_eq!(js_to_fixed(5e-324, 8), 0.0);
        assert_eq!(js_to_fixed(123_456.000_000_005, 8), 123_456.000_000_01);
    }

    #[test]
    fn round_min_max_like_math() {
        assert_eq!(js_round(0.5), 1.0);
        assert_eq!(js_round(2.5), 3.0);
        assert_eq!(js_round(-2.5), -2.0);
        assert!(js_round(-0.4).is_sign_negative());
        assert_eq!(js_round(0.499_999_999_999_999_94), 0.0);
        assert!(js_max(1.0, f64::NAN).is_nan());
        assert!(js_min(f64::NAN, 1.0).is_nan());
        assert!(js_max(-0.0, 0.0).is_sign_positive());
        assert!(js_min(0.0, -0.0).is_sign_negative());
        assert_eq!(js_clamp(11.0, 1.0, 10.0), 10.0);
        assert_eq!(round8(2.118_103_965), 2.118_103_97);
    }

    #[test]
    fn parse_float_and_int_read_prefixes() {
        assert_eq!(js_parse_float("2.30650000"), 2.3065);
        assert_eq!(js_parse_float(" -.5e-3x"), -0.0005);
        assert_eq!(js_parse_float("1e"), 1.0);
        assert_eq!(js_parse_float("1.e2"), 100.0);
        assert_eq!(js_parse_float("Infinityx"), f64::INFINITY);
        assert_eq!(js_parse_float("-Infinity"), f64::NEG_INFINITY);
        assert!(js_parse_float("+.e1").is_nan());
        assert!(js_parse_float("inf").is_nan());
        assert!(js_parse_float("").is_nan());
        assert_eq!(js_parse_float("0x10"), 0.0);
        assert_eq!(js_parse_int("3.7"), 3.0);
        assert_eq!(js_parse_int(" 250.9 "), 250.0);
        assert_eq!(js_parse_int("0x10"), 16.0);
        assert!(js_parse_int("-0").is_sign_negative());
        assert!(js_parse_int("x").is_nan());
        assert_eq!(js_parse_int("99999999999999999999"), 1e20);
    }

    #[test]
    fn iso_strings_always_have_milliseconds() {
        let t = Utc.with_ymd_and_hms(2024, 1, 5, 9, 10, 0).single().expect("valid");
        assert_eq!(to_iso_string(t), "2024-01-05T09:10:00.000Z");
        let t = from_millis(millis(t) + 1.0).expect("valid");
        assert_eq!(to_iso_string(t), "2024-01-05T09:10:00.001Z");
        let far = Utc.with_ymd_and_hms(12_345, 6, 7, 0, 0, 0).single().expect("valid");
        assert_eq!(to_iso_string(far), "+012345-06-07T00:00:00.000Z");
        let before = Utc.with_ymd_and_hms(-1, 1, 1, 0, 0, 0).single().expect("valid");
        assert_eq!(to_iso_string(before), "-000001-01-01T00:00:00.000Z");
        assert!(from_millis(f64::NAN).is_none());
        assert!(from_millis(8.64e15 + 1.0).is_none());
    }
}
