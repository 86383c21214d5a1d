//! Measures the Users page with 10,000 users in headless Chromium: the time from navigation to
//! the first page of the table on screen (performance marks set by the page), compared in the
//! same run with a plain JavaScript page doing the same work (`plain_users/`: fetch the list,
//! build the search text, sort by name, show the count and the first 50 rows) and with a plain
//! table of all 10,000 rows; and the time per keystroke of the search filter (from the input
//! event to the updated table, layout included). Prints figures next to their goal; asserts
//! nothing. Run with `cargo bench -p server --bench users_list` after `make app`.

#[path = "../tests/browser/harness/mod.rs"]
mod harness;

use std::time::Instant;

use harness::{Browser, Console};
use serde_json::Value;

const USERS: usize = 10_000;
const LOADS: usize = 7;
/// The console's first page of 10,000 Users at most this many times the plain page's time.
const GOAL_RATIO: f64 = 1.3;
const FIRST: [&str; 10] = [
    "Anne", "Louis", "Marie", "Paul", "Jeanne", "Hugo", "Chloé", "Noah", "Léa", "Jules",
];
const LAST: [&str; 10] = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau",
];

async fn seed(console: &Console) {
    let started = Instant::now();
    let company_id: i64 = sqlx::query_scalar("SELECT id FROM companies")
        .fetch_one(&console.state.db.pool)
        .await
        .expect("the company");
    let mut tx = console.state.db.write().await.expect("a transaction");
    for n in 0..USERS {
        let (first, last) = (FIRST[n % 10], LAST[(n / 10) % 10]);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (company_id, first_name, last_name, email, role, created_at, mobile, residence_country, status)
             VALUES ($1, $2, $3, $4, 'user', '2026-01-01T00:00:00.000000Z', $5, 'FR', 'active') RETURNING id",
        )
        .bind(company_id)
        .bind(first)
        .bind(format!("{last}{}", n / 100))
        .bind(format!("{}.{}.{n}@bench.example", first.to_lowercase(), last.to_lowercase()))
        .bind(format!("+336{:08}", n))
        .fetch_one(&mut *tx)
        .await
        .expect("a user");
        if n % 3 == 0 {
            sqlx::query("INSERT INTO user_stable_links (user_id, country) VALUES ($1, 'DE')")
                .bind(id)
                .execute(&mut *tx)
                .await
                .expect("a link");
        }
    }
    tx.commit().await.expect("committing");
    println!(
        "Seeded {USERS} users in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// Waits for a performance mark and returns its time since navigation, in ms.
async fn mark(browser: &Browser, name: &str) -> f64 {
    let script = format!(
        "const mark = performance.getEntriesByName('{name}')[0]; return mark ? mark.startTime : null;"
    );
    for _ in 0..1200 {
        if let Some(ms) = browser
            .client
            .execute(&script, vec![])
            .await
            .expect("reading a mark")
            .as_f64()
        {
            return ms;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the mark {name} never came");
}

/// Types `text` into the search box one character at a time, timing each keystroke from the
/// input event until the summary line has changed and layout is done.
const TYPE: &str = r#"
    const [text, done] = [arguments[0], arguments[arguments.length - 1]];
    const input = document.getElementById('user-search');
    const summary = document.querySelector('.users .summary');
    const channel = new MessageChannel();
    const nextTask = () => new Promise(resolve => { channel.port1.onmessage = resolve; channel.port2.postMessage(0); });
    const times = [];
    (async () => {
        for (let i = 1; i <= text.length; i++) {
            const before = summary.textContent;
            const start = performance.now();
            input.value = text.slice(0, i);
            input.dispatchEvent(new Event('input', {bubbles: true}));
            while (summary.textContent === before) { await nextTask(); }
            document.body.offsetHeight; // layout
            times.push(performance.now() - start);
            await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));
        }
        done({times, summary: summary.textContent, rows: document.querySelectorAll('.users-table tbody tr').length});
    })();
"#;

fn stats(mut times: Vec<f64>) -> String {
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    format!(
        "median {median:.1} ms, fastest {:.1} ms, slowest {:.1} ms ({} keystrokes)",
        times[0],
        times[times.len() - 1],
        times.len()
    )
}

/// A copy of the built app with the plain JavaScript reference beside it, using the same
/// stylesheets as the console's page.
fn dist_with_plain_page() -> tempfile::TempDir {
    let dist = harness::dist_dir();
    let copy = tempfile::tempdir().expect("a temporary folder");
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", dist.display()))
        .arg(copy.path())
        .status()
        .expect("copying the built app");
    assert!(status.success(), "copying the built app");
    let index = std::fs::read_to_string(dist.join("index.html")).expect("the console's page");
    let stylesheets: String = index
        .lines()
        .filter(|line| line.contains("rel=\"stylesheet\""))
        .collect();
    let plain = include_str!("plain_users/plain-users.html").replace(
        "<meta charset=\"utf-8\" />",
        &format!("<meta charset=\"utf-8\" />{stylesheets}"),
    );
    std::fs::write(copy.path().join("plain-users.html"), plain).expect("writing the plain page");
    std::fs::write(
        copy.path().join("plain-users.js"),
        include_str!("plain_users/plain-users.js"),
    )
    .expect("writing the plain page");
    copy
}

/// Leaves the page for an empty one and lets the browser settle, so that each measured load
/// starts alike: not while the browser still tears down the page before it (the table of all
/// 10,001 rows takes a while to collect).
async fn settle(browser: &Browser) {
    browser.goto("/legal/gtcs.txt").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
}

/// The median of `times` (sorted in place).
fn median(times: &mut [f64]) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

#[tokio::main]
async fn main() {
    let dist = dist_with_plain_page();
    let console = Console::start_serving(dist.path(), &[]).await;
    let browser = Browser::launch(&console.url).await;
    browser
        .sign_up_company("Bench SAS", "bench@example.fr")
        .await;
    seed(&console).await;

    // Interleaved, so that both pages meet the same machine load.
    let (mut loaded, mut rendered) = (Vec::new(), Vec::new());
    let (mut plain, mut plain_all) = (Vec::new(), Vec::new());
    for _ in 0..LOADS {
        settle(&browser).await;
        browser.goto("/console/users").await;
        rendered.push(mark(&browser, "users-rendered").await);
        loaded.push(mark(&browser, "users-loaded").await);
        settle(&browser).await;
        browser.goto("/plain-users.html").await;
        plain.push(mark(&browser, "plain-rendered").await);
        settle(&browser).await;
        browser.goto("/plain-users.html?all").await;
        plain_all.push(mark(&browser, "plain-rendered").await);
    }
    let first = (loaded[0], rendered[0]);
    loaded.sort_by(f64::total_cmp);
    rendered.sort_by(f64::total_cmp);
    println!();
    println!(
        "Users page with {} users, headless Chromium, {LOADS} loads (performance marks from navigation):",
        USERS + 1
    );
    println!(
        "  list received and parsed: median {:.0} ms",
        loaded[LOADS / 2]
    );
    println!(
        "  first page of the table on screen: median {:.0} ms, fastest {:.0} ms, slowest {:.0} ms; first load {:.0} ms (list at {:.0} ms)",
        rendered[LOADS / 2],
        rendered[0],
        rendered[LOADS - 1],
        first.1,
        first.0
    );

    let (console_ms, plain_ms) = (median(&mut rendered.clone()), median(&mut plain));
    let ratio = console_ms / plain_ms;
    println!(
        "  plain JavaScript, same work (50 rows of 10,001, sorted and searchable): median {plain_ms:.0} ms"
    );
    println!(
        "  console ÷ plain JavaScript: {ratio:.2}   goal ≤ {GOAL_RATIO}   {}",
        if ratio <= GOAL_RATIO { "✓" } else { "✗" }
    );
    println!(
        "  plain JavaScript table of all 10,001 rows: median {:.0} ms",
        median(&mut plain_all)
    );

    println!("Search filter, time per keystroke (input event to updated table, layout included):");
    for text in ["martin", "jules.durand", "zz"] {
        // Start from a fresh page and an empty search each time.
        browser.goto("/console/users").await;
        mark(&browser, "users-rendered").await;
        let answer = browser
            .client
            .execute_async(TYPE, vec![Value::from(text)])
            .await
            .expect("typing");
        let times: Vec<f64> = answer["times"]
            .as_array()
            .expect("times")
            .iter()
            .filter_map(Value::as_f64)
            .collect();
        println!(
            "  typing “{text}”: {} → {}, {} rows shown",
            stats(times),
            answer["summary"],
            answer["rows"]
        );
    }
    browser.close().await;
}
