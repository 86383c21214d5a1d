//! Measures the built app as a visitor receives it: the first-visit transfer of each bundle
//! (`protocol::bundle`) next to its goal, and the median time from navigation to an interactive
//! dashboard in headless Chromium. Prints figures; asserts nothing. Run with `make bench` (which
//! builds the app first).

#[path = "../tests/browser/harness/mod.rs"]
mod harness;

use std::io::Write;
use std::time::Duration;

use harness::{Browser, Console};

const LOADS: usize = 10;

fn gzip(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("compressing in memory");
    encoder.finish().expect("compressing in memory").len()
}

fn brotli(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("compressing in memory");
    out.len()
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

/// Each bundle as a first visit downloads it: its page and the files beside it (the favicon
/// aside), compressed with brotli as the server sends them.
fn bundle_sizes() {
    let dist = harness::dist_dir();
    println!(
        "Release bundles ({}), first visit, brotli as served:",
        dist.display()
    );
    println!(
        "  {:<34} {:>10} {:>10} {:>10} {:>10}",
        "bundle (its page)", "wasm raw", "wasm br", "all br", "goal"
    );
    for (name, folder, goal) in [
        ("sign-in: the log-in page (/login)", "signin", Some(250.0)),
        ("WebApp (/app)", "webapp", Some(200.0)),
        ("back office (/backoffice)", "backoffice", Some(250.0)),
        ("Management Console (/console)", "", None),
    ] {
        let files = std::fs::read_dir(dist.join(folder))
            .expect("reading dist")
            .filter_map(Result::ok)
            .filter(|file| file.path().is_file())
            .filter(|file| !file.file_name().to_string_lossy().ends_with(".svg"));
        let (mut wasm_raw, mut wasm_br, mut total) = (0, 0, 0);
        for file in files {
            let bytes = std::fs::read(file.path()).expect("reading a file");
            let compressed = brotli(&bytes);
            total += compressed;
            if file.file_name().to_string_lossy().ends_with("_bg.wasm") {
                wasm_raw += bytes.len();
                wasm_br += compressed;
            }
        }
        let verdict = match goal {
            Some(goal) if total as f64 / 1024.0 <= goal => format!("≤ {goal:.0} KB ✓"),
            Some(goal) => format!("≤ {goal:.0} KB ✗"),
            None => "after sign-in".to_owned(),
        };
        println!(
            "  {name:<34} {:>10} {:>10} {:>10} {verdict:>10}",
            kb(wasm_raw),
            kb(wasm_br),
            kb(total)
        );
    }
    println!(
        "  (gzip instead of brotli: the console's wasm is {})",
        kb(std::fs::read_dir(&dist)
            .expect("reading dist")
            .filter_map(Result::ok)
            .filter(|file| file.file_name().to_string_lossy().ends_with("_bg.wasm"))
            .map(|file| gzip(&std::fs::read(file.path()).expect("reading a file")))
            .sum())
    );
}

async fn time_to_interactive(browser: &Browser) -> f64 {
    let script = "const mark = performance.getEntriesByName('dashboard-interactive')[0];
                  return mark ? mark.startTime : null;";
    for _ in 0..400 {
        if let Some(ms) = browser
            .client
            .execute(script, vec![])
            .await
            .expect("reading the mark")
            .as_f64()
        {
            return ms;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the dashboard never became interactive");
}

#[tokio::main]
async fn main() {
    bundle_sizes();

    let console = Console::start().await;
    let browser = Browser::launch(&console.url).await;
    browser
        .sign_up_company("Bench SAS", "bench@example.fr")
        .await;

    let mut timings = Vec::with_capacity(LOADS);
    let mut wasm_fetches = 0;
    for _ in 0..LOADS {
        browser.goto("/console").await;
        timings.push(time_to_interactive(&browser).await);
        // The preloaded wasm is the one the app instantiates: one fetch per load, not two.
        wasm_fetches = wasm_fetches.max(
            browser
                .client
                .execute(
                    "return performance.getEntriesByType('resource').filter(e => e.name.endsWith('.wasm')).length;",
                    vec![],
                )
                .await
                .expect("reading the resources")
                .as_u64()
                .unwrap_or_default(),
        );
    }
    let first = timings[0];
    timings.sort_by(f64::total_cmp);
    println!();
    println!(
        "Navigation to interactive dashboard, headless Chromium, {LOADS} loads (performance mark):"
    );
    println!(
        "  median {:.0} ms, fastest {:.0} ms, slowest {:.0} ms; first load {:.0} ms   goal: median ≤ 150 ms {}",
        timings[LOADS / 2],
        timings[0],
        timings[LOADS - 1],
        first,
        if timings[LOADS / 2] <= 150.0 {
            "✓"
        } else {
            "✗"
        }
    );
    println!("  wasm files fetched per load (preload reused): at most {wasm_fetches}");
    browser.close().await;
}
