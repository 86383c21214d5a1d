//! Issue 14: the provider's operator in Chromium. Added by the server command, the operator
//! opens their one-time link, reads the authenticator's secret (the test plays the app), sets a
//! password with a first code, signs in with the next one, decides a Manager's dispute from the
//! queue (the Manager then reads the credit note on the invoice), finds the Company, checks the
//! proof logs, and signs out. The back
//! office is a bundle of its own: its page downloads no other bundle's code, and a Company's
//! Manager who opens it is not let in.

use crate::harness::authenticator::code;
use crate::harness::team::send;
use crate::harness::{Browser, Console};
use protocol::backoffice::OperatorRole;
use serde_json::json;

/// The wasm files the page downloaded.
async fn wasm_loaded(browser: &Browser) -> String {
    browser
        .until(
            "performance.getEntriesByType('resource').map(e => e.name)
                .filter(n => n.endsWith('.wasm')).join(' ')",
            "the wasm downloaded",
        )
        .await
        .as_str()
        .unwrap()
        .to_owned()
}

/// An operator of `role` added by the server command, set up through their one-time link (the
/// test plays the authenticator app) and signed in with a password and a fresh code, in a
/// browser of their own. On the way: the set-up page downloads the back office's bundle only,
/// and the code used for the set-up does not work twice.
async fn signed_in_operator(console: &Console, email: &str, role: OperatorRole) -> Browser {
    let link = server::services::operators::add(&console.state.db, email, role, chrono::Utc::now())
        .await
        .expect("an operator added");
    let operator = Browser::launch(&console.url).await;
    operator.goto(&link).await;
    operator
        .sees(&format!("{email}, operator of the {} role.", role.as_str()))
        .await;
    let secret = operator
        .until(
            "document.querySelector('.secret code')?.textContent",
            "the secret",
        )
        .await
        .as_str()
        .unwrap()
        .to_owned();
    let wasm = wasm_loaded(&operator).await;
    assert!(wasm.contains("/backoffice/backoffice-"), "{wasm}");
    assert!(
        !wasm.contains("console-") && !wasm.contains("webapp-"),
        "{wasm}"
    );
    // The very code used for the set-up (computed once: a new 30-second step may begin
    // before the sign-in below, whose code would then be another).
    let used = code(&secret, 0);
    operator.fill("Password", "a long operator password").await;
    operator
        .fill("Code from your authenticator app", &used)
        .await;
    operator.click("Set up").await;
    operator.sees("Your access is set up.").await;

    operator.goto("/backoffice").await;
    operator.fill("Email", email).await;
    operator.fill("Password", "a long operator password").await;
    // The code used for the set-up does not work twice.
    operator
        .fill("Code from your authenticator app", &used)
        .await;
    operator.click("Sign in").await;
    operator
        .sees("The email, the password or the authenticator's code is not right.")
        .await;
    operator
        .fill("Code from your authenticator app", &code(&secret, 1))
        .await;
    operator.click("Sign in").await;
    operator
        .sees(&format!(
            "Signed in as {email}, of the {} role.",
            role.as_str()
        ))
        .await;
    operator
}

#[tokio::test]
async fn an_operator_sets_up_their_access_signs_in_and_decides_a_dispute_from_the_queue() {
    let console = Console::start().await;
    // A Manager disputes their first invoice.
    let manager = Browser::launch(&console.url).await;
    manager
        .sign_up_company("Martin et Fils SAS", "anne@martin.fr")
        .await;
    manager.add_payment_method("Main account").await;
    manager.order_one_number("ESSENTIAL").await;
    let invoice = manager.fetch_json("/api/console/invoices").await[0].clone();
    let invoice_id = invoice["id"].as_i64().unwrap();
    let (status, reply) = send(
        &manager,
        "POST",
        &format!("/api/console/invoices/{invoice_id}/disputes"),
        json!({"justification": "The Number did not ring for a week."}),
    )
    .await;
    assert_eq!(status, 201, "{reply}");

    let operator =
        signed_in_operator(&console, "jeanne@provider.example", OperatorRole::Billing).await;

    // The dispute waits in the queue; the operator accepts it with a credit note of EUR 5.00.
    operator.sees("The Number did not ring for a week.").await;
    operator.sees("No invoice is overdue.").await;
    operator
        .fill("Credit note (EUR, VAT included)", "5.00")
        .await;
    operator.click("Accept").await;
    operator.sees("No dispute waits for a decision.").await;
    manager
        .goto(&format!("/console/invoices/{invoice_id}"))
        .await;
    manager.sees("credit note CN-").await;
    manager.sees("of EUR 5.00").await;

    // The Company found by its name; every proof log checked, intact.
    operator.fill("Name or registration number", "martin").await;
    operator.click("Search").await;
    operator
        .until(
            "[...document.querySelectorAll('table.companies td')].some(td => td.textContent === 'Martin et Fils SAS')",
            "the Company found",
        )
        .await;
    // LIAB-1: the cap for a loss on a day, from what the Company paid in the 6 months before.
    operator
        .set_date("table.companies input[type=date]", "2026-12-31")
        .await;
    operator.click("Cap").await;
    operator.sees("to the day before 31 December 2026").await;
    operator.click("Check every proof log").await;
    operator.sees("The proof log is intact").await;
    operator.click("Sign out").await;
    operator.sees("Sign in to the back office").await;

    // A Company's Manager is no operator: the back office asks them to sign in as one.
    manager.goto("/backoffice").await;
    manager.sees("Sign in to the back office").await;
    manager.goto("/console").await;
    let wasm = wasm_loaded(&manager).await;
    assert!(!wasm.contains("backoffice"), "{wasm}");

    for browser in [operator, manager] {
        browser.close().await;
    }
}

/// Issue 14's operator journey: a Company's renewal cannot be collected; the operator finds it
/// overdue in the queue, sends the formal notice to pay (LATE-4), opens the Company's page, which
/// says when a termination for fault becomes possible; the demo clock passes the notice's 8
/// days; the operator terminates the Licence on the ground "unpaid" (TERM-2) and the Manager's
/// console shows the termination, its ground and what falls due.
#[tokio::test]
async fn an_operator_sends_a_formal_notice_and_terminates_for_fault_once_it_has_run() {
    let console = Console::demo("2027-01-04").await;
    let manager = Browser::launch(&console.url).await;
    manager
        .sign_up_company("Dupont Telecom SARL", "paul@dupont.fr")
        .await;
    manager
        .add_payment_method("Old account, declined by the bank")
        .await;
    let order = manager
        .order_one_number_billed("ESSENTIAL", domain::catalogue::Billing::Monthly)
        .await;
    let licence = order["licence"]["id"]
        .as_i64()
        .expect("the Order's Licence");
    // Collected on the 4th, retried on the 7th and the 11th, refused each time: overdue.
    console.move_date_to("2027-01-12").await;

    let operator =
        signed_in_operator(&console, "louis@provider.example", OperatorRole::Billing).await;
    operator.sees("Dupont Telecom SARL").await;
    operator.click("Send a formal notice").await;
    operator
        .sees("Sent on 12 January 2027; pay by 20 January 2027")
        .await;
    operator.click("Dupont Telecom SARL").await;
    operator.sees("Terminate for fault").await;
    operator
        .sees("The notice runs until 20 January 2027: the termination is possible from 21 January 2027.")
        .await;
    operator
        .until(
            "[...document.querySelectorAll('button')].find(b => b.textContent === 'Terminate for fault')?.disabled",
            "the termination refused before the 8 days have run",
        )
        .await;

    console.move_date_to("2027-01-21").await;
    operator
        .goto(&format!(
            "/backoffice/companies/{}",
            company_id(&console).await
        ))
        .await;
    operator
        .fill(
            "Facts the Company is told",
            "Invoice 2027-000001 is still unpaid after the formal notice of 12 January 2027.",
        )
        .await;
    operator
        .sees("Possible today: the Licence ends today")
        .await;
    operator.click("Terminate for fault").await;
    operator
        .sees(&format!(
            "Licence #{licence} terminated on 21 January 2027 for fault: An invoice unpaid 8 days after a formal notice to pay"
        ))
        .await;
    operator.sees("licence.terminate_for_fault").await;
    operator.sees("The provider (louis@provider.example)").await;

    manager.log_in_again("paul@dupont.fr").await;
    manager.goto("/console/licences").await;
    manager
        .sees(&format!("Licence #{licence} terminated for fault"))
        .await;
    manager
        .sees("An invoice unpaid 8 days after a formal notice to pay")
        .await;
    manager.sees("Total due (excluding VAT)").await;
    for browser in [operator, manager] {
        browser.close().await;
    }
}

/// The one Company of the test's database.
async fn company_id(console: &Console) -> i64 {
    console.count("SELECT MIN(id) FROM companies").await
}

/// Point 5: a Manager claims restitution of a paid invoice (DISPUTE-3) on its page and writes to
/// support about it (DISPUTE-4), reading before sending the day the answer is due (30 working
/// days: Easter Monday and 1 May are off); a support operator answers from the queue, and the
/// Manager reads the answer.
#[tokio::test]
async fn a_manager_claims_restitution_and_complains_and_support_answers_from_the_queue() {
    let console = Console::start_with(&["--today", "2026-03-30"]).await;
    let manager = Browser::launch(&console.url).await;
    manager
        .sign_up_company("Lefebvre Conseil SAS", "claire@lefebvre.fr")
        .await;
    manager.add_payment_method("Main account").await;
    manager.order_one_number("ESSENTIAL").await;
    let invoice = manager.fetch_json("/api/console/invoices").await[0].clone();
    let number = invoice["number"].as_str().unwrap().to_owned();

    // Paid by hand on its page; a restitution may be claimed for a year from then.
    manager
        .goto(&format!("/console/invoices/{}", invoice["id"]))
        .await;
    manager.click("Pay now").await;
    manager.sees("Paid on 30 March 2026").await;
    manager
        .sees("Until 30 March 2027, a year after the payment")
        .await;
    manager
        .fill(
            "What should be paid back, and why?",
            "The Number was billed twice this month.",
        )
        .await;
    manager.click("Claim restitution").await;
    manager.sees("Claimed on 30 March 2026:").await;

    manager.click("Support").await;
    manager
        .sees("Sent today, it is answered by 15 May 2026 at the latest.")
        .await;
    manager
        .until(
            &format!(
                "[...document.querySelectorAll('#complaint-about option')].some(o => o.textContent === 'Invoice {number}')"
            ),
            "the invoice offered",
        )
        .await;
    manager.choose("About", &format!("Invoice {number}")).await;
    manager
        .fill(
            "What happened?",
            "The invoice bills the Number twice; we asked for restitution.",
        )
        .await;
    manager.click("Send to support").await;
    manager
        .sees("Waiting for the answer, due by 15 May 2026.")
        .await;

    let operator =
        signed_in_operator(&console, "sam@provider.example", OperatorRole::Support).await;
    operator
        .sees(&format!("Lefebvre Conseil SAS: Invoice {number}"))
        .await;
    operator.sees("to answer by 15 May 2026").await;
    operator
        .sees("The Number was billed twice this month.")
        .await;
    operator
        .fill(
            "Answer",
            "Right: the second line is refunded with your restitution claim.",
        )
        .await;
    operator.click("Send the answer").await;
    operator.sees("No complaint waits for an answer.").await;

    manager.goto("/console/complaints").await;
    manager
        .sees("Answered on 30 March 2026: Right: the second line is refunded")
        .await;

    // SUSP-1 from the Company's page: suspended for a reason of the list, the Manager sees the
    // banner; lifted, it goes.
    operator
        .goto(&format!(
            "/backoffice/companies/{}",
            console.count("SELECT MIN(id) FROM companies").await
        ))
        .await;
    operator.sees("Nothing is suspended.").await;
    operator
        .choose("Reason (SUSP-1)", "Suspected fraud or abuse of a policy")
        .await;
    operator
        .fill("Details the Company is told", "Calls to premium numbers")
        .await;
    operator.click("Suspend the Company").await;
    operator
        .sees("The Company, since 30 March 2026: Suspected fraud or abuse of a policy (Calls to premium numbers)")
        .await;
    manager.goto("/console").await;
    manager
        .sees("The Company Account is suspended since 30 March 2026.")
        .await;
    operator.click("Lift: The Company").await;
    operator.sees("Nothing is suspended.").await;
    for browser in [operator, manager] {
        browser.close().await;
    }
}

/// Issue 14, what support and administrators decide on their own. Alice moves to Belgium, so
/// her French Number no longer qualifies (NUM-3), and the Company's only Manager objects to a
/// processing of her data (no other Manager may answer: DATA-1). A support operator answers the
/// request from the queue, reads Alice on the Company's page, suspends her for territory and
/// finds a User by name; an administrator ends a Licence without reason (NOTICE-2, its last day
/// shown before sending) and discontinues picture messages two weeks ahead at the earliest
/// (NOTICE-3); the Manager's console says both.
#[tokio::test]
async fn support_and_administrators_decide_territory_data_rights_and_the_end_of_services() {
    let console = Console::start_with(&["--today", "2026-12-07"]).await;
    let manager = Browser::launch(&console.url).await;
    manager
        .sign_up_company("Roux Conseil SAS", "marie@roux.fr")
        .await;
    manager.add_payment_method("Main account").await;
    manager.order_one_number("BUSINESS").await;
    let numbers = manager.fetch_json("/api/console/numbers").await;
    let (number_id, e164) = (
        numbers[0]["id"].as_i64().unwrap(),
        numbers[0]["e164"].as_str().unwrap().to_owned(),
    );
    let alice = |residence: &str| {
        json!({"first_name": "Alice", "last_name": "Roux", "email": "alice@roux.fr",
            "mobile": "+33 6 50 00 00 01", "residence_country": residence, "stable_links": []})
    };
    let (status, user) = send(&manager, "POST", "/api/console/users", alice("FR")).await;
    assert_eq!(status, 201, "{user}");
    let path = format!("/api/console/numbers/{number_id}/user");
    let (status, reply) = send(&manager, "PUT", &path, json!({"user_id": user["id"]})).await;
    assert_eq!(status, 200, "{reply}");
    let path = format!("/api/console/users/{}", user["id"]);
    let (status, reply) = send(&manager, "PUT", &path, alice("BE")).await;
    assert_eq!(status, 200, "{reply}");
    let objection = json!({"kind": "objection", "details": "No statistics on my call logs."});
    let (status, reply) = send(&manager, "POST", "/api/me/data-requests", objection).await;
    assert_eq!(status, 201, "{reply}");

    let support = signed_in_operator(&console, "sam@provider.example", OperatorRole::Support).await;
    support
        .sees("Roux Conseil SAS: Object to the processing of my data, from")
        .await;
    support
        .sees("to answer by 7 January 2027. No other Manager may answer it: the provider does.")
        .await;
    support.choose("Decision", "Grant").await;
    support
        .fill(
            "Answer to the person",
            "Your call logs are left out of statistics.",
        )
        .await;
    support.click("Send the decision").await;
    support
        .sees("No data-rights request waits for its answer.")
        .await;
    support
        .goto(&format!(
            "/backoffice/companies/{}",
            company_id(&console).await
        ))
        .await;
    support
        .sees("Numbers outside their territory (NUM-3)")
        .await;
    support
        .sees(&format!("Alice Roux (alice@roux.fr) holds {e164}"))
        .await;
    support
        .click("Suspend Alice Roux: territory no longer met")
        .await;
    support
        .sees("Alice Roux, since 7 December 2026: The territory condition is no longer met")
        .await;
    support
        .fill("Or one User: part of their name or email", "MARIE")
        .await;
    support.click("Find the User").await;
    support.sees("(marie@roux.fr)").await;

    let admin = signed_in_operator(
        &console,
        "ada@provider.example",
        OperatorRole::Administrator,
    )
    .await;
    admin
        .goto(&format!(
            "/backoffice/companies/{}",
            company_id(&console).await
        ))
        .await;
    let licence = console.count("SELECT MIN(id) FROM licences").await;
    // A monthly Licence: 48 hours' notice before its period's end (termination.provider).
    admin
        .click(&format!(
            "End #{licence} without reason, after 6 January 2027"
        ))
        .await;
    admin
        .sees("Ends after 6 January 2027 (the provider's termination)")
        .await;
    admin.goto("/backoffice").await;
    admin.sees("Every Service is offered.").await;
    admin.choose("Service", "Picture messages (MMS)").await;
    admin.set_date("#discontinued-from", "2026-12-21").await;
    admin
        .sees("Too soon: two weeks' notice at least, so from 22 December 2026 at the earliest.")
        .await;
    admin.set_date("#discontinued-from", "2026-12-22").await;
    admin
        .fill(
            "Reason the Companies are told",
            "Our carrier stops relaying MMS.",
        )
        .await;
    admin.click("Announce the discontinuation").await;
    admin
        .sees("Picture messages (MMS): announced on 7 December 2026, stops from 22 December 2026. Our carrier stops relaying MMS.")
        .await;

    manager.goto("/console").await;
    manager
        .sees("Picture messages (MMS): the provider discontinues this Service; it can be used until the day before 22 December 2026.")
        .await;
    manager.goto("/console/licences").await;
    manager
        .sees("Terminated by the provider without reason on 2026-12-07 (GTCS 6.2.1); last day of service 2027-01-06")
        .await;
    for browser in [support, admin, manager] {
        browser.close().await;
    }
}

/// Issue 14, point 3: an administrator opens the Catalogue from the back office's home, is told
/// in the page that an increase needs a price-change notice (the same rule the server applies),
/// applies a general reduction, adds a range of Numbers to the French pool and finds them free.
#[tokio::test]
async fn an_administrator_reduces_a_price_and_adds_a_range_of_numbers_to_the_pool() {
    let console = Console::start_with(&["--today", "2026-12-07"]).await;
    let admin = signed_in_operator(
        &console,
        "ada@provider.example",
        OperatorRole::Administrator,
    )
    .await;
    admin
        .click("Catalogue: prices, price index, Credits rates, late-payment rates, Numbers pool")
        .await;
    admin.sees("Prices for a new Order today").await;

    // PRICE-3: a price going up is no reduction; nothing is sent.
    admin.choose("Call Plan to reduce", "Essential").await;
    let tier = "New price, annual from 1 Number(s) (now EUR 99.00)";
    admin.fill(tier, "105").await;
    admin.click("Apply the reduction today").await;
    admin
        .sees(
            "Announce it with a price-change notice instead, at least one month before it applies",
        )
        .await;
    assert_eq!(
        console
            .count("SELECT COUNT(*) FROM call_plan_prices WHERE reduction_id IS NOT NULL")
            .await,
        0
    );
    admin.fill(tier, "95.00").await;
    admin.click("Apply the reduction today").await;
    admin
        .sees("The reduction applies from today to new Orders.")
        .await;
    admin.sees("General reduction (new Orders only)").await;
    admin.sees("annual from 1: EUR 95.00").await;

    // PRICE-5: the increase goes through a notice, one month ahead at least, said in the page.
    admin.choose("Call Plan to change", "Essential").await;
    admin.set_date("#notice-effective", "2027-01-07").await;
    admin
        .sees("Too soon: told today, new prices may apply from 8 January 2027 at the earliest.")
        .await;
    admin.set_date("#notice-effective", "2027-01-08").await;
    admin
        .sees("Possible: the Companies are told today, and may terminate by a notice received by 28 December 2026.")
        .await;
    admin
        .fill(
            "Increased price, annual from 1 Number(s) (now EUR 95.00)",
            "105.00",
        )
        .await;
    admin.click("Send the notice").await;
    admin
        .sees("Notice sent: Essential from 8 January 2027, 0 Licence(s) concerned.")
        .await;
    assert_eq!(
        console
            .count("SELECT COUNT(*) FROM price_change_notices")
            .await,
        1
    );
    assert_eq!(
        console
            .count("SELECT COUNT(*) FROM provider_log WHERE action = 'catalogue.price_reduction'")
            .await,
        1
    );

    // NUM-1: ten French Numbers join the pool, free.
    admin.fill("First Number", "+33 6 12 00 00 00").await;
    admin.fill("Last Number", "+33612000009").await;
    admin.click("Add to the pool").await;
    admin
        .sees("10 Numbers added to the FR pool; 0 already there, skipped.")
        .await;
    let france = admin
        .until(
            "[...document.querySelectorAll('.pool-counts tbody tr')].map(r => r.innerText)
                .find(t => t.startsWith('FR') && !t.includes('\\t60\\t'))",
            "the French pool counted again",
        )
        .await;
    assert_eq!(
        france
            .as_str()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["FR", "70", "0"]
    );
    admin.fill("Containing", "3361200000").await;
    admin.click("Show free Numbers").await;
    admin.sees("+33612000009").await;
    admin.sees("+33612000000").await;
    admin.close().await;
}
