//! Measures the Order page's live quote (PRICE-1) with a basket of 1,000 Numbers in headless
//! Chromium: the time from switching between monthly and annual payment to the new total shown,
//! and the part of it spent in the quote computation itself (the page's "quote-update"
//! performance measure around `domain::order::quote_order`). Prints figures; asserts nothing
//! beyond the set-up. Run with `cargo bench -p server --bench quote` after `make app`.

#[path = "../tests/browser/harness/mod.rs"]
mod harness;

use std::time::Duration;

use harness::{Browser, Console};

const BASKET: usize = 1000;
const TOGGLES: usize = 30;

/// Adds 1,000 French mobile Numbers (+33 7 90 00 0x xx) to the pool, beside the seeded ones.
async fn grow_the_pool(console: &Console) {
    let mut tx = console.state.db.write().await.expect("a transaction");
    for index in 0..BASKET {
        sqlx::query("INSERT INTO numbers (e164, country) VALUES ($1, 'FR')")
            .bind(format!("+3379000{index:04}"))
            .execute(&mut *tx)
            .await
            .expect("adding a Number");
    }
    tx.commit().await.expect("committing the Numbers");
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main]
async fn main() {
    let console = Console::start().await;
    grow_the_pool(&console).await;
    let browser = Browser::launch(&console.url).await;
    browser
        .sign_up_company("Bench SAS", "bench@example.fr")
        .await;

    browser
        .goto(&format!("/console/order?country=FR&numbers={BASKET}"))
        .await;
    browser.sees(&format!("Basket ({BASKET} Numbers)")).await;
    browser.sees("Total").await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    // One toggle: click the other payment, then wait for the total to change (a mutation
    // observer fires right after the DOM update) and for the next frame.
    let toggle = r#"
        const [id, done] = arguments;
        const total = () => document.querySelector('.quote-total').textContent;
        const before = total();
        performance.clearMeasures('quote-update');
        const section = document.querySelector('section.quote');
        const started = performance.now();
        const observer = new MutationObserver(() => {
            if (total() === before) return;
            observer.disconnect();
            const shown = performance.now();
            requestAnimationFrame(() => {
                const framed = performance.now();
                const measure = performance.getEntriesByName('quote-update').pop();
                done([shown - started, framed - started, measure ? measure.duration : null, total()]);
            });
        });
        observer.observe(section, {childList: true, subtree: true, characterData: true});
        document.getElementById(id).click();"#;
    let (mut shown, mut framed, mut computed) = (Vec::new(), Vec::new(), Vec::new());
    let mut totals = Vec::new();
    for round in 0..TOGGLES {
        let id = if round % 2 == 0 {
            "billing-annual"
        } else {
            "billing-monthly"
        };
        let result = browser
            .client
            .execute_async(toggle, vec![id.into()])
            .await
            .expect("toggling the payment");
        let values = result.as_array().expect("timings");
        shown.push(values[0].as_f64().expect("a time"));
        framed.push(values[1].as_f64().expect("a time"));
        computed.push(values[2].as_f64().expect("the quote-update measure"));
        totals.push(values[3].as_str().unwrap_or_default().to_owned());
    }
    totals.dedup();

    // One basket line changes plan: the basket (1,000 keyed rows) and the quote update.
    let change_plan = r#"
        const [round, done] = arguments;
        const total = () => document.querySelector('.quote-total').textContent;
        const before = total();
        performance.clearMeasures('quote-update');
        const select = document.querySelectorAll('table.basket select')[500];
        const options = [...select.options].map(option => option.value);
        const next = options[(options.indexOf(select.value) + 1) % options.length];
        const section = document.querySelector('section.quote');
        const started = performance.now();
        const observer = new MutationObserver(() => {
            if (total() === before) return;
            observer.disconnect();
            const shown = performance.now();
            requestAnimationFrame(() => {
                const measure = performance.getEntriesByName('quote-update').pop();
                done([shown - started, performance.now() - started, measure ? measure.duration : null]);
            });
        });
        observer.observe(section, {childList: true, subtree: true, characterData: true});
        select.value = next;
        select.dispatchEvent(new Event('change', {bubbles: true}));"#;
    let (mut plan_shown, mut plan_framed, mut plan_computed) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..TOGGLES {
        let result = browser
            .client
            .execute_async(change_plan, vec![round.into()])
            .await
            .expect("changing a line's plan");
        let values = result.as_array().expect("timings");
        plan_shown.push(values[0].as_f64().expect("a time"));
        plan_framed.push(values[1].as_f64().expect("a time"));
        plan_computed.push(values[2].as_f64().expect("the quote-update measure"));
    }
    println!(
        "Order page, basket of {BASKET} Numbers over 3 Call Plans, headless Chromium, {TOGGLES} switches between monthly and annual payment:"
    );
    println!(
        "  quote recomputed (domain::order::quote_order, \"quote-update\" measure): median {:.2} ms, slowest {:.2} ms",
        median(computed.clone()),
        computed.iter().copied().fold(0.0, f64::max)
    );
    println!(
        "  click to new total in the DOM: median {:.1} ms, slowest {:.1} ms",
        median(shown.clone()),
        shown.iter().copied().fold(0.0, f64::max)
    );
    println!(
        "  click to next frame: median {:.1} ms, slowest {:.1} ms",
        median(framed.clone()),
        framed.iter().copied().fold(0.0, f64::max)
    );
    println!(
        "  totals shown: {}",
        totals
            .iter()
            .take(2)
            .cloned()
            .collect::<Vec<_>>()
            .join(" / ")
    );
    println!("  changing one basket line's Call Plan ({TOGGLES} times):");
    println!(
        "    quote recomputed: median {:.2} ms; click to new total in the DOM: median {:.1} ms, slowest {:.1} ms; to next frame: median {:.1} ms",
        median(plan_computed),
        median(plan_shown.clone()),
        plan_shown.iter().copied().fold(0.0, f64::max),
        median(plan_framed)
    );
    browser.close().await;
}
