//! How many SMS parts a message takes (MSG-1, GTCS 2).
//!
//! A message is GSM-7 when every character is in the GSM 03.38 basic set or its extension table
//! (extension characters take 2 septets); otherwise UCS-2, counted in UTF-16 code units. One SMS
//! holds 160 septets or 70 units; longer messages are split into parts of 153 septets or 67 units.

use serde::{Deserialize, Serialize};

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

/// MSG-1 (GTCS 2), calculator `sms.segments`: encoding, length and number of parts of `text`.
pub fn sms_size(text: &str) -> SmsSize {
    let mut septets = 0;
    for c in text.chars() {
        match gsm7_septets(c) {
            Some(n) => septets += n,
            None => {
                let units = text.encode_utf16().count();
                return SmsSize {
                    encoding: SmsEncoding::Ucs2,
                    units,
                    segments: parts(units, 70, 67),
                    forced_ucs2_by: Some(c),
                };
            }
        }
    }
    SmsSize {
        encoding: SmsEncoding::Gsm7,
        units: septets,
        segments: parts(septets, 160, 153),
        forced_ucs2_by: None,
    }
}

fn parts(units: usize, single: usize, per_part: usize) -> usize {
    match units {
        0 => 0,
        n if n <= single => 1,
        n => n.div_ceil(per_part),
    }
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
}
