//! How many SMS parts a message takes (MSG-1, GTCS 2).
//!
//! A message is GSM-7 when every character is in the GSM 03.38 basic set or its extension table
//! (extension characters take 2 septets); otherwise UCS-2, counted in UTF-16 code units. One SMS
//! holds 160 septets or 70 units; longer messages are cut into parts of at most 153 septets or
//! 67 units, filled in order, and a part never splits a character, as handsets and carriers cut
//! them: an extension character's two septets stay together, and in UCS-2 a user-perceived
//! character (an extended grapheme cluster, UAX #29) stays whole. So a character on a boundary
//! moves to the next part and can open one more: 152 septets, a euro sign and 152 septets take
//! 3 parts, not 2.

use serde::{Deserialize, Serialize};
use unicode_segmentation::UnicodeSegmentation;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmsEncoding {
    Gsm7,
    Ucs2,
}

/// The size of a message, for the counter under the text box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsSize {
    pub encoding: SmsEncoding,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    pub units: usize,
    /// Number of SMS parts: 0 for an empty message.
    pub segments: usize,
    /// The first character outside GSM-7, which forced UCS-2 (the app can point at it).
    pub forced_ucs2_by: Option<char>,
}

/// The GSM 03.38 basic character set, except the escape to the extension table.
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
                     ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The GSM 03.38 extension table: each takes an escape septet plus its own.
const EXTENSION: &str = "\u{c}^{}\\[~]|€";

/// Septets `c` takes in GSM-7, or `None` when it is not in GSM-7.
pub fn gsm7_septets(c: char) -> Option<usize> {
    if c.is_ascii() {
        // Fast path: every printable ASCII character but the backquote is in GSM-7.
        return match c {
            '^' | '{' | '}' | '\\' | '[' | '~' | ']' | '|' | '\u{c}' => Some(2),
            '\n' | '\r' | ' '..='_' | 'a'..='z' => Some(1),
            _ => None,
        };
    }
    if BASIC.contains(c) {
        Some(1)
    } else if EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// One SMS on its own: at most this many septets (GSM-7) or UTF-16 units (UCS-2).
const SINGLE: [usize; 2] = [160, 70];
/// A part of a longer message (the rest carries the concatenation header).
const PER_PART: [usize; 2] = [153, 67];

impl SmsEncoding {
    fn index(self) -> usize {
        match self {
            SmsEncoding::Gsm7 => 0,
            SmsEncoding::Ucs2 => 1,
        }
    }

    /// Units one SMS holds when the message is not cut: 160 septets or 70 UTF-16 units.
    pub fn single_capacity(self) -> usize {
        SINGLE[self.index()]
    }

    /// Units a part of a cut message holds: 153 septets or 67 UTF-16 units.
    pub fn part_capacity(self) -> usize {
        PER_PART[self.index()]
    }

    /// Units `piece` takes in this encoding (septets or UTF-16 code units).
    fn units(self, piece: &str) -> usize {
        match self {
            SmsEncoding::Gsm7 => piece.chars().filter_map(gsm7_septets).sum(),
            SmsEncoding::Ucs2 => piece.encode_utf16().count(),
        }
    }
}

/// The encoding `text` needs and, for UCS-2, the first character that forced it.
fn encoding_of(text: &str) -> (SmsEncoding, Option<char>) {
    match text.chars().find(|&c| gsm7_septets(c).is_none()) {
        Some(c) => (SmsEncoding::Ucs2, Some(c)),
        None => (SmsEncoding::Gsm7, None),
    }
}

/// MSG-1 (GTCS 2), calculator `sms.segments`: encoding, length and number of parts of `text`.
pub fn sms_size(text: &str) -> SmsSize {
    let (encoding, forced_ucs2_by) = encoding_of(text);
    let units = encoding.units(text);
    let segments = if units <= encoding.single_capacity() {
        usize::from(units > 0)
    } else {
        Parts::new(text, encoding).count()
    };
    SmsSize {
        encoding,
        units,
        segments,
        forced_ucs2_by,
    }
}

/// The characters of `text` as a person counts them: user-perceived characters (extended
/// grapheme clusters), so an emoji sequence, a flag or a letter with its accent counts one.
pub fn characters(text: &str) -> usize {
    text.graphemes(true).count()
}

/// MSG-1: the texts of the parts `text` is sent as, in order (none for an empty text). Joined,
/// they give `text` back; each holds at most [`SmsEncoding::part_capacity`] units (or the single
/// SMS's capacity when there is one part).
pub fn sms_parts(text: &str) -> Vec<&str> {
    let (encoding, _) = encoding_of(text);
    match encoding.units(text) {
        0 => Vec::new(),
        units if units <= encoding.single_capacity() => vec![text],
        _ => Parts::new(text, encoding).collect(),
    }
}

/// The parts of a text too long for one SMS, filled in order with whole characters.
struct Parts<'a> {
    rest: &'a str,
    encoding: SmsEncoding,
}

impl<'a> Parts<'a> {
    fn new(text: &'a str, encoding: SmsEncoding) -> Self {
        Parts {
            rest: text,
            encoding,
        }
    }

    /// The pieces a part is filled with: characters in GSM-7 (an extension character's two
    /// septets are one `char`), extended grapheme clusters in UCS-2.
    fn pieces(&self) -> Box<dyn Iterator<Item = &'a str> + 'a> {
        let rest = self.rest;
        match self.encoding {
            SmsEncoding::Gsm7 => Box::new(
                rest.char_indices()
                    .map(move |(at, c)| &rest[at..at + c.len_utf8()]),
            ),
            SmsEncoding::Ucs2 => Box::new(rest.graphemes(true)),
        }
    }
}

impl<'a> Iterator for Parts<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.rest.is_empty() {
            return None;
        }
        let capacity = self.encoding.part_capacity();
        let mut used = 0;
        let mut end = 0;
        for piece in self.pieces() {
            let units = self.encoding.units(piece);
            if used + units > capacity {
                if end == 0 {
                    // A single cluster longer than a whole part (a letter under dozens of
                    // combining marks): cut it between code points, never inside a surrogate pair.
                    end = split_oversized(piece, capacity);
                }
                break;
            }
            used += units;
            end += piece.len();
        }
        let (part, rest) = self.rest.split_at(end);
        self.rest = rest;
        Some(part)
    }
}

/// The byte length of the longest run of whole code points at the start of `cluster` that fits in
/// `capacity` UTF-16 units (at least one code point, which takes at most 2 units).
fn split_oversized(cluster: &str, capacity: usize) -> usize {
    let mut used = 0;
    let mut end = 0;
    for c in cluster.chars() {
        if used + c.len_utf16() > capacity {
            break;
        }
        used += c.len_utf16();
        end += c.len_utf8();
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msg_1_tables_have_the_right_size() {
        assert_eq!(BASIC.chars().count(), 127);
        assert_eq!(EXTENSION.chars().count(), 10);
        for c in BASIC.chars() {
            assert_eq!(gsm7_septets(c), Some(1), "{c:?}");
        }
        for c in EXTENSION.chars() {
            assert_eq!(gsm7_septets(c), Some(2), "{c:?}");
        }
        // The ASCII fast path agrees with the tables.
        for c in (0u8..128).map(char::from) {
            let expected = if BASIC.contains(c) {
                Some(1)
            } else if EXTENSION.contains(c) {
                Some(2)
            } else {
                None
            };
            assert_eq!(gsm7_septets(c), expected, "{c:?}");
        }
    }

    #[test]
    fn msg_1_french_accents_outside_gsm_force_ucs2() {
        for c in ['ç', 'â', 'ê', 'î', 'ô', 'û', 'ë', 'ï', '`'] {
            assert_eq!(sms_size(&format!("a{c}b")).forced_ucs2_by, Some(c));
        }
        let size = sms_size("élève à Noël");
        assert_eq!(
            (size.encoding, size.forced_ucs2_by),
            (SmsEncoding::Ucs2, Some('ë'))
        );
        assert_eq!(sms_size("Ça marche, déjà vu").encoding, SmsEncoding::Gsm7);
    }

    #[test]
    fn msg_1_part_boundaries() {
        assert_eq!(sms_size("").segments, 0);
        assert_eq!(sms_size(&"a".repeat(306)).segments, 2);
        assert_eq!(sms_size(&"a".repeat(307)).segments, 3);
        assert_eq!(sms_size(&"ç".repeat(70)).segments, 1);
        assert_eq!(sms_size(&"ç".repeat(71)).segments, 2);
        assert_eq!(sms_size(&"ç".repeat(134)).segments, 2);
        assert_eq!(sms_size(&"ç".repeat(135)).segments, 3);
    }

    #[test]
    fn msg_1_a_part_never_splits_an_extension_character() {
        let text = format!("{}€{}", "a".repeat(152), "a".repeat(152));
        let size = sms_size(&text);
        assert_eq!((size.units, size.segments), (306, 3));
        let parts = sms_parts(&text);
        assert_eq!(parts[0], "a".repeat(152));
        assert!(parts[1].starts_with('€'));
        // The same length with the euro sign elsewhere fills two parts exactly.
        assert_eq!(sms_size(&format!("€{}", "a".repeat(304))).segments, 2);
    }

    #[test]
    fn msg_1_a_part_never_splits_a_user_perceived_character() {
        // ç forces UCS-2; 65 units then a family emoji of 11 units across the boundary of 67.
        let family = "👨\u{200d}👩\u{200d}👧\u{200d}👦";
        let text = format!("ç{}{family}{}", "a".repeat(64), "a".repeat(50));
        let parts = sms_parts(&text);
        assert_eq!(parts.len(), 2);
        assert!(parts[1].starts_with(family), "{:?}", parts[1]);
        // A flag (two regional indicators) and an accent added to its letter stay whole.
        for cluster in ["🇫🇷", "e\u{301}"] {
            let text = format!("ç{}{cluster}{}", "a".repeat(65), "a".repeat(70));
            let parts = sms_parts(&text);
            assert!(parts[1].starts_with(cluster), "{cluster:?}: {parts:?}");
            assert_eq!(parts[0].encode_utf16().count(), 66);
        }
    }

    #[test]
    fn msg_1_a_cluster_longer_than_a_part_is_cut_between_code_points() {
        let zalgo = format!("a{}", "\u{301}".repeat(100));
        let text = format!("{zalgo}{}", "b".repeat(10));
        let parts = sms_parts(&text);
        assert_eq!(parts.concat(), text);
        assert_eq!(parts[0].encode_utf16().count(), 67);
        assert!(parts.iter().all(|p| p.encode_utf16().count() <= 67));
    }
}
