//! Issue 4, point 8 — isolation and roles, on SQLite and PostgreSQL. One table walks every route
//! the API declares (read from the source of `server/src/api/`, so a new route cannot be left
//! out): signed out, every console route answers 401; as a plain User of Company A, 403; as A's
//! Manager, every id of Company B answers 404 exactly as an id that does not exist, the lists
//! show nothing of B, and A's own changes leave B untouched.

use std::collections::BTreeSet;
use std::io::Write;

use crate::support::{
    Backend, Client, Reply, TestApp, accept_terms, add_payment_method, an_order, company_form,
    place_order, rows, signup_form,
};
use axum::http::{Method, StatusCode};
use chrono::NaiveDate;
use protocol::backoffice::OperatorRole;
use serde_json::{Value, json};

on_both_databases!(
    every_api_route_keeps_companies_apart_and_users_out,
    a_malformed_id_is_the_json_404_on_every_route,
);

/// Every file of `server/src/api/`, read at compile time: the routes they declare are the ones
/// the table must cover.
const API_FILES: &[(&str, &str)] = &[
    ("mod.rs", include_str!("../../src/api/mod.rs")),
    ("accounts.rs", include_str!("../../src/api/accounts.rs")),
    ("backoffice.rs", include_str!("../../src/api/backoffice.rs")),
    ("two_factor.rs", include_str!("../../src/api/two_factor.rs")),
    ("activity.rs", include_str!("../../src/api/activity.rs")),
    ("catalogue.rs", include_str!("../../src/api/catalogue.rs")),
    (
        "catalogue_admin.rs",
        include_str!("../../src/api/catalogue_admin.rs"),
    ),
    ("company.rs", include_str!("../../src/api/company.rs")),
    ("complaints.rs", include_str!("../../src/api/complaints.rs")),
    (
        "discontinuations.rs",
        include_str!("../../src/api/discontinuations.rs"),
    ),
    ("dashboard.rs", include_str!("../../src/api/dashboard.rs")),
    ("licences.rs", include_str!("../../src/api/licences.rs")),
    ("numbers.rs", include_str!("../../src/api/numbers.rs")),
    ("orders.rs", include_str!("../../src/api/orders.rs")),
    ("payments.rs", include_str!("../../src/api/payments.rs")),
    ("system.rs", include_str!("../../src/api/system.rs")),
    ("users.rs", include_str!("../../src/api/users.rs")),
    ("invoices.rs", include_str!("../../src/api/invoices.rs")),
    ("disputes.rs", include_str!("../../src/api/disputes.rs")),
    ("clock.rs", include_str!("../../src/api/clock.rs")),
    (
        "price_changes.rs",
        include_str!("../../src/api/price_changes.rs"),
    ),
    ("credits.rs", include_str!("../../src/api/credits.rs")),
    ("trials.rs", include_str!("../../src/api/trials.rs")),
    (
        "terminations.rs",
        include_str!("../../src/api/terminations.rs"),
    ),
    (
        "late_payment.rs",
        include_str!("../../src/api/late_payment.rs"),
    ),
    ("late_rates.rs", include_str!("../../src/api/late_rates.rs")),
    ("webapp.rs", include_str!("../../src/api/webapp.rs")),
    ("messages.rs", include_str!("../../src/api/messages.rs")),
    ("calls.rs", include_str!("../../src/api/calls.rs")),
    (
        "communications.rs",
        include_str!("../../src/api/communications.rs"),
    ),
    ("events.rs", include_str!("../../src/api/events.rs")),
    ("privacy.rs", include_str!("../../src/api/privacy.rs")),
    ("export.rs", include_str!("../../src/api/export.rs")),
    ("terms.rs", include_str!("../../src/api/terms.rs")),
    ("extract.rs", include_str!("../../src/api/extract.rs")),
];

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

/// An id no row has: what a foreign id must be indistinguishable from.
const MISSING_ID: i64 = 987_654_321;

/// The text of `text` up to the `)` closing a `(` just before it (string literals skipped).
fn until_closing_paren(text: &str) -> Option<&str> {
    let mut depth = 1;
    let mut in_string = false;
    let mut escaped = false;
    for (at, character) in text.char_indices() {
        if in_string {
            match (escaped, character) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match character {
            '"' => in_string = true,
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[..at]);
                }
            }
            _ => {}
        }
    }
    None
}

fn is_identifier(character: char) -> bool {
    character.is_alphanumeric() || character == '_'
}

/// The HTTP methods of a method router such as `get(list).post(create)`.
fn methods_in(router: &str) -> Vec<String> {
    let mut found = Vec::new();
    for method in METHODS {
        let call = format!("{method}(");
        for (at, _) in router.match_indices(&call) {
            let standalone = router[..at]
                .chars()
                .next_back()
                .is_none_or(|before| !is_identifier(before));
            if standalone {
                found.push(method.to_uppercase());
            }
        }
    }
    found
}

/// Every `(METHOD, PATH)` declared by a `.route("PATH", get(h).post(h2)…)` of `source`.
fn routes_in(file: &str, source: &str) -> Vec<(String, String)> {
    let mut routes = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find(".route(") {
        let after = &rest[start + ".route(".len()..];
        let inside = until_closing_paren(after)
            .unwrap_or_else(|| panic!("{file}: a `.route(` is never closed"));
        let opening = inside
            .find('"')
            .unwrap_or_else(|| panic!("{file}: a route without a path: {inside}"));
        let path_len = inside[opening + 1..]
            .find('"')
            .unwrap_or_else(|| panic!("{file}: an unterminated path: {inside}"));
        let path = &inside[opening + 1..opening + 1 + path_len];
        let methods = methods_in(&inside[opening + 2 + path_len..]);
        assert!(
            !methods.is_empty(),
            "{file}: no method found for route {path}"
        );
        routes.extend(methods.into_iter().map(|method| (method, path.to_owned())));
        rest = &after[inside.len()..];
    }
    routes
}

/// What the code declares, checked against the files actually in `server/src/api/`.
fn declared_routes() -> BTreeSet<(String, String)> {
    let api_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
    let mut on_disk: Vec<String> = Vec::new();
    let mut folders = vec![api_dir.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                on_disk.push(path.strip_prefix(&api_dir).unwrap().display().to_string());
            }
        }
    }
    on_disk.sort();
    let mut included: Vec<String> = API_FILES.iter().map(|(name, _)| name.to_string()).collect();
    included.sort();
    assert_eq!(
        on_disk, included,
        "server/src/api/ changed: include every file of it in API_FILES"
    );
    API_FILES
        .iter()
        .flat_map(|(file, source)| routes_in(file, source))
        .collect()
}

/// One WebApp case: signed out 401; the intruders 404 on the owner's things (as for a missing
/// id) or their own answer; then the owner. Returns what went wrong.
async fn walk_app_case(
    case: &Case,
    as_user: AsUser,
    stranger: &mut Client,
    intruders: [(&str, &mut Client); 2],
    owner: &mut Client,
    secrets: &[String],
) -> Vec<String> {
    let mut problems = Vec::new();
    let body = case.body.as_ref();
    let reply = stranger
        .send_json(case.method.clone(), &case.uri, body)
        .await;
    if let Err(problem) = api_error(&reply, StatusCode::UNAUTHORIZED, "unauthenticated") {
        problems.push(format!("signed out: {problem}"));
    }
    for (who, client) in intruders {
        let reply = client.send_json(case.method.clone(), &case.uri, body).await;
        match as_user {
            AsUser::Owners(_) => {
                if let Err(problem) = api_error(&reply, StatusCode::NOT_FOUND, "not_found") {
                    problems.push(format!("as {who}: {problem}"));
                    continue;
                }
                let (uri, body) = case.missing.as_ref().expect("a missing twin");
                let absent = client
                    .send_json(case.method.clone(), uri, body.as_ref())
                    .await;
                if (absent.status, &absent.body) != (reply.status, &reply.body) {
                    problems.push(format!(
                        "as {who}: the owner's id answers {} {}, a missing one {} {}",
                        reply.status,
                        reply.text(),
                        absent.status,
                        absent.text()
                    ));
                }
            }
            AsUser::Own(status) if reply.status != status => {
                problems.push(format!(
                    "as {who}: answered {} {}",
                    reply.status,
                    reply.text()
                ));
            }
            AsUser::Own(_) => {}
        }
    }
    let status = match as_user {
        AsUser::Owners(status) | AsUser::Own(status) => status,
    };
    let reply = owner.send_json(case.method.clone(), &case.uri, body).await;
    if reply.status != status {
        problems.push(format!(
            "as the owner: answered {} {}",
            reply.status,
            reply.text()
        ));
    } else if let Some(secret) = leaked(&reply, secrets) {
        problems.push(format!(
            "as the owner: shows B's “{secret}”: {}",
            reply.text()
        ));
    }
    problems
}

/// What A's Manager must get from a console route.
#[derive(Debug, Clone, Copy)]
enum AsManager {
    /// The request names something of Company B: 404 `not_found`, byte for byte the answer for
    /// an id that does not exist.
    Foreign,
    /// The request is about A itself: this status, and nothing of B in the answer.
    OwnCompany(StatusCode),
    /// Refused for a reason of its own (status and code), B untouched.
    Refused(StatusCode, &'static str),
}

#[derive(Debug, Clone, Copy)]
enum Access {
    /// No session needed: what a stranger gets (and the error code, if an error).
    Public(StatusCode, Option<&'static str>),
    /// Managers only: 401 signed out, 403 for a plain User, then this for A's Manager.
    Console(AsManager),
    /// The WebApp: any signed-in User, about their own Numbers only.
    App(AsUser),
}

/// What WebApp callers get. The owner is A's plain User, who holds `world.a_number`; the
/// intruders are A's Manager (a colleague) and B's Manager (another Company).
#[derive(Debug, Clone, Copy)]
enum AsUser {
    /// The request names something of the owner's: the intruders get 404 `not_found`, byte for
    /// byte the answer for an id that does not exist; then the owner gets this status.
    Owners(StatusCode),
    /// About the caller's own things: everyone signed in gets this status, and nothing of B's
    /// in A's answers.
    Own(StatusCode),
}

/// One request of the walk.
struct Case {
    method: Method,
    /// The route as declared, e.g. `/console/users/{id}`.
    route: &'static str,
    /// The request as sent, under `/api`.
    uri: String,
    body: Option<Value>,
    access: Access,
    /// For a foreign case: the same request about something that does not exist.
    missing: Option<(String, Option<Value>)>,
}

fn api(path: &str) -> String {
    format!("/api{path}")
}

fn with_id(route: &str, id: i64) -> String {
    api(&route.replace("{id}", &id.to_string()))
}

fn public(
    method: Method,
    route: &'static str,
    uri: &str,
    body: Option<Value>,
    status: StatusCode,
    code: Option<&'static str>,
) -> Case {
    Case {
        method,
        route,
        uri: api(uri),
        body,
        access: Access::Public(status, code),
        missing: None,
    }
}

/// A console route without an id, about A's own Company.
fn own(
    method: Method,
    route: &'static str,
    query: &str,
    body: Option<Value>,
    status: StatusCode,
) -> Case {
    Case {
        method,
        route,
        uri: format!("{}{query}", api(route)),
        body,
        access: Access::Console(AsManager::OwnCompany(status)),
        missing: None,
    }
}

/// A console route whose `{id}` is B's resource `id`.
fn foreign(method: Method, route: &'static str, id: i64, body: Option<Value>) -> Case {
    Case {
        method,
        uri: with_id(route, id),
        missing: Some((with_id(route, MISSING_ID), body.clone())),
        route,
        body,
        access: Access::Console(AsManager::Foreign),
    }
}

/// A WebApp route about the caller's own things.
fn app_own(method: Method, route: &'static str, body: Option<Value>, status: StatusCode) -> Case {
    Case {
        method,
        route,
        uri: api(route),
        body,
        access: Access::App(AsUser::Own(status)),
        missing: None,
    }
}

/// A WebApp request `uri` (for `route`) about the owner's things; `missing` is the same request
/// about something that does not exist. The owner's answer is `status`.
fn app_owners(
    method: Method,
    route: &'static str,
    uri: String,
    body: Option<Value>,
    missing: String,
    status: StatusCode,
) -> Case {
    Case {
        method,
        route,
        uri: api(&uri),
        missing: Some((api(&missing), body.clone())),
        body,
        access: Access::App(AsUser::Owners(status)),
    }
}

/// Everything the walk needs: the ids of both Companies and the bodies prepared for A.
struct World {
    a_user: i64,
    a_number: i64,
    /// An MMS image A's plain User uploaded for `a_number`.
    a_attachment: i64,
    b_manager: i64,
    b_user: i64,
    b_payment_method: i64,
    b_order: i64,
    b_licence: i64,
    b_number: i64,
    b_invoice: i64,
    /// A credit note of B's invoice (DISPUTE-2).
    b_credit_note: i64,
    /// A data-rights request of B's Manager (DATA-1).
    b_data_request: i64,
    /// A's Order, under the very idempotency key B already used.
    a_order_with_bs_key: Value,
    /// A valid Order form of A's that names B's Numbers.
    a_order_of_bs_numbers: Value,
    /// A call A's plain User placed to an outside number (connected).
    a_call: i64,
    /// A voicemail A's plain User left on an unanswered call to A's spare Number.
    a_voicemail: i64,
}

fn user_form(first: &str, last: &str, email: &str, mobile: &str) -> Value {
    json!({
        "first_name": first,
        "last_name": last,
        "email": email,
        "mobile": mobile,
        "residence_country": "FR",
        "stable_links": [],
    })
}

/// The table: every route of the API, with the request each caller sends.
fn table(world: &World) -> Vec<Case> {
    use Method as M;
    let valid_password = json!({"password": "a long enough passphrase"});
    let users = "/console/users/{id}";
    vec![
        // Public routes: no session needed, so no role to check.
        public(M::GET, "/health", "/health", None, StatusCode::OK, None),
        public(M::GET, "/gtcs", "/gtcs", None, StatusCode::OK, None),
        public(M::GET, "/legal", "/legal", None, StatusCode::OK, None),
        // Issue 13: the payment provider's webhook; its signature is its authentication.
        public(
            M::POST,
            "/payments/webhook",
            "/payments/webhook",
            Some(json!({"id": "evt_walk", "type": "charge.succeeded"})),
            StatusCode::BAD_REQUEST,
            Some("webhook_signature_invalid"),
        ),
        public(
            M::POST,
            "/signup",
            "/signup",
            Some(serde_json::to_value(company_b_signup()).unwrap()),
            StatusCode::CONFLICT,
            Some("email_taken"),
        ),
        public(
            M::POST,
            "/session",
            "/session",
            Some(json!({"email": B_MANAGER_EMAIL, "password": "not the password"})),
            StatusCode::UNAUTHORIZED,
            Some("wrong_credentials"),
        ),
        public(
            M::DELETE,
            "/session",
            "/session",
            None,
            StatusCode::NO_CONTENT,
            None,
        ),
        public(
            M::GET,
            "/me",
            "/me",
            None,
            StatusCode::UNAUTHORIZED,
            Some("unauthenticated"),
        ),
        public(
            M::GET,
            "/invitations/{token}",
            "/invitations/not-a-real-token",
            None,
            StatusCode::NOT_FOUND,
            Some("invitation_unknown"),
        ),
        public(
            M::POST,
            "/invitations/{token}",
            "/invitations/not-a-real-token",
            Some(valid_password),
            StatusCode::NOT_FOUND,
            Some("invitation_unknown"),
        ),
        // A person's own password and sessions: signed out, nothing to change.
        public(
            M::PUT,
            "/me/password",
            "/me/password",
            Some(json!({"current_password": "x", "new_password": "a long enough password"})),
            StatusCode::UNAUTHORIZED,
            Some("unauthenticated"),
        ),
        public(
            M::DELETE,
            "/me/sessions",
            "/me/sessions",
            None,
            StatusCode::UNAUTHORIZED,
            Some("unauthenticated"),
        ),
        // The WebApp's terms (ACCEPT-1): signed out, no one to accept them.
        public(
            M::POST,
            "/me/acceptance",
            "/me/acceptance",
            Some(json!({"gcu_version": "2026-12", "privacy_version": "2026-12"})),
            StatusCode::UNAUTHORIZED,
            Some("unauthenticated"),
        ),
        // Two-factor authentication: a made-up challenge opens nothing; signed out, nothing to
        // turn on or off.
        public(
            M::POST,
            "/session/second-factor",
            "/session/second-factor",
            Some(json!({"challenge": "not-a-real-challenge", "code": "123456"})),
            StatusCode::UNAUTHORIZED,
            Some("login_challenge_expired"),
        ),
        public(
            M::GET,
            "/me/data-requests",
            "/me/data-requests",
            None,
            StatusCode::UNAUTHORIZED,
            Some("unauthenticated"),
        ),
        public(
            M::POST,
            "/me/data-requests",
            "/me/data-requests",
            Some(json!({"kind": "erasure", "details": ""})),
            StatusCode::UNAUTHORIZED,
            Some("unauthenticated"),
        ),
        public(
            M::GET,
            "/me/profile",
            "/me/profile",
            None,
            StatusCode::UNAUTHORIZED,
            Some("unauthenticated"),
        ),
        public(
            M::PUT,
            "/me/profile",
            "/me/profile",
            Some(json!({"first_name": "A", "last_name": "B", "mobile": "+33612345678"})),
            StatusCode::UNAUTHORIZED,
            Some("unauthenticated"),
        ),
        public(
            M::POST,
            "/me/two-factor",
            "/me/two-factor",
            Some(json!({"current_password": "x"})),
            StatusCode::UNAUTHORIZED,
            Some("unauthenticated"),
        ),
        public(
            M::PUT,
            "/me/two-factor",
            "/me/two-factor",
            Some(json!({"code": "123456"})),
            StatusCode::UNAUTHORIZED,
            Some("unauthenticated"),
        ),
        public(
            M::DELETE,
            "/me/two-factor",
            "/me/two-factor",
            Some(json!({"current_password": "x"})),
            StatusCode::UNAUTHORIZED,
            Some("unauthenticated"),
        ),
        public(
            M::POST,
            "/me/two-factor/recovery-codes",
            "/me/two-factor/recovery-codes",
            Some(json!({"current_password": "x"})),
            StatusCode::UNAUTHORIZED,
            Some("unauthenticated"),
        ),
        // Issue 15 (DATA-1): a person's own data (no id to name: the session says whose);
        // signed out, nothing. What each archive holds is tested in `export.rs`.
        public(
            M::GET,
            "/me/data-export",
            "/me/data-export",
            None,
            StatusCode::UNAUTHORIZED,
            Some("unauthenticated"),
        ),
        // A reset link goes to the account's address only; the answer says nothing of it.
        public(
            M::POST,
            "/password-reset",
            "/password-reset",
            Some(json!({"email": "nobody@nowhere.example"})),
            StatusCode::ACCEPTED,
            None,
        ),
        // The provider's back office (issue 14): a set-up link that does not exist, a sign-in
        // that is no operator's, and no operator's session for anyone here.
        public(
            M::GET,
            "/backoffice/setup/{token}",
            "/backoffice/setup/not-a-real-token",
            None,
            StatusCode::NOT_FOUND,
            Some("operator_setup_link_invalid"),
        ),
        public(
            M::POST,
            "/backoffice/setup/{token}",
            "/backoffice/setup/not-a-real-token",
            Some(json!({"password": "a long enough password", "code": "123456"})),
            StatusCode::NOT_FOUND,
            Some("operator_setup_link_invalid"),
        ),
        public(
            M::POST,
            "/backoffice/session",
            "/backoffice/session",
            Some(
                json!({"email": "nobody@provider.example", "password": "guess", "code": "123456"}),
            ),
            StatusCode::UNAUTHORIZED,
            Some("operator_sign_in_refused"),
        ),
        public(
            M::GET,
            "/backoffice/session",
            "/backoffice/session",
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::GET,
            "/admin/queues/overdue",
            "/admin/queues/overdue",
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::GET,
            "/admin/queues/disputes",
            "/admin/queues/disputes",
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::GET,
            "/admin/companies",
            "/admin/companies",
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::GET,
            "/admin/companies/{id}",
            &format!("/admin/companies/{}", world.b_manager),
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::POST,
            "/admin/companies/{id}/fault-notices",
            &format!("/admin/companies/{}/fault-notices", world.b_manager),
            Some(json!({"ground": "policy_abuse", "reason": "Misuse."})),
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::POST,
            "/admin/restitution-claims/{id}/decision",
            "/admin/restitution-claims/1/decision",
            Some(json!({"accept": false, "reason": "No."})),
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::GET,
            "/admin/queues/data-requests",
            "/admin/queues/data-requests",
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::POST,
            "/admin/data-requests/{id}/answer",
            "/admin/data-requests/1/answer",
            Some(json!({"decision": "refused", "answer": "No."})),
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::GET,
            "/admin/service-discontinuations",
            "/admin/service-discontinuations",
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::POST,
            "/admin/service-discontinuations",
            "/admin/service-discontinuations",
            Some(json!({"service": "voicemail", "effective": "2030-01-01", "reason": "Gone."})),
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::GET,
            "/admin/companies/{id}/users",
            &format!("/admin/companies/{}/users?q=ma", world.b_manager),
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::GET,
            "/admin/companies/{id}/liability",
            &format!(
                "/admin/companies/{}/liability?on=2026-04-01",
                world.b_manager
            ),
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::GET,
            "/admin/operators",
            "/admin/operators",
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::POST,
            "/admin/operators",
            "/admin/operators",
            Some(json!({"email": "x@provider.example", "role": "billing"})),
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::GET,
            "/admin/proof",
            "/admin/proof",
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::DELETE,
            "/backoffice/session",
            "/backoffice/session",
            None,
            StatusCode::NO_CONTENT,
            None,
        ),
        public(
            M::GET,
            "/password-reset/{token}",
            "/password-reset/not-a-real-token",
            None,
            StatusCode::NOT_FOUND,
            Some("reset_link_unknown"),
        ),
        public(
            M::POST,
            "/password-reset/{token}",
            "/password-reset/not-a-real-token",
            Some(json!({"password": "a long enough password"})),
            StatusCode::NOT_FOUND,
            Some("reset_link_unknown"),
        ),
        // Users (ACCESS-1..3).
        own(M::GET, "/console/users", "", None, StatusCode::OK),
        own(
            M::POST,
            "/console/users",
            "",
            Some(user_form(
                "Nina",
                "Walker",
                "nina.walker@martin.fr",
                "+33 6 11 22 33 01",
            )),
            StatusCode::CREATED,
        ),
        own(
            M::POST,
            "/console/users/import",
            "",
            Some(json!({
                "mode": "valid_rows_only",
                "rows": [{"row": 2, "form": user_form(
                    "Igor", "Import", "igor.import@martin.fr", "+33 6 11 22 33 02",
                )}],
            })),
            StatusCode::OK,
        ),
        foreign(M::GET, users, world.b_user, None),
        foreign(M::GET, users, world.b_manager, None),
        foreign(
            M::PUT,
            users,
            world.b_user,
            Some(user_form(
                "Mallory",
                "Martin",
                "mallory@martin.fr",
                "+33 6 11 22 33 03",
            )),
        ),
        foreign(M::DELETE, users, world.b_user, None),
        foreign(
            M::PUT,
            "/console/users/{id}/role",
            world.b_user,
            Some(json!({"is_manager": true})),
        ),
        foreign(
            M::PUT,
            "/console/users/{id}/role",
            world.b_manager,
            Some(json!({"is_manager": false})),
        ),
        foreign(
            M::PUT,
            "/console/users/{id}/status",
            world.b_user,
            Some(json!({"active": false})),
        ),
        foreign(
            M::POST,
            "/console/users/{id}/invitation",
            world.b_user,
            None,
        ),
        own(M::GET, "/console/outbox", "", None, StatusCode::OK),
        // Company Account (ACCESS-4, PAY-2, PROMO-1) and the proof log (PROOF-1).
        own(M::GET, "/console/company", "", None, StatusCode::OK),
        own(
            M::PUT,
            "/console/company",
            "",
            Some(company_form()),
            StatusCode::OK,
        ),
        own(
            M::POST,
            "/console/company/payment-methods",
            "",
            Some(json!({"kind": "card", "label": "Walk card", "last4": "4242", "expiry": "12/27"})),
            StatusCode::CREATED,
        ),
        foreign(
            M::DELETE,
            "/console/company/payment-methods/{id}",
            world.b_payment_method,
            None,
        ),
        foreign(
            M::PUT,
            "/console/company/payment-methods/{id}/default",
            world.b_payment_method,
            None,
        ),
        own(
            M::PUT,
            "/console/company/promotion",
            "",
            Some(json!({"opt_out": true})),
            StatusCode::OK,
        ),
        own(
            M::PUT,
            "/console/company/two-factor",
            "",
            Some(json!({"required": false})),
            StatusCode::OK,
        ),
        own(M::GET, "/console/activity", "", None, StatusCode::OK),
        own(M::GET, "/console/activity/export", "", None, StatusCode::OK),
        // Data rights (DATA-1): the Company's requests; answering B's is answering nothing.
        own(M::GET, "/console/data-requests", "", None, StatusCode::OK),
        foreign(
            M::POST,
            "/console/data-requests/{id}/answer",
            world.b_data_request,
            Some(json!({"decision": "refused", "answer": "No."})),
        ),
        own(
            M::PUT,
            "/console/company/profile-corrections",
            "",
            Some(json!({"allowed": true})),
            StatusCode::OK,
        ),
        // Issue 15 (DATA-1): the Company's data as one archive, Managers only.
        own(M::GET, "/console/company/export", "", None, StatusCode::OK),
        own(M::GET, "/console/dashboard", "", None, StatusCode::OK),
        // Price list and the pool of Numbers.
        own(M::GET, "/console/price-list", "", None, StatusCode::OK),
        own(
            M::GET,
            "/console/numbers/available",
            "?country=FR&limit=1000",
            None,
            StatusCode::OK,
        ),
        // Orders (PRICE-1, ACCEPT-1, ACCEPT-2).
        own(M::GET, "/console/orders", "", None, StatusCode::OK),
        // The idempotency key is the Company's own: B's key gives A a new Order, not B's.
        own(
            M::POST,
            "/console/orders",
            "",
            Some(world.a_order_with_bs_key.clone()),
            StatusCode::CREATED,
        ),
        Case {
            method: M::POST,
            route: "/console/orders",
            uri: api("/console/orders"),
            body: Some(world.a_order_of_bs_numbers.clone()),
            access: Access::Console(AsManager::Refused(StatusCode::CONFLICT, "numbers_taken")),
            missing: None,
        },
        foreign(M::GET, "/console/orders/{id}", world.b_order, None),
        // Licences (RENEW-1, NOTICE-1).
        own(M::GET, "/console/licences", "", None, StatusCode::OK),
        foreign(M::GET, "/console/licences/{id}", world.b_licence, None),
        foreign(
            M::POST,
            "/console/licences/{id}/notice",
            world.b_licence,
            None,
        ),
        // Trials (TRIAL-1): B's Licence answers 404; the provider's route needs an operator.
        foreign(
            M::POST,
            "/console/licences/{id}/trial/cancellation",
            world.b_licence,
            None,
        ),
        public(
            M::POST,
            "/admin/companies/{id}/trial-offer",
            &format!("/admin/companies/{}/trial-offer", world.b_manager),
            Some(json!({"trial_end": "2030-01-01", "auto_commit": true})),
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        // Price changes (PRICE-4, PRICE-5): no operator announced any notice, and the
        // provider's route needs an operator; a notice that does not concern A answers 404
        // (api_price_changes checks one that concerns only another Company).
        own(M::GET, "/console/price-changes", "", None, StatusCode::OK),
        foreign(
            M::POST,
            "/console/price-changes/{id}/termination",
            MISSING_ID - 1,
            None,
        ),
        public(
            M::POST,
            "/admin/price-changes",
            "/admin/price-changes",
            Some(
                json!({"plan_code": "BUSINESS", "kind": "non_indexed", "effective_on": "2027-02-01"}),
            ),
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        // Invoices and payments (PAY-1, PAY-2); the demo clock is off on this server.
        own(M::GET, "/console/invoices", "", None, StatusCode::OK),
        foreign(M::GET, "/console/invoices/{id}", world.b_invoice, None),
        foreign(
            M::POST,
            "/console/invoices/{id}/payments",
            world.b_invoice,
            Some(json!({"idempotency_key": "isolation-payment"})),
        ),
        foreign(M::GET, "/console/invoices/{id}/pdf", world.b_invoice, None),
        foreign(
            M::GET,
            "/console/invoices/{id}/statement",
            world.b_invoice,
            None,
        ),
        foreign(
            M::GET,
            "/console/invoices/{id}/statement.csv",
            world.b_invoice,
            None,
        ),
        // Disputes, credit notes and restitution claims (DISPUTE-1..3); the provider's decision
        // route needs an operator.
        own(M::GET, "/console/credit-notes", "", None, StatusCode::OK),
        foreign(
            M::GET,
            "/console/credit-notes/{id}",
            world.b_credit_note,
            None,
        ),
        foreign(
            M::GET,
            "/console/credit-notes/{id}/pdf",
            world.b_credit_note,
            None,
        ),
        foreign(
            M::GET,
            "/console/invoices/{id}/disputes",
            world.b_invoice,
            None,
        ),
        foreign(
            M::POST,
            "/console/invoices/{id}/disputes",
            world.b_invoice,
            Some(json!({"justification": "Billed twice this month."})),
        ),
        foreign(
            M::POST,
            "/console/invoices/{id}/restitution-claims",
            world.b_invoice,
            Some(json!({"reason": "Terminated before this period."})),
        ),
        public(
            M::POST,
            "/admin/disputes/{id}/decision",
            "/admin/disputes/1/decision",
            Some(json!({"accept": true})),
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::POST,
            "/admin/clock/advance",
            "/admin/clock/advance",
            Some(json!({"days": 1})),
            StatusCode::NOT_FOUND,
            Some("not_found"),
        ),
        // Complaints (DISPUTE-4): A's own; another Company's invoice is not found; the queue
        // and the answer need an operator.
        own(M::GET, "/console/complaints", "", None, StatusCode::OK),
        Case {
            method: M::POST,
            route: "/console/complaints",
            uri: api("/console/complaints"),
            body: Some(json!({"invoice_id": world.b_invoice, "text": "Not ours at all, surely."})),
            access: Access::Console(AsManager::Refused(StatusCode::NOT_FOUND, "not_found")),
            missing: None,
        },
        public(
            M::GET,
            "/admin/queues/restitution-claims",
            "/admin/queues/restitution-claims",
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::GET,
            "/admin/queues/complaints",
            "/admin/queues/complaints",
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::POST,
            "/admin/complaints/{id}/answer",
            "/admin/complaints/1/answer",
            Some(json!({"answer": "An answer of some words."})),
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        // Terminations (PRICE-5, TERM-1): A's own; the provider's route needs an operator.
        own(M::GET, "/console/terminations", "", None, StatusCode::OK),
        public(
            M::POST,
            "/admin/licences/{id}/fault-termination",
            &format!("/admin/licences/{}/fault-termination", world.b_licence),
            Some(json!({"ground": "licence_right_breach", "reason": "Breach of the licence."})),
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::POST,
            "/admin/licences/{id}/provider-termination",
            &format!("/admin/licences/{}/provider-termination", world.b_licence),
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        // Late payment and suspension (LATE-4, SUSP-1): A's own suspensions; the provider's
        // routes need an operator, whatever the id.
        own(M::GET, "/console/suspensions", "", None, StatusCode::OK),
        public(
            M::POST,
            "/admin/invoices/{id}/formal-notice",
            &format!("/admin/invoices/{}/formal-notice", world.b_invoice),
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::POST,
            "/admin/companies/{id}/suspension",
            &format!("/admin/companies/{}/suspension", world.b_manager),
            Some(json!({"reason": "non_payment"})),
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::DELETE,
            "/admin/companies/{id}/suspension",
            &format!("/admin/companies/{}/suspension", world.b_manager),
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::POST,
            "/admin/users/{id}/suspension",
            &format!("/admin/users/{}/suspension", world.b_user),
            Some(json!({"reason": "non_payment"})),
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::DELETE,
            "/admin/users/{id}/suspension",
            &format!("/admin/users/{}/suspension", world.b_user),
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        // Late-payment rates (LATE-1): the provider's data; no such routes without the token.
        public(
            M::GET,
            "/admin/late-payment-rates",
            "/admin/late-payment-rates",
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::POST,
            "/admin/late-payment-rates",
            "/admin/late-payment-rates",
            Some(json!({"semester": "2026-S2", "ecb_rate": "2.15", "legal_rate": "2.62"})),
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        // The catalogue as data (issue 14, point 3): the provider's, for operators only (the
        // roles are walked in `catalogue_admin`).
        public(
            M::GET,
            "/admin/catalogue/price-list",
            "/admin/catalogue/price-list",
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::POST,
            "/admin/catalogue/reductions",
            "/admin/catalogue/reductions",
            Some(
                json!({"plan_code": "BUSINESS", "prices": [{"billing": "monthly", "min_quantity": 1, "unit_price": "9.90"}]}),
            ),
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::GET,
            "/admin/catalogue/price-index",
            "/admin/catalogue/price-index",
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::POST,
            "/admin/catalogue/price-index",
            "/admin/catalogue/price-index",
            Some(json!({"month": "2026-01", "value": "100"})),
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::GET,
            "/admin/catalogue/credits-rates",
            "/admin/catalogue/credits-rates",
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::POST,
            "/admin/catalogue/credits-rates",
            "/admin/catalogue/credits-rates",
            Some(json!({"kind": "sms", "class": "international", "prefix": "", "price": "0.01"})),
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::GET,
            "/admin/catalogue/numbers",
            "/admin/catalogue/numbers?country=FR",
            None,
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        public(
            M::POST,
            "/admin/catalogue/numbers",
            "/admin/catalogue/numbers",
            Some(json!({"country": "FR", "first": "+33612000000", "last": ""})),
            StatusCode::FORBIDDEN,
            Some("operator_sign_in_needed"),
        ),
        // Credits: the Company's own balance; a top-up lands on A.
        own(M::GET, "/console/credits", "", None, StatusCode::OK),
        own(
            M::POST,
            "/console/credits/top-ups",
            "",
            Some(json!({"amount": "10", "idempotency_key": "isolation-top-up"})),
            StatusCode::CREATED,
        ),
        // The WebApp (issue 6): each User sees only their own Numbers.
        app_own(M::GET, "/app/home", None, StatusCode::OK),
        // Without the WebSocket handshake: refused once signed in, whoever asks.
        app_own(M::GET, "/app/events", None, StatusCode::BAD_REQUEST),
        // Messages (MSG-1): only the Number's User reads or sends; an image only its uploader
        // and the Users whose messages carry it.
        // PAY-1: what is left of the plan this month, for the Number's own User only.
        app_owners(
            M::GET,
            "/app/numbers/{id}/usage",
            format!("/app/numbers/{}/usage", world.a_number),
            None,
            format!("/app/numbers/{MISSING_ID}/usage"),
            StatusCode::OK,
        ),
        app_owners(
            M::GET,
            "/app/numbers/{id}/conversations",
            format!("/app/numbers/{}/conversations", world.a_number),
            None,
            format!("/app/numbers/{MISSING_ID}/conversations"),
            StatusCode::OK,
        ),
        app_owners(
            M::GET,
            "/app/numbers/{id}/conversations/{correspondent}",
            format!("/app/numbers/{}/conversations/+33123456789", world.a_number),
            None,
            format!("/app/numbers/{MISSING_ID}/conversations/+33123456789"),
            StatusCode::OK,
        ),
        app_owners(
            M::POST,
            "/app/numbers/{id}/messages",
            format!("/app/numbers/{}/messages", world.a_number),
            Some(json!({"to": "01 23 45 67 89", "body": "Hello", "attachment_id": null})),
            format!("/app/numbers/{MISSING_ID}/messages"),
            StatusCode::CREATED,
        ),
        // Sent as JSON, so refused for its type once the Number is found to be the owner's.
        app_owners(
            M::POST,
            "/app/numbers/{id}/attachments",
            format!("/app/numbers/{}/attachments", world.a_number),
            Some(json!({})),
            format!("/app/numbers/{MISSING_ID}/attachments"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        app_owners(
            M::GET,
            "/app/attachments/{id}",
            format!("/app/attachments/{}", world.a_attachment),
            None,
            format!("/app/attachments/{MISSING_ID}"),
            StatusCode::OK,
        ),
        // Calls (NUM-5): only the parties of a call act on it, read it or its voicemail. The
        // owner placed `a_call` (connected): only the callee could answer or decline it, and a
        // voicemail goes on an unanswered call only; hanging up comes last, as it ends the call.
        app_owners(
            M::GET,
            "/app/numbers/{id}/calls",
            format!("/app/numbers/{}/calls", world.a_number),
            None,
            format!("/app/numbers/{MISSING_ID}/calls"),
            StatusCode::OK,
        ),
        app_owners(
            M::POST,
            "/app/numbers/{id}/calls",
            format!("/app/numbers/{}/calls", world.a_number),
            Some(json!({"to": OUTSIDE_NUMBER})),
            format!("/app/numbers/{MISSING_ID}/calls"),
            StatusCode::CREATED,
        ),
        app_owners(
            M::POST,
            "/app/calls/{id}/answer",
            format!("/app/calls/{}/answer", world.a_call),
            None,
            format!("/app/calls/{MISSING_ID}/answer"),
            StatusCode::CONFLICT,
        ),
        app_owners(
            M::POST,
            "/app/calls/{id}/decline",
            format!("/app/calls/{}/decline", world.a_call),
            None,
            format!("/app/calls/{MISSING_ID}/decline"),
            StatusCode::CONFLICT,
        ),
        app_owners(
            M::POST,
            "/app/calls/{id}/voicemail",
            format!("/app/calls/{}/voicemail", world.a_call),
            Some(json!({})),
            format!("/app/calls/{MISSING_ID}/voicemail"),
            StatusCode::CONFLICT,
        ),
        app_owners(
            M::GET,
            "/app/voicemails/{id}/audio",
            format!("/app/voicemails/{}/audio", world.a_voicemail),
            None,
            format!("/app/voicemails/{MISSING_ID}/audio"),
            StatusCode::OK,
        ),
        app_owners(
            M::POST,
            "/app/calls/{id}/hangup",
            format!("/app/calls/{}/hangup", world.a_call),
            None,
            format!("/app/calls/{MISSING_ID}/hangup"),
            StatusCode::OK,
        ),
        // The statement of communications: A's own calls and messages.
        own(M::GET, "/console/communications", "", None, StatusCode::OK),
        own(
            M::GET,
            "/console/communications.csv",
            "",
            None,
            StatusCode::OK,
        ),
        // Numbers (NUM-1, NUM-2, NUM-4).
        own(M::GET, "/console/numbers", "", None, StatusCode::OK),
        own(
            M::GET,
            "/console/numbers/assignable-users",
            "",
            None,
            StatusCode::OK,
        ),
        foreign(M::DELETE, "/console/numbers/{id}", world.b_number, None),
        foreign(
            M::PUT,
            "/console/numbers/{id}/user",
            world.b_number,
            Some(json!({"user_id": world.a_user})),
        ),
        foreign(
            M::DELETE,
            "/console/numbers/{id}/user",
            world.b_number,
            None,
        ),
        // Cross-wiring: A's own Number given to B's User is as if that User did not exist.
        Case {
            method: M::PUT,
            route: "/console/numbers/{id}/user",
            uri: with_id("/console/numbers/{id}/user", world.a_number),
            body: Some(json!({"user_id": world.b_user})),
            access: Access::Console(AsManager::Foreign),
            missing: Some((
                with_id("/console/numbers/{id}/user", world.a_number),
                Some(json!({"user_id": MISSING_ID})),
            )),
        },
    ]
}

/// A national number outside this system (no Number of the pool).
const OUTSIDE_NUMBER: &str = "06 99 88 77 66";

const B_LEGAL_NAME: &str = "Zebulon Industries SARL";
const B_MANAGER_EMAIL: &str = "zoe@zebulon.fr";
const B_USER_EMAIL: &str = "basile@zebulon.fr";
const B_USER_MOBILE: &str = "+33 7 81 92 03 14";
const B_PAYMENT_LABEL: &str = "Zebulon Treasury";
const B_ORDER_KEY: &str = "order-zebulon-1";

fn company_b_signup() -> protocol::SignupForm {
    protocol::SignupForm {
        legal_name: B_LEGAL_NAME.into(),
        registration_number: "832 235 253".into(),
        email: B_MANAGER_EMAIL.into(),
        first_name: "Zoe".into(),
        last_name: "Zebulon".into(),
        ..signup_form()
    }
}

#[track_caller]
fn ok_json(reply: &Reply, status: StatusCode, what: &str) -> Value {
    assert_eq!(reply.status, status, "{what}: {}", reply.text());
    reply.json()
}

/// Checks `reply` is the API's error body with `status` and `code`; says what is wrong if not.
fn api_error(reply: &Reply, status: StatusCode, code: &str) -> Result<(), String> {
    if reply.status != status {
        return Err(format!("answered {} {}", reply.status, reply.text()));
    }
    let json_type = reply
        .header("content-type")
        .is_some_and(|value| value.starts_with("application/json"));
    let body: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
    let error = &body["error"];
    let well_formed = json_type
        && body.as_object().is_some_and(|outer| outer.len() == 1)
        && error.as_object().is_some_and(|inner| {
            inner.len() == 3 && inner.contains_key("field") && error["message"].is_string()
        });
    if !well_formed {
        return Err(format!("not the API's error body: {}", reply.text()));
    }
    if error["code"] != code {
        return Err(format!("code {} instead of {code}", error["code"]));
    }
    Ok(())
}

/// The first of `secrets` that `reply` shows, if any.
fn leaked<'a>(reply: &Reply, secrets: &'a [String]) -> Option<&'a String> {
    let text = reply.text().to_lowercase();
    secrets
        .iter()
        .find(|secret| text.contains(&secret.to_lowercase()))
}

/// What B's Manager sees of B: it must read the same after the walk.
const B_VIEWS: &[&str] = &[
    "/api/console/users",
    "/api/console/company",
    "/api/console/numbers",
    "/api/console/licences",
    "/api/console/orders",
    "/api/console/invoices",
    "/api/console/activity",
    "/api/console/outbox",
    "/api/console/dashboard",
    "/api/console/credits",
    "/api/console/price-changes",
    "/api/console/terminations",
];

async fn snapshot(client: &mut Client, world: &World) -> Vec<Value> {
    let mut views = Vec::new();
    let details = [
        format!("/api/console/users/{}", world.b_user),
        format!("/api/console/orders/{}", world.b_order),
        format!("/api/console/licences/{}", world.b_licence),
        format!("/api/console/invoices/{}", world.b_invoice),
    ];
    for path in B_VIEWS
        .iter()
        .copied()
        .chain(details.iter().map(String::as_str))
    {
        views.push(ok_json(&client.get(path).await, StatusCode::OK, path));
    }
    views
}

/// Strings that only B's data contains, taken from what B's Manager sees.
fn secrets_of(b_views: &[Value]) -> Vec<String> {
    let [users, company, numbers, ..] = b_views else {
        unreachable!()
    };
    let mut secrets = vec![
        company["details"]["legal_name"]
            .as_str()
            .unwrap()
            .to_owned(),
        company["details"]["registration_number"]
            .as_str()
            .unwrap()
            .to_owned(),
        B_PAYMENT_LABEL.to_owned(),
    ];
    for user in users.as_array().unwrap() {
        secrets.push(user["email"].as_str().unwrap().to_owned());
        secrets.extend(user["mobile"].as_str().map(str::to_owned));
    }
    for number in numbers.as_array().unwrap() {
        secrets.push(number["e164"].as_str().unwrap().to_owned());
    }
    secrets.retain(|secret| !secret.trim().is_empty());
    secrets
}

/// Creates a user through the API and returns its id.
async fn create_user(manager: &mut Client, form: &Value) -> i64 {
    let reply = manager.post_json("/api/console/users", form).await;
    ok_json(&reply, StatusCode::CREATED, "creating a user")["id"]
        .as_i64()
        .unwrap()
}

async fn number_ids(manager: &mut Client) -> Vec<i64> {
    let reply = manager.get("/api/console/numbers").await;
    ok_json(&reply, StatusCode::OK, "numbers")
        .as_array()
        .unwrap()
        .iter()
        .map(|number| number["id"].as_i64().unwrap())
        .collect()
}

async fn every_api_route_keeps_companies_apart_and_users_out(backend: Backend) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 15).unwrap();
    let app = TestApp::options(backend).today(today).start().await;

    // B's user's mobile must not be a Number of the pool, or A's search could show it honestly.
    let e164: String = B_USER_MOBILE
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let in_pool: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM numbers WHERE e164 = $1")
        .bind(&e164)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(in_pool, 0, "choose another mobile for B's user");

    // Company A: its Manager, a plain User, a payment method and one Number.
    let (mut a_manager, _) = app.signed_up(&signup_form()).await;
    add_payment_method(&mut a_manager, "Martin account").await;
    let a_user = create_user(
        &mut a_manager,
        &user_form("Ugo", "Plain", "ugo.plain@martin.fr", "+33 6 11 22 33 00"),
    )
    .await;
    let mut a_plain_user = app.client_signed_in_as(a_user).await;
    // The WebApp's owner and intruders all accepted its terms (ACCEPT-1), so that its routes
    // answer them about Numbers rather than about the terms.
    accept_terms(&mut a_plain_user).await;
    accept_terms(&mut a_manager).await;
    let form = an_order("BUSINESS")
        .key("order-martin-1")
        .form(&mut a_manager)
        .await;
    place_order(&mut a_manager, &form).await;
    let a_number = number_ids(&mut a_manager).await[0];
    let reply = a_manager
        .put_json(
            &format!("/api/console/numbers/{a_number}/user"),
            &json!({"user_id": a_user}),
        )
        .await;
    ok_json(&reply, StatusCode::OK, "A gives its plain User a Number");
    let reply = a_plain_user
        .post_raw(
            &format!("/api/app/numbers/{a_number}/attachments"),
            "image/png",
            "an image",
        )
        .await;
    let a_attachment = ok_json(&reply, StatusCode::CREATED, "A's User uploads an image")["id"]
        .as_i64()
        .unwrap();

    // Company B, everything through the API: a user, a payment method, an Order (which makes a
    // Licence and Numbers), and one of its Numbers given to its user.
    let (mut b_manager_client, b_me) = app.signed_up(&company_b_signup()).await;
    let b_manager = b_me["user"]["id"].as_i64().unwrap();
    accept_terms(&mut b_manager_client).await;
    let b_user = create_user(
        &mut b_manager_client,
        &user_form("Basile", "Zebulon", B_USER_EMAIL, B_USER_MOBILE),
    )
    .await;
    let account = add_payment_method(&mut b_manager_client, B_PAYMENT_LABEL).await;
    let b_payment_method = account["payment_methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|method| method["label"] == B_PAYMENT_LABEL)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let form = an_order("BUSINESS")
        .numbers(2, "FR")
        .key(B_ORDER_KEY)
        .form(&mut b_manager_client)
        .await;
    let order = place_order(&mut b_manager_client, &form).await;
    let b_order = order["id"].as_i64().unwrap();
    let b_licence = order["licence"]["id"].as_i64().unwrap();
    let reply = b_manager_client.get("/api/console/invoices").await;
    let b_invoice = ok_json(&reply, StatusCode::OK, "B's invoices")[0]["id"]
        .as_i64()
        .unwrap();
    // B's credit note: the provider's billing operator decides, in the store.
    let b_credit_note = {
        use server::store::disputes;
        let db = &app.state.db;
        let (b_company, _) = rows::company_of(db, &company_b_signup().email).await;
        let (today, now) = (app.state.clock.today(), app.state.clock.now());
        let justification = "Billed twice this month.";
        let dispute = disputes::open(
            db,
            b_company,
            b_manager,
            b_invoice,
            justification,
            today,
            now,
        )
        .await
        .unwrap();
        let accept = disputes::Decision::Accept {
            amount_cents: Some(100),
            note: None,
        };
        let operator = app.operator_id(OperatorRole::Billing).await;
        disputes::decide(
            db,
            operator,
            disputes::Decided::Dispute(dispute),
            &accept,
            today,
            now,
        )
        .await
        .unwrap();
        disputes::credit_notes(db, b_company).await.unwrap()[0].id
    };
    let reply = b_manager_client
        .post_json(
            "/api/me/data-requests",
            &json!({"kind": "objection", "details": "No profiling."}),
        )
        .await;
    let b_data_request = ok_json(&reply, StatusCode::CREATED, "B's data-rights request")["id"]
        .as_i64()
        .unwrap();
    let b_numbers = number_ids(&mut b_manager_client).await;
    assert_eq!(b_numbers.len(), 2);
    let b_number = b_numbers[0];
    let reply = b_manager_client
        .put_json(
            &format!("/api/console/numbers/{b_number}/user"),
            &json!({"user_id": b_user}),
        )
        .await;
    ok_json(&reply, StatusCode::OK, "B gives its user a Number");

    // Calls (NUM-5): A's plain User calls A's spare Number (hosted, held by no one), gives up
    // while it rings and leaves a voicemail; then calls an outside number, which the simulated
    // carrier connects at once.
    let form = an_order("BUSINESS")
        .key("order-martin-calls")
        .form(&mut a_manager)
        .await;
    place_order(&mut a_manager, &form).await;
    let a_numbers = ok_json(
        &a_manager.get("/api/console/numbers").await,
        StatusCode::OK,
        "A's Numbers",
    );
    let spare = a_numbers
        .as_array()
        .unwrap()
        .iter()
        .find(|number| number["id"] != a_number)
        .unwrap()["e164"]
        .clone();
    let calls = format!("/api/app/numbers/{a_number}/calls");
    let reply = a_plain_user.post_json(&calls, &json!({"to": spare})).await;
    let unanswered = ok_json(
        &reply,
        StatusCode::CREATED,
        "A's User calls the spare Number",
    )["id"]
        .as_i64()
        .unwrap();
    let reply = a_plain_user
        .send_json(
            Method::POST,
            &format!("/api/app/calls/{unanswered}/hangup"),
            None,
        )
        .await;
    ok_json(&reply, StatusCode::OK, "A's User gives up while it rings");
    let reply = a_plain_user
        .post_raw(
            &format!("/api/app/calls/{unanswered}/voicemail?seconds=2"),
            "audio/webm",
            "a recording",
        )
        .await;
    let a_voicemail =
        ok_json(&reply, StatusCode::CREATED, "A's User leaves a voicemail")["voicemail"]["id"]
            .as_i64()
            .unwrap();
    let reply = a_plain_user
        .post_json(&calls, &json!({"to": OUTSIDE_NUMBER}))
        .await;
    let a_call = ok_json(&reply, StatusCode::CREATED, "A's User calls outside")["id"]
        .as_i64()
        .unwrap();

    // A's prepared Orders: one under B's idempotency key, one naming B's Numbers.
    let a_order_with_bs_key = an_order("BUSINESS")
        .key(B_ORDER_KEY)
        .form(&mut a_manager)
        .await;
    let mut a_order_of_bs_numbers = an_order("BUSINESS")
        .numbers(2, "FR")
        .key("order-martin-2")
        .form(&mut a_manager)
        .await;
    a_order_of_bs_numbers.lines[0].number_ids = b_numbers.clone();
    let world = World {
        a_user,
        a_number,
        a_attachment,
        b_manager,
        b_user,
        b_payment_method,
        b_order,
        b_licence,
        b_number,
        b_invoice,
        b_credit_note,
        b_data_request,
        a_order_with_bs_key: serde_json::to_value(a_order_with_bs_key).unwrap(),
        a_order_of_bs_numbers: serde_json::to_value(a_order_of_bs_numbers).unwrap(),
        a_call,
        a_voicemail,
    };

    let cases = table(&world);

    // The table covers exactly the routes the code declares.
    let declared = declared_routes();
    let walked: BTreeSet<(String, String)> = cases
        .iter()
        .map(|case| (case.method.to_string(), case.route.to_owned()))
        .collect();
    let missing: Vec<_> = declared.difference(&walked).collect();
    let unknown: Vec<_> = walked.difference(&declared).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "routes declared but not in the table: {missing:?}; in the table but not declared: {unknown:?}"
    );
    for case in &cases {
        let console = case.route.starts_with("/console/");
        assert_eq!(
            console,
            matches!(case.access, Access::Console(_)),
            "{} {}: console routes are for Managers",
            case.method,
            case.route
        );
        let webapp = case.route.starts_with("/app/");
        assert_eq!(
            webapp,
            matches!(case.access, Access::App(_)),
            "{} {}: WebApp routes are for signed-in Users",
            case.method,
            case.route
        );
    }

    let before = snapshot(&mut b_manager_client, &world).await;
    let secrets = secrets_of(&before);
    let mut stranger = app.client();
    let mut failures = Vec::new();
    for case in &cases {
        let label = format!("{} {}", case.method, case.uri);
        let body = case.body.as_ref();
        if let Access::App(as_user) = case.access {
            let intruders = [
                ("A's Manager", &mut a_manager),
                ("B's Manager", &mut b_manager_client),
            ];
            let problems = walk_app_case(
                case,
                as_user,
                &mut stranger,
                intruders,
                &mut a_plain_user,
                &secrets,
            )
            .await;
            failures.extend(
                problems
                    .into_iter()
                    .map(|problem| format!("{label} {problem}")),
            );
            continue;
        }
        let Access::Console(as_manager) = case.access else {
            let Access::Public(status, code) = case.access else {
                unreachable!()
            };
            let reply = stranger
                .send_json(case.method.clone(), &case.uri, body)
                .await;
            let outcome = match code {
                Some(code) => api_error(&reply, status, code),
                None if reply.status == status => Ok(()),
                None => Err(format!("answered {} {}", reply.status, reply.text())),
            };
            if let Err(problem) = outcome {
                failures.push(format!("{label} signed out: {problem}"));
            }
            continue;
        };

        let reply = stranger
            .send_json(case.method.clone(), &case.uri, body)
            .await;
        if let Err(problem) = api_error(&reply, StatusCode::UNAUTHORIZED, "unauthenticated") {
            failures.push(format!("{label} signed out: {problem}"));
        }
        let reply = a_plain_user
            .send_json(case.method.clone(), &case.uri, body)
            .await;
        if let Err(problem) = api_error(&reply, StatusCode::FORBIDDEN, "forbidden") {
            failures.push(format!("{label} as A's plain User: {problem}"));
        }

        let reply = a_manager
            .send_json(case.method.clone(), &case.uri, body)
            .await;
        let outcome = match as_manager {
            AsManager::Foreign => api_error(&reply, StatusCode::NOT_FOUND, "not_found").map(|()| {
                let (uri, body) = case.missing.as_ref().expect("a missing twin");
                (uri.clone(), body.clone())
            }),
            AsManager::OwnCompany(status) => {
                if reply.status != status {
                    Err(format!("answered {} {}", reply.status, reply.text()))
                } else if let Some(secret) = leaked(&reply, &secrets) {
                    Err(format!("shows B's “{secret}”: {}", reply.text()))
                } else {
                    Ok((String::new(), None))
                }
            }
            // The refusal names the Numbers A itself asked for; nothing else of B.
            AsManager::Refused(status, code) => {
                api_error(&reply, status, code).map(|()| (String::new(), None))
            }
        };
        match outcome {
            Err(problem) => failures.push(format!("{label} as A's Manager: {problem}")),
            Ok((missing_uri, missing_body)) if !missing_uri.is_empty() => {
                // A foreign id answers exactly as one that does not exist.
                let absent = a_manager
                    .send_json(case.method.clone(), &missing_uri, missing_body.as_ref())
                    .await;
                if (absent.status, &absent.body) != (reply.status, &reply.body) {
                    failures.push(format!(
                        "{label} as A's Manager: B's id answers {} {}, a missing one {} {}",
                        reply.status,
                        reply.text(),
                        absent.status,
                        absent.text()
                    ));
                }
            }
            Ok(_) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );

    // B reads exactly as before; A's own changes landed on A.
    let after = snapshot(&mut b_manager_client, &world).await;
    for ((path, was), is) in B_VIEWS.iter().zip(&before).zip(&after) {
        assert_eq!(was, is, "B's {path} changed during the walk");
    }
    assert_eq!(before, after, "B's details changed during the walk");
    let a_users = a_manager.get("/api/console/users").await.text();
    for email in ["nina.walker@martin.fr", "igor.import@martin.fr"] {
        assert!(a_users.contains(email), "A's users lack {email}: {a_users}");
    }
    let a_company = ok_json(
        &a_manager.get("/api/console/company").await,
        StatusCode::OK,
        "A's company",
    );
    assert_eq!(a_company["promo_opt_out"], true);
    assert!(a_company.to_string().contains("Walk card"));
    assert_eq!(
        number_ids(&mut a_manager).await.len(),
        3,
        "A's three Orders"
    );

    let routes = declared.len();
    let console = cases
        .iter()
        .filter(|case| matches!(case.access, Access::Console(_)))
        .count();
    let _ = writeln!(
        std::io::stderr(),
        "isolation ({}): walked {routes} routes ({} public, {console} console requests × 3 callers), {} requests in all",
        backend.name(),
        cases.len() - console,
        cases.len() - console + console * 3,
    );
}

/// Whatever stands in a path's `{…}`: what is not an id (or a token, a number) names nothing,
/// so every route answers the API's JSON 404, exactly as for an id that does not exist, never a
/// plain-text 400 — signed in as a Manager, as the provider, and as a signed-in User.
async fn a_malformed_id_is_the_json_404_on_every_route(backend: Backend) {
    let app = TestApp::options(backend).start().await;
    let (mut manager, _) = app.signed_up(&signup_form()).await;
    let operator = app.operator_cookie(OperatorRole::Administrator).await;
    // Past the WebApp's terms (ACCEPT-1), so that its routes judge the path.
    accept_terms(&mut manager).await;
    let malformed = [
        "abc",
        "1.5",
        "-",
        "99999999999999999999999",
        "%FF",
        "1%2F2",
        "0x10",
    ];
    let mut problems = Vec::new();
    let mut checked = 0;
    for (method, route) in declared_routes() {
        if !route.contains('{') {
            continue;
        }
        for raw in malformed {
            // Every parameter of the route malformed at once.
            let mut uri = String::new();
            let mut rest = route.as_str();
            while let Some(open) = rest.find('{') {
                let close = rest[open..].find('}').expect("a closed parameter") + open;
                uri.push_str(&rest[..open]);
                uri.push_str(raw);
                rest = &rest[close + 1..];
            }
            uri.push_str(rest);
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            // An invitation's token is text: the only body read after it is the password.
            let body = json!({"password": "a long enough password"});
            let admin = [("cookie", operator.as_str())];
            let headers: &[(&str, &str)] = if route.starts_with("/admin/") {
                &admin
            } else {
                &[("content-type", "application/json")]
            };
            // Each try as a new visitor would make it: guessing links is throttled per address
            // (tested in `security`), and every request here comes from the same one.
            sqlx::query("DELETE FROM throttles")
                .execute(&app.state.db.pool)
                .await
                .unwrap();
            let reply = manager
                .send(
                    method.clone(),
                    &api(&uri),
                    headers,
                    axum::body::Body::from(body.to_string()),
                )
                .await;
            checked += 1;
            let json: Option<Value> = serde_json::from_slice(&reply.body).ok();
            let code = json
                .as_ref()
                .and_then(|json| json["error"]["code"].as_str().map(str::to_owned));
            // An invitation's token is not an id: an unknown one says so, in the same 404.
            let expected: &[&str] = if route.contains("{token}") {
                &[
                    "invitation_unknown",
                    "reset_link_unknown",
                    "operator_setup_link_invalid",
                    "not_found",
                ]
            } else {
                &["not_found"]
            };
            if reply.status != StatusCode::NOT_FOUND
                || !code.as_deref().is_some_and(|code| expected.contains(&code))
            {
                problems.push(format!("{method} {uri}: {} {}", reply.status, reply.text()));
            }
        }
    }
    assert!(
        checked > 200,
        "only {checked} requests: the route table looks empty"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
