//! The provider's operators for tests that act as the provider (issue 14): one per role
//! (`<role>@provider.example`), added and marked set up straight in the store on first use, and a
//! new session's cookie. The set-up and sign-in through the API and the browser are tested in
//! `backoffice`. Shared by the API tests and the browser harness.
#![allow(dead_code)] // each includer takes what it needs

use protocol::backoffice::OperatorRole;
use server::db::Database;
use server::store::operators;

/// The id of the provider's operator of `role`, added and set up on first use.
pub async fn operator_id(db: &Database, role: OperatorRole) -> i64 {
    let email = format!("{}@provider.example", role.as_str());
    if let Some(found) = operators::by_email(db, &email).await.expect("an operator") {
        return found.me.id;
    }
    let now = chrono::Utc::now();
    let (id, token) = operators::add(db, &email, role, "JBSWY3DPEHPK3PXP", now)
        .await
        .expect("an operator added");
    assert!(
        operators::complete_setup(db, &token, "not a password hash", 1, now)
            .await
            .expect("an operator set up")
    );
    id
}

/// The `Cookie` header of a new session of the provider's operator of `role`.
pub async fn operator_cookie(db: &Database, role: OperatorRole) -> String {
    let id = operator_id(db, role).await;
    let token = operators::open_session(db, id, chrono::Utc::now())
        .await
        .expect("an operator's session");
    format!("backoffice_session={token}")
}
