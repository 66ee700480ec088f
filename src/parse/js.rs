//! The plugin's JavaScript semantics that recall must reproduce to the bit:
//! `cyrb53`, `Math.round`, `parseInt`, `Number→String` and the Unicode
//! `trim`s. Everything here is pure and matches what V8 does.

/// The plugin's `cyrb53` string hash (53-bit), over UTF-16 code units.
#[must_use]
pub fn cyrb53(s: &str, seed: u32) -> u64 {
    cyrb53_parts(&[s], seed)
}

/// [`cyrb53`] of the concatenation of `parts`, without building it.
#[must_use]
pub fn cyrb53_parts(parts: &[&str], seed: u32) -> u64 {
    let mut h = [0xdead_beef ^ seed, 0x41c6_ce57 ^ seed];
    let mut mix = |c: u32| {
        h[0] = (h[0] ^ c).wrapping_mul(2_654_435_761);
        h[1] = (h[1] ^ c).wrapping_mul(1_597_334_677);
    };
    for s in parts {
        // JavaScript hashes UTF-16 code units; an ASCII byte is one.
        if s.is_ascii() {
            s.bytes().for_each(|c| mix(u32::from(c)));
        } else {
            s.encode_utf16().for_each(|c| mix(u32::from(c)));
        }
    }
    cyrb53_finish(h)
}

fn cyrb53_finish([mut h1, mut h2]: [u32; 2]) -> u64 {
    h1 = (h1 ^ (h1 >> 16)).wrapping_mul(2_246_822_507) ^ (h2 ^ (h2 >> 13)).wrapping_mul(3_266_489_909);
    h2 = (h2 ^ (h2 >> 16)).wrapping_mul(2_246_822_507) ^ (h1 ^ (h1 >> 13)).wrapping_mul(3_266_489_909);
    4_294_967_296 * u64::from(h2 & 0x1f_ffff) + u64::from(h1)
}

/// [`cyrb53`] of `s` with two seeds, in one pass over the text.
#[must_use]
pub fn cyrb53_pair(s: &str, seed_a: u32, seed_b: u32) -> (u64, u64) {
    let mut a = [0xdead_beef ^ seed_a, 0x41c6_ce57 ^ seed_a];
    let mut b = [0xdead_beef ^ seed_b, 0x41c6_ce57 ^ seed_b];
    let mut mix = |c: u32| {
        a[0] = (a[0] ^ c).wrapping_mul(2_654_435_761);
        a[1] = (a[1] ^ c).wrapping_mul(1_597_334_677);
        b[0] = (b[0] ^ c).wrapping_mul(2_654_435_761);
        b[1] = (b[1] ^ c).wrapping_mul(1_597_334_677);
    };
    // JavaScript hashes UTF-16 code units; an ASCII byte is one.
    if s.is_ascii() {
        s.bytes().for_each(|c| mix(u32::from(c)));
    } else {
        s.encode_utf16().for_each(|c| mix(u32::from(c)));
    }
    (cyrb53_finish(a), cyrb53_finish(b))
}

/// JavaScript's `Math.round`: halves go up.
#[must_use]
pub fn js_round(x: f64) -> f64 {
    (x + 0.5).floor()
}

/// Prints a number the way JavaScript's `Number→String` does (exponents
/// below 1e-6 and from 1e21 included).
#[must_use]
pub fn js_number(x: f64) -> String {
    crate::schedule::fsrs::js_number_string(x)
}

/// JavaScript's `parseInt(s)` (radix 10, or 16 after `0x`): `None` for NaN.
#[must_use]
pub fn js_parse_int(s: &str) -> Option<i64> {
    // Fast path: plain decimal digits (what the plugin writes).
    let b = s.as_bytes();
    if !b.is_empty()
        && b.len() <= 18
        && b.iter().all(u8::is_ascii_digit)
        && !(b.len() >= 2 && b[0] == b'0' && (b[1] | 0x20) == b'x')
    {
        return Some(b.iter().fold(0i64, |acc, &d| acc * 10 + i64::from(d - b'0')));
    }
    let s = js_trim(s);
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = if rest.len() >= 2 && (rest.starts_with("0x") || rest.starts_with("0X")) {
        (16, &rest[2..])
    } else {
        (10, rest)
    };
    let end = digits.char_indices().find(|(_, c)| !c.is_digit(radix)).map_or(digits.len(), |(i, _)| i);
    if end == 0 {
        return None;
    }
    let mut v: i64 = 0;
    for c in digits[..end].chars() {
        let d = i64::from(c.to_digit(radix).unwrap_or(0));
        v = v.saturating_mul(i64::from(radix)).saturating_add(d);
    }
    Some(if neg { -v } else { v })
}

/// JavaScript's `String.prototype.trim` (Unicode white space and BOM).
#[must_use]
#[inline]
pub fn js_trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => js_trim_both_ends(s),
    }
}

/// [`js_trim`] for a text that may have something to trim (kept out of
/// line, so that the common test above is inlined).
fn js_trim_both_ends(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

/// JavaScript's `trimEnd`.
#[must_use]
#[inline]
pub fn js_trim_end(s: &str) -> &str {
    // Most texts end in a visible ASCII character: nothing to trim.
    if s.as_bytes().last().is_some_and(u8::is_ascii_graphic) {
        return s;
    }
    s.trim_end_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

/// JavaScript's `trimStart`.
#[must_use]
#[inline]
pub fn js_trim_start(s: &str) -> &str {
    if s.as_bytes().first().is_some_and(u8::is_ascii_graphic) {
        return s;
    }
    s.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_int_truncates_like_javascript() {
        assert_eq!(js_parse_int("3.7"), Some(3));
        assert_eq!(js_parse_int(" 250.9 "), Some(250));
        assert_eq!(js_parse_int("-4"), Some(-4));
        assert_eq!(js_parse_int("0x10"), Some(16));
        assert_eq!(js_parse_int("abc"), None);
        assert_eq!(js_parse_int(""), None);
    }
}
