//! Properties of the rules that must hold for every input, not only the worked cases.

use chrono::{Days, NaiveDate};
use domain::calendar::Span;
use domain::late::{PenaltyRates, late_penalty};
use domain::licence::Licence;
use domain::notice::{
    customer_termination, earliest_effective, last_day_to_give_notice, notice_in_time,
    provider_termination,
};
use domain::pricing::{Discount, QuoteLine, quote, renewal_invoice};
use domain::working_days::{add_working_days, is_public_holiday, is_working_day};
use domain::{Money, Percent, Term};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// A day of a month, days 29 to 31 clamped to the month's last day (so month ends are common).
fn clamped(year: i32, month: u32, day: u32) -> NaiveDate {
    (1..=day)
        .rev()
        .find_map(|day| NaiveDate::from_ymd_opt(year, month, day))
        .expect("day 1 exists")
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (1950i32..2150, 1u32..=12, 1u32..=31).prop_map(|(year, month, day)| clamped(year, month, day))
}

fn any_term() -> impl Strategy<Value = Term> {
    prop_oneof![Just(1u32), Just(12), Just(24), 1u32..=60]
        .prop_map(|months| Term::months(months).unwrap())
}

fn any_span() -> impl Strategy<Value = Span> {
    prop_oneof![
        (0u32..400).prop_map(Span::Days),
        (0u32..40).prop_map(Span::Months)
    ]
}

fn next(day: NaiveDate) -> NaiveDate {
    day.succ_opt().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// RENEW-1: consecutive periods tile time, with no gap and no overlap, even from a 29th-31st.
    #[test]
    fn renew_1_periods_tile_time(anchor in any_date(), term in any_term()) {
        let licence = Licence::new(anchor, term);
        prop_assert_eq!(licence.period(0).unwrap().first_day(), anchor);
        for k in 0..36 {
            let this = licence.period(k).unwrap();
            let following = licence.period(k + 1).unwrap();
            prop_assert!(this.first_day() <= this.last_day());
            prop_assert_eq!(next(this.last_day()), following.first_day(), "gap or overlap after period {}", k);
        }
    }

    /// RENEW-1: the period found for a day contains it, and is the period of that index.
    #[test]
    fn renew_1_period_containing_contains_the_day(anchor in any_date(), term in any_term(), offset in 0u64..20_000) {
        let licence = Licence::new(anchor, term);
        let on = anchor.checked_add_days(Days::new(offset)).unwrap();
        let k = licence.period_index(on).unwrap();
        let period = licence.period_containing(on).unwrap();
        prop_assert!(period.contains(on), "{:?} does not contain {}", period, on);
        prop_assert_eq!(period, licence.period(k).unwrap());
    }

    /// Rule T: the last day to give notice is in time and the next day is not.
    #[test]
    fn rule_t_last_day_is_in_time_and_the_next_is_not(effective in any_date(), length in any_span()) {
        let last = last_day_to_give_notice(length, effective).unwrap();
        prop_assert!(notice_in_time(length, last, effective));
        prop_assert!(length.after(last).unwrap() < effective);
        prop_assert!(!notice_in_time(length, next(last), effective), "{} + {:?} is still before {}", next(last), length, effective);
    }

    /// Rule T: the earliest effective day after a notice is the first day the notice is in time for.
    #[test]
    fn rule_t_earliest_effective_is_the_first_day_in_time(notified in any_date(), length in any_span()) {
        let earliest = earliest_effective(length, notified).unwrap();
        prop_assert!(notice_in_time(length, notified, earliest));
        prop_assert!(!notice_in_time(length, notified, earliest.pred_opt().unwrap()));
    }

    /// NOTICE-1, NOTICE-2: on time iff rule T holds for the renewal; a late notice ends the next period.
    #[test]
    fn notice_1_and_2_agree_with_rule_t(anchor in any_date(), term in any_term(), offset in 0u64..5_000, provider in any::<bool>()) {
        let licence = Licence::new(anchor, term);
        let day = anchor.checked_add_days(Days::new(offset)).unwrap();
        let outcome = if provider { provider_termination(&licence, day) } else { customer_termination(&licence, day) }.unwrap();
        let period = licence.period_containing(day).unwrap();
        prop_assert_eq!(outcome.period_last_day, period.last_day());
        prop_assert!(outcome.notice_last_day <= period.last_day());
        prop_assert_eq!(outcome.on_time, day <= outcome.notice_last_day);
        let next_period = licence.period_containing(next(period.last_day())).unwrap();
        let expected_end = if outcome.on_time { period.last_day() } else { next_period.last_day() };
        prop_assert_eq!(outcome.service_last_day, expected_end);
    }

    /// DISPUTE-4: a working-day deadline is a working day, exactly n working days after the start.
    #[test]
    fn working_day_deadlines_are_working_days(start in any_date(), n in 1u32..=60) {
        let due = add_working_days(start, n).unwrap();
        prop_assert!(is_working_day(due), "{} is not a working day", due);
        prop_assert!(!is_public_holiday(due));
        let counted = next(start).iter_days().take_while(|day| *day <= due).filter(|day| is_working_day(*day)).count();
        prop_assert_eq!(counted, n as usize);
    }

    /// PRICE-1, RENEW-2: total = Σ rounded net lines + VAT computed once on that sum.
    #[test]
    fn quote_total_is_the_sum_of_rounded_lines_plus_vat(
        raw_lines in prop::collection::vec((0i64..10_000_000, 0u32..1_000, 0i64..=10_000), 0..20),
        vat in 0i64..=3_000,
    ) {
        let round = |amount: Decimal| amount.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        let vat_rate = Percent::new(Decimal::new(vat, 2)).unwrap();
        let lines: Vec<QuoteLine> = raw_lines
            .iter()
            .map(|&(price, quantity, discount)| QuoteLine {
                unit_price: Money::new(Decimal::new(price, 3)),
                quantity,
                discount: Discount::new(Decimal::new(discount, 2)).unwrap(),
            })
            .collect();
        for (priced, with_discounts) in [(quote(vat_rate, &lines).unwrap(), true), (renewal_invoice(vat_rate, &lines).unwrap(), false)] {
            let mut sum = Decimal::ZERO;
            for (line, priced_line) in lines.iter().zip(&priced.lines) {
                let gross = round(line.unit_price.amount() * Decimal::from(line.quantity));
                let pct = if with_discounts { line.discount.percent().value() } else { Decimal::ZERO };
                let discount = round(gross * pct / Decimal::ONE_HUNDRED);
                prop_assert_eq!(priced_line.net.amount(), gross - discount);
                prop_assert!(priced_line.net.amount() >= Decimal::ZERO);
                sum += priced_line.net.amount();
            }
            prop_assert_eq!(priced.subtotal.amount(), sum);
            prop_assert_eq!(priced.vat.amount(), round(sum * vat_rate.value() / Decimal::ONE_HUNDRED));
            prop_assert_eq!(priced.total.amount(), sum + priced.vat.amount());
            prop_assert_eq!(round(priced.total.amount()), priced.total.amount(), "not whole cents");
        }
    }

    /// LATE-1, LATE-2: penalties and the indemnity never decrease as days pass.
    #[test]
    fn late_penalties_never_decrease(
        cents in 0i64..100_000_000,
        due in any_date(),
        first in 0u64..2_000,
        more in 0u64..400,
        ecb in 0i64..=800,
        legal in 0i64..=1_000,
    ) {
        let rates = PenaltyRates { ecb_rate: Percent::new(Decimal::new(ecb, 2)).unwrap(), legal_rate: Percent::new(Decimal::new(legal, 2)).unwrap() };
        let amount = Money::from_cents(cents);
        let earlier_day = due.pred_opt().unwrap().checked_add_days(Days::new(first)).unwrap();
        let later_day = earlier_day.checked_add_days(Days::new(more)).unwrap();
        let earlier = late_penalty(amount, due, earlier_day, &rates).unwrap();
        let later = late_penalty(amount, due, later_day, &rates).unwrap();
        prop_assert!(earlier.days_late <= later.days_late);
        prop_assert!(earlier.penalty <= later.penalty, "{} then {}", earlier.penalty, later.penalty);
        prop_assert!(earlier.indemnity <= later.indemnity);
        prop_assert_eq!(earlier.rate, later.rate);
    }
}

/// Texts near the SMS part boundaries: mostly plain letters, with extension characters (two
/// septets), characters outside GSM-7, surrogate pairs, emoji sequences, flags and combining
/// accents sprinkled in, so every kind of character lands on a boundary sometime.
fn any_sms_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        20 => Just("a"),
        3 => Just("€"),
        2 => Just("["),
        2 => Just("é"),
        1 => Just("ç"),
        1 => Just("😀"),
        1 => Just("👍🏽"),
        1 => Just("👨\u{200d}👩\u{200d}👧"),
        1 => Just("🇫🇷"),
        1 => Just("e\u{301}"),
        1 => Just("a\u{301}\u{327}"),
    ];
    prop::collection::vec(piece, 0..420).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// MSG-1: the parts of any text give it back, each within its size, filled in order, and no
    /// part splits a character (an extension character in GSM-7, a grapheme cluster in UCS-2).
    #[test]
    fn msg_1_parts_give_the_text_back_whole_characters_within_size(text in any_sms_text()) {
        use domain::sms::{SmsEncoding, sms_parts, sms_size};
        use unicode_segmentation::UnicodeSegmentation;

        let size = sms_size(&text);
        let parts = sms_parts(&text);
        prop_assert_eq!(parts.concat(), text.clone());
        prop_assert_eq!(parts.len(), size.segments);
        prop_assert!(parts.iter().all(|part| !part.is_empty()));

        let units = |piece: &str| match size.encoding {
            SmsEncoding::Gsm7 => piece.chars().map(|c| domain::sms::gsm7_septets(c).unwrap()).sum::<usize>(),
            SmsEncoding::Ucs2 => piece.encode_utf16().count(),
        };
        prop_assert_eq!(parts.iter().map(|part| units(part)).sum::<usize>(), size.units);
        let capacity = if parts.len() == 1 { size.encoding.single_capacity() } else { size.encoding.part_capacity() };
        // The pieces a part may not split: characters in GSM-7, grapheme clusters in UCS-2.
        let pieces: Vec<&str> = match size.encoding {
            SmsEncoding::Gsm7 => text.split_inclusive(|_| true).collect(),
            SmsEncoding::Ucs2 => text.graphemes(true).collect(),
        };
        let mut boundaries = vec![0];
        for piece in &pieces {
            boundaries.push(boundaries.last().unwrap() + piece.len());
        }
        let mut at = 0;
        for (k, part) in parts.iter().enumerate() {
            prop_assert!(units(part) <= capacity, "part {} takes {} units", k, units(part));
            at += part.len();
            prop_assert!(boundaries.contains(&at), "part {} ends inside a character", k);
            if k + 1 < parts.len() {
                // Filled in order: the next character did not fit in this part.
                let next = pieces[boundaries.iter().position(|&b| b == at).unwrap()];
                prop_assert!(units(part) + units(next) > capacity, "part {} could take {:?}", k, next);
            }
        }
    }
}
