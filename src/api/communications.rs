//! The console's statement of communications (PAY-3): the Company's communications over a
//! period, page by page, and each invoice's statement.

use protocol::invoices::StatementView;
use protocol::webapp::CommunicationsPage;

use super::*;

/// The query of a period (`from`, `to`: `YYYY-MM-DD`, empty for open), and more pairs.
fn period_query(from: &str, to: &str, more: &[(&str, &str)]) -> String {
    let mut pairs: Vec<String> = Vec::new();
    for (name, value) in [("from", from), ("to", to)].iter().chain(more) {
        if !value.is_empty() {
            pairs.push(format!(
                "{name}={}",
                String::from(js_sys::encode_uri_component(value))
            ));
        }
    }
    pairs.join("&")
}

/// One page of the Company's communications over the period (Managers only), newest first;
/// `before`: the previous page's `next`, or empty for the first page.
pub async fn communications(
    from: String,
    to: String,
    before: String,
) -> Result<CommunicationsPage, ApiError> {
    let query = period_query(&from, &to, &[("before", &before)]);
    get(&format!("/api/console/communications?{query}")).await
}

/// Where the browser downloads the period's communications as CSV.
pub fn communications_csv_url(from: &str, to: &str) -> String {
    format!(
        "/api/console/communications.csv?{}",
        period_query(from, to, &[])
    )
}

/// The statement of communications of invoice `id` (PAY-3).
pub async fn invoice_statement(id: i64) -> Result<StatementView, ApiError> {
    get(&format!("/api/console/invoices/{id}/statement")).await
}
