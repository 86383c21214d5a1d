//! The catalogue as data in the provider's back office (issue 14, point 3), on SQLite and
//! PostgreSQL: general reductions (PRICE-3) for new Orders only, the consumer price index series
//! and the indexation it gives (PRICE-4), Credits rates (PRICE-6), the pool of Numbers (NUM-1);
//! who may do what, and the provider's chain of the proof log naming the operator.

use crate::support::{
    Backend, Reply, TestApp, admin, an_order, assert_api_error, company, invoice, invoices, log_in,
    money, pass_days, ready_company,
};
use axum::http::{Method, StatusCode};
use domain::Money;
use protocol::backoffice::OperatorRole;
use serde_json::{Value, json};

on_both_databases!(
    price_3_a_reduction_prices_new_orders_and_leaves_subscribed_licences_alone,
    price_3_an_increase_or_a_wrong_reduction_is_refused_with_a_sentence,
    price_4_the_index_is_entered_month_by_month_and_gives_the_indexation,
    price_6_credits_rates_change_for_current_licences_at_once,
    num_1_ranges_join_the_pool_and_it_counts_free_and_held_numbers,
    catalogue_routes_refuse_managers_and_operators_of_another_role,
);

/// `method path` as the provider's operator of `role`.
async fn as_role(
    app: &TestApp,
    role: OperatorRole,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Reply {
    let cookie = app.operator_cookie(role).await;
    let token = cookie.trim_start_matches("backoffice_session=");
    admin(app, method, path, body, token).await
}

async fn as_admin(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> Reply {
    as_role(app, OperatorRole::Administrator, method, path, body).await
}

/// The first line's unit price of the Company's invoice of `kind`.
async fn unit_price_of(client: &mut crate::support::Client, kind: &str) -> Money {
    for summary in invoices(client).await {
        let detail = invoice(client, summary["id"].as_i64().unwrap()).await;
        if detail["kind"] == kind {
            return money(&detail["lines"][0]["unit_price"]);
        }
    }
    panic!("no {kind} invoice");
}

/// The provider's chain: its actions and authors, oldest first.
async fn provider_log(app: &TestApp) -> Vec<(String, Option<i64>)> {
    server::store::audit::provider_chain(&app.state.db)
        .await
        .unwrap()
        .entries
        .into_iter()
        .map(|entry| (entry.action, entry.actor_operator_id))
        .collect()
}

/// PRICE-3: Company 1 subscribes BUSINESS monthly at EUR 19.90; the same day an administrator
/// reduces it to 17.50. Company 2's Order gets 17.50 at once; on 15 December Company 1's Licence
/// renews at its 19.90 while Company 2's renews at 17.50. The reduction is a version of the
/// list, in the provider's chain with its author, and the proof logs still verify.
async fn price_3_a_reduction_prices_new_orders_and_leaves_subscribed_licences_alone(
    backend: Backend,
) {
    let app = crate::support::admin_app_on(backend, "2026-11-15").await;
    let mut first = ready_company(&app, &company(1)).await;
    an_order("BUSINESS").key("first").place(&mut first).await;
    assert_eq!(
        unit_price_of(&mut first, "order").await,
        Money::from_cents(1990)
    );

    let reply = as_admin(
        &app,
        Method::POST,
        "/api/admin/catalogue/reductions",
        Some(json!({"plan_code": "BUSINESS", "prices": [
            {"billing": "monthly", "min_quantity": 1, "unit_price": "17.50"}
        ]})),
    )
    .await;
    let reduction = reply.expect_json(StatusCode::CREATED);
    assert_eq!(reduction["effective_on"], "2026-11-15");
    assert_eq!(reduction["prices"][0]["old_unit_price"], "19.90");

    let mut second = ready_company(&app, &company(2)).await;
    an_order("BUSINESS").key("second").place(&mut second).await;
    assert_eq!(
        unit_price_of(&mut second, "order").await,
        Money::from_cents(1750)
    );

    pass_days(&app, 30).await;
    let mut first = log_in(&app, &company(1)).await;
    let mut second = log_in(&app, &company(2)).await;
    assert_eq!(
        unit_price_of(&mut first, "renewal").await,
        Money::from_cents(1990)
    );
    assert_eq!(
        unit_price_of(&mut second, "renewal").await,
        Money::from_cents(1750)
    );

    let versions = as_admin(&app, Method::GET, "/api/admin/catalogue/price-list", None)
        .await
        .expect_json(StatusCode::OK);
    let business = versions["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|plan| plan["code"] == "BUSINESS")
        .unwrap()
        .clone();
    assert_eq!(business["prices"][0]["unit_price"], "17.50");
    let kinds: Vec<(&str, &str, &str)> = versions["versions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|version| version["plan_code"] == "BUSINESS")
        .map(|version| {
            (
                version["effective_on"].as_str().unwrap(),
                version["kind"].as_str().unwrap(),
                version["prices"][0]["unit_price"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("2027-01-01", "list", "21.90"),
            ("2026-11-15", "reduction", "17.50"),
            ("2026-01-01", "list", "19.90"),
        ]
    );

    let administrator = app.operator_id(OperatorRole::Administrator).await;
    assert_eq!(
        provider_log(&app).await,
        [("catalogue.price_reduction".to_owned(), Some(administrator))]
    );
    let proof = as_admin(&app, Method::GET, "/api/admin/proof", None)
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(proof["intact"], true, "{proof}");
}

async fn price_3_an_increase_or_a_wrong_reduction_is_refused_with_a_sentence(backend: Backend) {
    let app = crate::support::admin_app_on(backend, "2026-11-15").await;
    let reduce = |prices: Value| json!({"plan_code": "ESSENTIAL", "prices": prices});
    let path = "/api/admin/catalogue/reductions";
    let tier =
        |price: &str| json!([{"billing": "annual", "min_quantity": 10, "unit_price": price}]);

    let reply = as_admin(&app, Method::POST, path, Some(reduce(tier("95.00")))).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "increase_needs_notice",
        Some("prices"),
    );
    assert!(
        reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("price-change notice"),
        "{}",
        reply.text()
    );
    for (body, field) in [
        (reduce(tier("89.00")), "prices"),
        (reduce(tier("88.999")), "prices"),
        (reduce(tier("-1")), "prices"),
        (reduce(json!([])), "prices"),
        (
            reduce(json!([{"billing": "annual", "min_quantity": 5, "unit_price": "80"}])),
            "prices",
        ),
        (
            json!({"plan_code": "GOLD", "prices": tier("80.00")}),
            "plan_code",
        ),
    ] {
        let reply = as_admin(&app, Method::POST, path, Some(body.clone())).await;
        assert_api_error(
            &reply,
            StatusCode::UNPROCESSABLE_ENTITY,
            "price_reduction_invalid",
            Some(field),
        );
    }
    let reply = as_admin(&app, Method::POST, path, Some(json!({"plan_code": 3}))).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());

    let reply = as_admin(&app, Method::POST, path, Some(reduce(tier("85.00")))).await;
    reply.expect_json(StatusCode::CREATED);
    // A second reduction of the tier the same day: from tomorrow.
    let reply = as_admin(&app, Method::POST, path, Some(reduce(tier("80.00")))).await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "price_already_starts_today",
        Some("prices"),
    );
    assert_eq!(
        provider_log(&app).await.len(),
        1,
        "refusals are not recorded"
    );
}

async fn price_4_the_index_is_entered_month_by_month_and_gives_the_indexation(backend: Backend) {
    let app = crate::support::admin_app_on(backend, "2026-11-15").await;
    let path = "/api/admin/catalogue/price-index";
    let enter = |month: &str, value: &str| Some(json!({"month": month, "value": value}));
    let billing = OperatorRole::Billing;

    let empty = as_role(&app, billing, Method::GET, path, None)
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(empty["next_month"], "2026-10");
    assert_eq!(empty["indexation"], Value::Null);

    let reply = as_role(
        &app,
        billing,
        Method::POST,
        path,
        enter("2025-10", "100.00"),
    )
    .await;
    assert_eq!(reply.expect_json(StatusCode::CREATED)["value"], "100");
    for (month, value, status, code, field) in [
        (
            "2025-10",
            "100.5",
            StatusCode::CONFLICT,
            "price_index_series_conflict",
            "month",
        ),
        (
            "2025-12",
            "100.5",
            StatusCode::CONFLICT,
            "price_index_series_conflict",
            "month",
        ),
        (
            "2025-09",
            "99",
            StatusCode::CONFLICT,
            "price_index_series_conflict",
            "month",
        ),
        (
            "2026-11",
            "103",
            StatusCode::UNPROCESSABLE_ENTITY,
            "price_index_invalid",
            "month",
        ),
        (
            "2025-11",
            "0",
            StatusCode::UNPROCESSABLE_ENTITY,
            "price_index_invalid",
            "value",
        ),
        (
            "2025-11",
            "1.2345",
            StatusCode::UNPROCESSABLE_ENTITY,
            "price_index_invalid",
            "value",
        ),
        (
            "Nov 2025",
            "100",
            StatusCode::UNPROCESSABLE_ENTITY,
            "price_index_invalid",
            "month",
        ),
    ] {
        let reply = as_role(&app, billing, Method::POST, path, enter(month, value)).await;
        assert_api_error(&reply, status, code, Some(field));
    }
    // An administrator enters too; support does not.
    let reply = as_role(
        &app,
        OperatorRole::Support,
        Method::POST,
        path,
        enter("2025-11", "100.2"),
    )
    .await;
    assert_api_error(
        &reply,
        StatusCode::FORBIDDEN,
        "operator_role_forbidden",
        None,
    );
    let mut month = domain::indexation::Month::new(2025, 11).unwrap();
    for k in 1..=12 {
        let role = if k % 2 == 0 {
            billing
        } else {
            OperatorRole::Administrator
        };
        let value = if k == 12 {
            "102".to_owned()
        } else {
            format!("100.{k}")
        };
        let reply = as_role(
            &app,
            role,
            Method::POST,
            path,
            enter(&month.to_string(), &value),
        )
        .await;
        reply.expect_json(StatusCode::CREATED);
        month = month.next();
    }
    let series = as_role(&app, OperatorRole::Support, Method::GET, path, None)
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(series["series"].as_array().unwrap().len(), 13);
    assert_eq!(series["next_month"], Value::Null);
    let indexation = &series["indexation"];
    assert_eq!(indexation["base_month"], "2025-10");
    assert_eq!(indexation["new_month"], "2026-10");
    let business = indexation["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|plan| plan["plan_code"] == "BUSINESS")
        .unwrap();
    // indexation.apply: 19.90 × 102 / 100 = 20.298 → 20.30.
    assert_eq!(business["prices"][0]["old_unit_price"], "19.90");
    assert_eq!(business["prices"][0]["unit_price"], "20.30");
    // Another pair, chosen; an index that did not go up changes nothing.
    let chosen = as_admin(
        &app,
        Method::GET,
        &format!("{path}?base=2026-10&new=2026-09"),
        None,
    )
    .await
    .expect_json(StatusCode::OK);
    assert_eq!(chosen["indexation"]["plans"], json!([]));
    assert!(
        chosen["indexation"]["unchanged"]
            .as_str()
            .unwrap()
            .contains("did not go up")
    );
    let reply = as_admin(&app, Method::GET, &format!("{path}?base=October"), None).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("base"),
    );

    let log = provider_log(&app).await;
    assert_eq!(log.len(), 13);
    assert!(
        log.iter()
            .all(|(action, author)| action == "catalogue.price_index" && author.is_some())
    );
}

async fn price_6_credits_rates_change_for_current_licences_at_once(backend: Backend) {
    let app = crate::support::admin_app_on(backend, "2026-11-15").await;
    let path = "/api/admin/catalogue/credits-rates";
    let rate = |kind: &str, prefix: &str, price: &str| {
        Some(json!({"kind": kind, "class": "international", "prefix": prefix, "price": price}))
    };
    let db = &app.state.db;
    let today = app.state.clock.today();
    let uk = "+447400123456";
    let sms_rate = || {
        server::store::messages::sms_rate_cents(
            db,
            domain::dial::DialClass::International,
            uk,
            today,
        )
    };
    assert_eq!(sms_rate().await.unwrap(), Some(15));

    // An increase and a decrease, both at once.
    let listed = as_admin(&app, Method::POST, path, rate("call", "+44", "0.30"))
        .await
        .expect_json(StatusCode::CREATED);
    as_admin(&app, Method::POST, path, rate("sms", "", "0.12"))
        .await
        .expect_json(StatusCode::CREATED);
    assert_eq!(sms_rate().await.unwrap(), Some(12));
    let uk_calls: Vec<(&str, &str, bool)> = listed["rates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|rate| rate["kind"] == "call" && rate["prefix"] == "+44")
        .map(|rate| {
            (
                rate["price"].as_str().unwrap(),
                rate["valid_from"].as_str().unwrap(),
                rate["in_force"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        uk_calls,
        [("0.30", "2026-11-15", true), ("0.25", "2026-01-01", false)]
    );

    let reply = as_admin(&app, Method::POST, path, rate("call", "+44", "0.35")).await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "credits_rate_already_published",
        Some("price"),
    );
    for (body, field) in [
        (rate("call", "44", "0.30"), "prefix"),
        (rate("call", "+44", "0"), "price"),
        (rate("call", "+44", "12.00"), "price"),
        (rate("fax", "+44", "0.30"), "kind"),
    ] {
        let reply = as_admin(&app, Method::POST, path, body).await;
        assert_api_error(
            &reply,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some(field),
        );
    }
    let reply = as_role(
        &app,
        OperatorRole::Billing,
        Method::POST,
        path,
        rate("sms", "", "0.10"),
    )
    .await;
    assert_api_error(
        &reply,
        StatusCode::FORBIDDEN,
        "operator_role_forbidden",
        None,
    );
    assert_eq!(
        provider_log(&app)
            .await
            .iter()
            .map(|(action, _)| action.as_str())
            .collect::<Vec<_>>(),
        ["catalogue.credits_rate", "catalogue.credits_rate"]
    );
}

async fn num_1_ranges_join_the_pool_and_it_counts_free_and_held_numbers(backend: Backend) {
    let app = crate::support::admin_app_on(backend, "2026-11-15").await;
    let path = "/api/admin/catalogue/numbers";
    let range = |country: &str, first: &str, last: &str| {
        Some(json!({"country": country, "first": first, "last": last}))
    };
    let france = |pool: &Value| {
        pool["countries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|country| country["country"] == "FR")
            .map(|country| {
                (
                    country["free"].as_i64().unwrap(),
                    country["assigned"].as_i64().unwrap(),
                )
            })
            .unwrap()
    };
    let mut manager = ready_company(&app, &company(1)).await;
    an_order("BUSINESS").key("one").place(&mut manager).await;
    let pool = as_admin(&app, Method::GET, path, None)
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(france(&pool), (59, 1));

    let added = as_admin(
        &app,
        Method::POST,
        path,
        range("fr", "+33 6 12 00 00 00", "+33612000099"),
    )
    .await
    .expect_json(StatusCode::CREATED);
    assert_eq!(
        (added["added"].as_i64(), added["skipped"].as_i64()),
        (Some(100), Some(0))
    );
    let added = as_admin(
        &app,
        Method::POST,
        path,
        range("FR", "+33612000050", "+33612000149"),
    )
    .await
    .expect_json(StatusCode::CREATED);
    assert_eq!(
        (added["added"].as_i64(), added["skipped"].as_i64()),
        (Some(50), Some(50))
    );
    // 10,000 at once, the most.
    let added = as_admin(
        &app,
        Method::POST,
        path,
        range("FR", "+33712340000", "+33712349999"),
    )
    .await
    .expect_json(StatusCode::CREATED);
    assert_eq!(added["added"].as_i64(), Some(10_000));

    let pool = as_admin(
        &app,
        Method::GET,
        &format!("{path}?country=FR&contains=3361200014"),
        None,
    )
    .await
    .expect_json(StatusCode::OK);
    assert_eq!(france(&pool), (59 + 10_150, 1));
    assert_eq!(
        pool["free_numbers"],
        json!([
            "+33612000140",
            "+33612000141",
            "+33612000142",
            "+33612000143",
            "+33612000144",
            "+33612000145",
            "+33612000146",
            "+33612000147",
            "+33612000148",
            "+33612000149"
        ])
    );

    for (body, field) in [
        (range("FR", "+33612000000", "+33612010000"), "last"),
        (range("FR", "+33612000099", "+33612000000"), "last"),
        (range("FR", "+32470123456", ""), "first"),
        (range("FR", "+3361200", ""), "first"),
        (range("CH", "+41791234567", ""), "country"),
        (range("France", "+33612000000", ""), "country"),
    ] {
        let reply = as_admin(&app, Method::POST, path, body).await;
        assert_api_error(
            &reply,
            StatusCode::UNPROCESSABLE_ENTITY,
            "number_range_invalid",
            Some(field),
        );
    }
    let log = provider_log(&app).await;
    assert_eq!(log.len(), 3);
    assert!(
        log.iter()
            .all(|(action, _)| action == "catalogue.numbers_added")
    );
}

/// Every catalogue route: a Company's Manager is no operator (403); each write refuses the
/// operators of another role (403) and changes nothing.
async fn catalogue_routes_refuse_managers_and_operators_of_another_role(backend: Backend) {
    let app = crate::support::admin_app_on(backend, "2026-11-15").await;
    let (mut manager, _) = app.signed_up(&company(1)).await;
    let reads = [
        "/api/admin/catalogue/price-list",
        "/api/admin/catalogue/price-index",
        "/api/admin/catalogue/credits-rates",
        "/api/admin/catalogue/numbers",
        "/api/admin/late-payment-rates",
    ];
    for path in reads {
        let reply = manager.get(path).await;
        assert_api_error(
            &reply,
            StatusCode::FORBIDDEN,
            "operator_sign_in_needed",
            None,
        );
        for role in OperatorRole::ALL {
            as_role(&app, role, Method::GET, path, None)
                .await
                .expect_json(StatusCode::OK);
        }
    }
    let writes = [
        (
            "/api/admin/catalogue/reductions",
            json!({"plan_code": "BUSINESS", "prices": [{"billing": "monthly", "min_quantity": 1, "unit_price": "9.90"}]}),
            [OperatorRole::Billing, OperatorRole::Support].as_slice(),
        ),
        (
            "/api/admin/catalogue/price-index",
            json!({"month": "2026-01", "value": "100"}),
            [OperatorRole::Support].as_slice(),
        ),
        (
            "/api/admin/catalogue/credits-rates",
            json!({"kind": "sms", "class": "international", "prefix": "", "price": "0.01"}),
            [OperatorRole::Billing, OperatorRole::Support].as_slice(),
        ),
        (
            "/api/admin/catalogue/numbers",
            json!({"country": "FR", "first": "+33612000000", "last": ""}),
            [OperatorRole::Billing, OperatorRole::Support].as_slice(),
        ),
        (
            "/api/admin/late-payment-rates",
            json!({"semester": "2026-S2", "ecb_rate": "2.15", "legal_rate": "2.62"}),
            [OperatorRole::Support].as_slice(),
        ),
    ];
    for (path, body, refused) in writes {
        let reply = manager.post_json(path, &body).await;
        assert_api_error(
            &reply,
            StatusCode::FORBIDDEN,
            "operator_sign_in_needed",
            None,
        );
        for role in refused {
            let reply = as_role(&app, *role, Method::POST, path, Some(body.clone())).await;
            assert_api_error(
                &reply,
                StatusCode::FORBIDDEN,
                "operator_role_forbidden",
                None,
            );
        }
    }
    assert!(provider_log(&app).await.is_empty());
    // LATE-1: billing records a semester; the provider's chain names the operator.
    let reply = as_role(
        &app,
        OperatorRole::Billing,
        Method::POST,
        "/api/admin/late-payment-rates",
        Some(json!({"semester": "2026-S2", "ecb_rate": "2.15", "legal_rate": "2.62"})),
    )
    .await;
    reply.expect_json(StatusCode::CREATED);
    let billing = app.operator_id(OperatorRole::Billing).await;
    assert_eq!(
        provider_log(&app).await,
        [("catalogue.late_payment_rates".to_owned(), Some(billing))]
    );
}
