//! Measures the built app as a visitor receives it: transfer sizes of the release bundle and the
//! median time from navigation to an interactive dashboard in headless Chromium. Prints figures;
//! asserts nothing. Run with `make bench` (which builds the app first).

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

fn bundle_sizes() {
    let dist = harness::dist_dir();
    println!("Release bundle ({})", dist.display());
    println!(
        "{:<10} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip", "brotli"
    );
    let mut first_load = 0;
    for (kind, suffix) in [
        ("wasm", "_bg.wasm"),
        ("js", ".js"),
        ("css", ".css"),
        ("html", "index.html"),
    ] {
        let files = std::fs::read_dir(&dist)
            .expect("reading dist")
            .filter_map(Result::ok);
        let (mut raw, mut gz, mut br) = (0, 0, 0);
        for file in files.filter(|file| file.file_name().to_string_lossy().ends_with(suffix)) {
            let bytes = std::fs::read(file.path()).expect("reading a file");
            raw += bytes.len();
            gz += gzip(&bytes);
            br += brotli(&bytes);
        }
        first_load += br;
        println!("{kind:<10} {:>10} {:>10} {:>10}", kb(raw), kb(gz), kb(br));
    }
    println!(
        "first-load transfer (brotli, html + js + wasm + css): {}",
        kb(first_load)
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
    for _ in 0..LOADS {
        browser.goto("/console").await;
        timings.push(time_to_interactive(&browser).await);
    }
    let first = timings[0];
    timings.sort_by(f64::total_cmp);
    println!();
    println!(
        "Navigation to interactive dashboard, headless Chromium, {LOADS} loads (performance mark):"
    );
    println!(
        "  median {:.0} ms, fastest {:.0} ms, slowest {:.0} ms; first load {:.0} ms",
        timings[LOADS / 2],
        timings[0],
        timings[LOADS - 1],
        first
    );
    browser.close().await;
}
