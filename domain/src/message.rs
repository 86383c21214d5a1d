//! An outgoing message from the WebApp (MSG-1, NUM-5, GTCS 2 and 7): who it may go to, how long
//! it may be, which image it may carry and how it is paid for. The browser checks a message with
//! these functions before sending it and the server checks it again with the same ones.
//!
//! - The recipient is classified by `dial.classify`: national numbers are included in the Call
//!   Plan (counted in SMS parts), international numbers are paid with Credits per part and only on
//!   plans that allow Credits; emergency, special, short and invalid numbers are refused.
//! - A message takes at most [`MAX_PARTS`] SMS parts (`sms.segments`).
//! - An MMS carries one image (JPEG, PNG, GIF or WebP, at most [`MAX_ATTACHMENT_BYTES`]) and counts
//!   as one part whatever its text.

use std::fmt;

use crate::country::CountryCode;
use crate::dial::{self, DialClass};
use crate::field::{FieldError, Problem};
use crate::phone::E164;
use crate::sms::{SmsSize, sms_size};

/// MSG-1: the most SMS parts one message may take.
pub const MAX_PARTS: usize = 10;
/// MSG-1: the largest MMS image, in bytes (1 MiB).
pub const MAX_ATTACHMENT_BYTES: u64 = 1_048_576;
/// MSG-1: the image types an MMS may carry.
pub const ATTACHMENT_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/gif", "image/webp"];

/// A message as the User wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Draft<'a> {
    /// The recipient as typed: spaces, dots and dashes are ignored; national French numbers are
    /// accepted.
    pub to: &'a str,
    pub body: &'a str,
    /// An image is attached: the message is an MMS.
    pub has_attachment: bool,
}

/// The Number a message is sent from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sender<'a> {
    /// The country of the sending Number: its home plan for the dialling rules.
    pub home: CountryCode,
    /// Its E.164 form: a Number does not text itself.
    pub e164: &'a str,
    /// The Call Plan lets the Company pay with Credits (NUM-5, MSG-1): messages abroad.
    pub credits_allowed: bool,
}

/// How a message is paid for (MSG-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charge {
    /// A national message: counted against the plan's included SMS.
    Included,
    /// A message abroad: this many parts at the destination's rate, paid with Credits.
    Credits { parts: u32 },
}

/// A message the rules let through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub to: E164,
    /// [`DialClass::National`] or [`DialClass::International`]: no other class is texted.
    pub class: DialClass,
    /// The text's encoding and size.
    pub size: SmsSize,
    /// Parts counted for it: the text's SMS parts, or 1 for an MMS.
    pub parts: u32,
    pub charge: Charge,
}

/// MSG-1, NUM-5: the recipient of a message from `sender`, as E.164 with its class; otherwise
/// the problem with the `to` field. The WebApp calls it as the number is typed.
pub fn recipient(sender: &Sender<'_>, to: &str) -> Result<(E164, DialClass), Problem> {
    if to.trim().is_empty() {
        return Err(Problem::Required);
    }
    let class = dial::classify(sender.home, to).map_err(|_| {
        Problem::Invalid("Messages can only be sent from Numbers of France for now.")
    })?;
    match class {
        DialClass::Emergency => {
            return Err(Problem::Invalid(
                "Emergency numbers cannot be texted from the app: contact them from your operator \
                 line (call 112, or text 114 if you cannot speak).",
            ));
        }
        DialClass::Special => {
            return Err(Problem::Invalid(
                "Special and short numbers (08…, 3xxx, 10xx, 118xxx) cannot be texted from the app: \
                 use your operator line.",
            ));
        }
        DialClass::Invalid => {
            return Err(Problem::Invalid(
                "Enter a French number such as 06 12 34 56 78, or an international number starting \
                 with + or 00 and the country code.",
            ));
        }
        DialClass::National | DialClass::International => {}
    }
    let e164 = dial::to_e164(sender.home, to).ok_or(Problem::Invalid(
        "Enter a French number such as 06 12 34 56 78, or an international number starting with + \
         or 00 and the country code.",
    ))?;
    if e164.as_str() == sender.e164 {
        return Err(Problem::Invalid(
            "This is the Number you are sending from: enter someone else's number.",
        ));
    }
    if class == DialClass::International && !sender.credits_allowed {
        return Err(Problem::Invalid(
            "Your Call Plan does not include messages abroad: they are paid with Credits on plans \
             that allow them. Ask your Manager.",
        ));
    }
    Ok((e164, class))
}

/// MSG-1: the number of parts of a message with this text, or the problem with the `body`
/// field. An MMS takes one part, but its text is held to the same length as an SMS's.
pub fn parts(body: &str, has_attachment: bool) -> Result<(SmsSize, u32), Problem> {
    let size = sms_size(body);
    if body.trim().is_empty() && !has_attachment {
        return Err(Problem::Required);
    }
    if size.segments > MAX_PARTS {
        return Err(Problem::Invalid(
            "A message takes at most 10 SMS parts: shorten it.",
        ));
    }
    let parts = if has_attachment { 1 } else { size.segments };
    // At most MAX_PARTS here, so the conversion cannot fail.
    Ok((size, u32::try_from(parts).unwrap_or(u32::MAX)))
}

/// MSG-1, NUM-5 (GTCS 2, 7): checks a whole message from `sender`. Every field's problem is
/// reported at once (`to`, `body`).
pub fn validate_message(
    sender: &Sender<'_>,
    draft: &Draft<'_>,
) -> Result<Outgoing, Vec<FieldError>> {
    let recipient = recipient(sender, draft.to);
    let parts = parts(draft.body, draft.has_attachment);
    match (recipient, parts) {
        (Ok((to, class)), Ok((size, parts))) => Ok(Outgoing {
            charge: match class {
                DialClass::International => Charge::Credits { parts },
                _ => Charge::Included,
            },
            to,
            class,
            size,
            parts,
        }),
        (recipient, parts) => Err(recipient
            .err()
            .map(|problem| FieldError {
                field: "to",
                problem,
            })
            .into_iter()
            .chain(parts.err().map(|problem| FieldError {
                field: "body",
                problem,
            }))
            .collect()),
    }
}

/// Why an MMS image is refused (MSG-1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachmentError {
    /// Not one of [`ATTACHMENT_TYPES`]; the type as given.
    UnsupportedType {
        content_type: String,
    },
    /// Over [`MAX_ATTACHMENT_BYTES`]; its size (or what was read of it before stopping).
    TooLarge {
        size_bytes: u64,
    },
    Empty,
}

impl fmt::Display for AttachmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttachmentError::UnsupportedType { content_type } if content_type.is_empty() => f
                .write_str(
                    "Only JPEG, PNG, GIF or WebP images can be sent, and this file's type is not \
                     known.",
                ),
            AttachmentError::UnsupportedType { content_type } => write!(
                f,
                "Only JPEG, PNG, GIF or WebP images can be sent: this file is {content_type}."
            ),
            AttachmentError::TooLarge { size_bytes } => write!(
                f,
                "An image can be at most 1 MiB: this one is {}. Send a smaller one.",
                mebibytes(*size_bytes)
            ),
            AttachmentError::Empty => f.write_str("This file is empty: choose an image."),
        }
    }
}

impl std::error::Error for AttachmentError {}

/// `size_bytes` in MiB with one decimal, rounded up so that anything over the limit never reads
/// as "1.0 MiB".
fn mebibytes(size_bytes: u64) -> String {
    let tenths = (u128::from(size_bytes) * 10).div_ceil(1_048_576);
    format!("{}.{} MiB", tenths / 10, tenths % 10)
}

/// MSG-1: the canonical type of an MMS image of `content_type` (as a browser or an HTTP header
/// gives it: case and parameters ignored), when it is one of [`ATTACHMENT_TYPES`]. The server
/// checks it before reading the image.
pub fn attachment_type(content_type: &str) -> Result<&'static str, AttachmentError> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    ATTACHMENT_TYPES
        .into_iter()
        .find(|known| *known == essence)
        .ok_or(AttachmentError::UnsupportedType {
            content_type: essence,
        })
}

/// MSG-1: an MMS image of `content_type` and `size_bytes`; its canonical type when accepted.
pub fn validate_attachment(
    content_type: &str,
    size_bytes: u64,
) -> Result<&'static str, AttachmentError> {
    let canonical = attachment_type(content_type)?;
    match size_bytes {
        0 => Err(AttachmentError::Empty),
        size if size > MAX_ATTACHMENT_BYTES => Err(AttachmentError::TooLarge { size_bytes: size }),
        _ => Ok(canonical),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sms::SmsEncoding;

    const ALICE: &str = "+33612345678";

    fn sender(credits_allowed: bool) -> Sender<'static> {
        Sender {
            home: CountryCode::FRANCE,
            e164: ALICE,
            credits_allowed,
        }
    }

    fn draft<'a>(to: &'a str, body: &'a str) -> Draft<'a> {
        Draft {
            to,
            body,
            has_attachment: false,
        }
    }

    fn problems(result: Result<Outgoing, Vec<FieldError>>) -> Vec<(&'static str, &'static str)> {
        result
            .err()
            .unwrap_or_default()
            .iter()
            .map(|error| (error.field, kind(&error.problem)))
            .collect()
    }

    /// The kind of a problem, so a test can say which without quoting its sentence.
    fn kind(problem: &Problem) -> &'static str {
        match problem {
            Problem::Required => "required",
            Problem::Invalid(_) => "invalid",
            Problem::TooLong { .. } | Problem::TooShort { .. } => "length",
        }
    }

    #[test]
    fn msg_1_national_messages_are_included_in_the_plan() {
        let message = validate_message(&sender(false), &draft("06 98 76 54 32", "Hello")).unwrap();
        assert_eq!(message.to.as_str(), "+33698765432");
        assert_eq!(message.class, DialClass::National);
        assert_eq!((message.parts, message.charge), (1, Charge::Included));
    }

    #[test]
    fn msg_1_messages_abroad_are_paid_per_part_with_credits_where_the_plan_allows() {
        let long = "a".repeat(161);
        let message = validate_message(&sender(true), &draft("0044 20 7946 0958", &long)).unwrap();
        assert_eq!(message.to.as_str(), "+442079460958");
        assert_eq!(message.class, DialClass::International);
        assert_eq!(message.charge, Charge::Credits { parts: 2 });
        assert_eq!(
            problems(validate_message(
                &sender(false),
                &draft("+44 20 7946 0958", "Hi")
            )),
            [("to", "invalid")]
        );
    }

    #[test]
    fn msg_1_num_5_emergency_special_short_and_invalid_numbers_are_refused() {
        for to in [
            "112",
            "114",
            "116 000",
            "08 92 68 02 22",
            "3615",
            "1014",
            "118 712",
        ] {
            let result = validate_message(&sender(true), &draft(to, "Hi"));
            assert_eq!(problems(result), [("to", "invalid")], "{to}");
        }
        let emergency = recipient(&sender(true), "112").unwrap_err().to_string();
        assert!(emergency.contains("operator line"), "{emergency}");
        for to in ["12", "06 12 34", "hello", "+33 0 6 12 34 56 78"] {
            assert_eq!(
                kind(&recipient(&sender(true), to).unwrap_err()),
                "invalid",
                "{to}"
            );
        }
        assert_eq!(
            recipient(&sender(true), "  ").unwrap_err(),
            Problem::Required
        );
        // A Number does not text itself.
        assert!(recipient(&sender(true), "06 12 34 56 78").is_err());
        // Dialling rules are only known for France.
        let belgian = Sender {
            home: "BE".parse().unwrap(),
            ..sender(true)
        };
        assert!(recipient(&belgian, "+33 6 98 76 54 32").is_err());
    }

    #[test]
    fn msg_1_at_most_ten_parts_and_never_empty() {
        assert_eq!(parts(&"a".repeat(1530), false).map(|(_, n)| n), Ok(10));
        assert!(parts(&"a".repeat(1531), false).is_err());
        // UCS-2: 67 units a part, so 670 units at most.
        let (size, n) = parts(&"ç".repeat(670), false).unwrap();
        assert_eq!((size.encoding, n), (SmsEncoding::Ucs2, 10));
        assert!(parts(&"ç".repeat(671), false).is_err());
        assert_eq!(parts("", false), Err(Problem::Required));
        assert_eq!(parts(" \n ", false), Err(Problem::Required));
        let both = problems(validate_message(&sender(true), &draft("112", "")));
        assert_eq!(both, [("to", "invalid"), ("body", "required")]);
    }

    #[test]
    fn msg_1_an_mms_counts_as_one_part_and_may_have_no_text() {
        let mms = Draft {
            to: "+44 20 7946 0958",
            body: &"ç".repeat(200),
            has_attachment: true,
        };
        let message = validate_message(&sender(true), &mms).unwrap();
        assert_eq!(message.charge, Charge::Credits { parts: 1 });
        assert_eq!(message.size.segments, 3);
        assert_eq!(parts("", true).map(|(_, n)| n), Ok(1));
    }

    #[test]
    fn msg_1_mms_images_are_jpeg_png_gif_or_webp_up_to_one_mebibyte() {
        assert_eq!(validate_attachment("image/png", 10), Ok("image/png"));
        assert_eq!(
            validate_attachment(" Image/JPEG; charset=binary", 1_048_576),
            Ok("image/jpeg")
        );
        assert_eq!(validate_attachment("image/webp", 1), Ok("image/webp"));
        assert_eq!(validate_attachment("image/gif", 1), Ok("image/gif"));
        let too_large = validate_attachment("image/png", 1_048_577).unwrap_err();
        assert!(matches!(too_large, AttachmentError::TooLarge { .. }));
        assert_eq!(
            too_large.to_string(),
            "An image can be at most 1 MiB: this one is 1.1 MiB. Send a smaller one."
        );
        let svg = validate_attachment("image/svg+xml", 10).unwrap_err();
        assert!(matches!(svg, AttachmentError::UnsupportedType { .. }));
        assert!(svg.to_string().contains("image/svg+xml"), "{svg}");
        assert!(matches!(
            validate_attachment("", 10),
            Err(AttachmentError::UnsupportedType { .. })
        ));
        assert_eq!(
            validate_attachment("image/png", 0),
            Err(AttachmentError::Empty)
        );
    }
}
