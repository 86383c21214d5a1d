//! The quote of 1,000 and 10,000 lines, in the browser: the same `domain::pricing::quote` the
//! Order page runs as a Manager types. Built for wasm32 and run in headless Chromium by
//! wasm-bindgen-test-runner: `cargo bench -p domain --bench quote_wasm --target wasm32-unknown-unknown`.

#![cfg(target_arch = "wasm32")]

mod browser {
    use std::hint::black_box;
    use std::time::Duration;

    use domain::pricing::{Discount, QuoteLine, quote};
    use domain::{Money, Percent};
    use rust_decimal::Decimal;
    use wasm_bindgen_test::{Criterion, wasm_bindgen_bench, wasm_bindgen_test_configure};

    wasm_bindgen_test_configure!(run_in_browser);

    /// The same lines as the native bench (`benches/rules.rs`), so the figures compare.
    fn lines(count: usize) -> Vec<QuoteLine> {
        (0..count)
            .map(|i| QuoteLine {
                unit_price: Money::new(Decimal::new(999 + (i as i64 * 7919) % 100_000, 3)),
                quantity: 1 + (i as u32 % 24),
                discount: Discount::new(Decimal::new((i as i64 * 37) % 5_001, 2)).unwrap(),
            })
            .collect()
    }

    /// Short runs: a benchmark blocks the page, and the runner gives up on a page silent for 20 s.
    fn brief(c: &mut Criterion) {
        *c = std::mem::take(c)
            .sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(2));
    }

    #[wasm_bindgen_bench]
    fn quote_of_1_000_lines(c: &mut Criterion) {
        brief(c);
        let vat = Percent::new(Decimal::from(20)).unwrap();
        let lines = lines(1_000);
        c.bench_function("quote of 1000 lines (wasm)", |b| {
            b.iter(|| black_box(quote(vat, black_box(&lines))))
        });
    }

    #[wasm_bindgen_bench]
    fn quote_of_10_000_lines(c: &mut Criterion) {
        brief(c);
        let vat = Percent::new(Decimal::from(20)).unwrap();
        let lines = lines(10_000);
        c.bench_function("quote of 10000 lines (wasm)", |b| {
            b.iter(|| black_box(quote(vat, black_box(&lines))))
        });
    }
}
