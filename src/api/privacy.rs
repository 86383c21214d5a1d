//! Issue 15 (DATA-1): the data archives. They are downloads, followed by the browser with the
//! session cookie (`<a href=… download>`), so the client only names where they are.

/// `GET`: the signed-in person's data as a ZIP archive (anyone signed in).
pub const MY_DATA_EXPORT: &str = "/api/me/data-export";
/// `GET`: the whole Company's data as a ZIP archive (Managers only).
pub const COMPANY_DATA_EXPORT: &str = "/api/console/company/export";
