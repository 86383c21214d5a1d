//! Timings of the rules on large inputs, with `std::time::Instant` (no benchmark framework).
//! Run with `cargo bench -p domain --bench rules`. Each figure is the median of several runs.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use domain::calendar::Span;
use domain::licence::Licence;
use domain::notice::{customer_termination, last_day_to_give_notice};
use domain::pricing::{Discount, QuoteLine, quote};
use domain::working_days::complaint_answer_due;
use domain::{Money, Percent, Term};
use rust_decimal::Decimal;

const RUNS: usize = 7;

/// Runs `work` `RUNS` times and returns the median duration.
fn median(mut work: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .collect();
    times.sort_unstable();
    times[RUNS / 2]
}

fn report(what: &str, count: usize, time: Duration) {
    let per_item = time.as_secs_f64() * 1e9 / count as f64;
    println!(
        "{what:<44} {:>10.3} ms   {per_item:>9.1} ns each",
        time.as_secs_f64() * 1e3
    );
}

fn lines(count: usize) -> Vec<QuoteLine> {
    (0..count)
        .map(|i| QuoteLine {
            unit_price: Money::new(Decimal::new(999 + (i as i64 * 7919) % 100_000, 3)),
            quantity: 1 + (i as u32 % 24),
            discount: Discount::new(Decimal::new((i as i64 * 37) % 5_001, 2)).unwrap(),
        })
        .collect()
}

fn main() {
    let vat = Percent::new(Decimal::from(20)).unwrap();
    for count in [1_000, 10_000] {
        let lines = lines(count);
        let time = median(|| {
            black_box(quote(black_box(vat), black_box(&lines)).unwrap());
        });
        report(&format!("quote of {count} lines"), count, time);
    }

    let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let effective: Vec<NaiveDate> = (0..1_000_000u64)
        .map(|i| start + Days::new(i % 20_000))
        .collect();
    let time = median(|| {
        for (i, day) in effective.iter().enumerate() {
            let length = if i % 2 == 0 {
                Span::Months(3)
            } else {
                Span::Days(10)
            };
            black_box(last_day_to_give_notice(black_box(length), black_box(*day)));
        }
    });
    report("1,000,000 notice deadlines (rule T)", effective.len(), time);

    let licences: Vec<(Licence, NaiveDate)> = (0..1_000_000u64)
        .map(|i| {
            let anchor = start + Days::new(i % 3_000);
            let term = Term::months([1, 12, 24][i as usize % 3]).unwrap();
            (Licence::new(anchor, term), anchor + Days::new(i % 1_500))
        })
        .collect();
    let time = median(|| {
        for (licence, received) in &licences {
            black_box(customer_termination(black_box(licence), black_box(*received)).unwrap());
        }
    });
    report(
        "1,000,000 customer terminations (NOTICE-1)",
        licences.len(),
        time,
    );

    let received: Vec<NaiveDate> = (0..100_000u64)
        .map(|i| start + Days::new(i % 10_000))
        .collect();
    let time = median(|| {
        for day in &received {
            black_box(complaint_answer_due(black_box(*day)).unwrap());
        }
    });
    report(
        "100,000 working-day deadlines (DISPUTE-4)",
        received.len(),
        time,
    );
}
