//! Performance marks the benches and tests read (`performance.getEntriesByName`): when the app
//! starts and when a measured page shows its data.

/// Adds the mark `name` to the page's performance timeline, where the browser has one.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.mark(name);
    }
}
