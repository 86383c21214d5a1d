//! `/console/order`: the Manager picks Numbers and a Call Plan for each, chooses monthly or
//! annual payment, sees the quote computed in the browser by `domain::order::quote_order` as the
//! basket changes (PRICE-1, PRICE-2), accepts the GTCS version shown (ACCEPT-1) and places the
//! Order. The server recomputes the quote and refuses the Order, saying what changed, if the
//! total differs.
//!
//! `?country=FR&numbers=N` opens the page on a country and fills the basket with its first N
//! available Numbers, spread over the plans sold there (the measuring script builds its large
//! basket this way).

use crate::components::eur;

use std::collections::HashSet;

use domain::catalogue::{Billing, PriceList};
use domain::order::{
    ChosenNumber, LineRequest, OrderError, OrderForm, OrderFormLine, OrderQuote, check_sold_in,
    quote_order, validate_order_form,
};
use domain::payment_default::price_list_for;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use protocol::catalogue::{AvailableNumber, PriceListView};
use protocol::{ErrorCode, Gtcs};

use crate::api;
use crate::components::{Checkbox, FormAlert, FormErrors};
use crate::session::{Session, use_session};

#[component]
pub fn OrderPage() -> impl IntoView {
    let price_list = LocalResource::new(api::price_list);
    let gtcs = LocalResource::new(api::gtcs);
    view! {
        <section class="order">
            <h1>"Order Numbers"</h1>
            {move || match (price_list.get(), gtcs.get()) {
                (Some(Ok(list)), Some(Ok(gtcs))) => view! { <OrderBuilder list gtcs /> }.into_any(),
                (Some(Err(error)), _) | (_, Some(Err(error))) => {
                    view! { <p class="alert" role="alert">{error.to_string()}</p> }.into_any()
                }
                _ => view! { <p class="loading">"Loading…"</p> }.into_any(),
            }}
        </section>
    }
}

/// One Number in the basket and the Call Plan chosen for it.
#[derive(Debug, Clone, PartialEq)]
struct BasketItem {
    number: AvailableNumber,
    plan_id: i64,
}

/// The basket grouped into one line per Call Plan, in the order of the price list.
fn lines_of(list: &PriceList, basket: &[BasketItem]) -> Vec<(i64, Vec<ChosenNumber>)> {
    list.plans
        .iter()
        .map(|plan| {
            let numbers: Vec<ChosenNumber> = basket
                .iter()
                .filter(|item| item.plan_id == plan.id)
                .map(|item| ChosenNumber {
                    id: item.number.id,
                    e164: item.number.e164.clone(),
                    country: item.number.country,
                })
                .collect();
            (plan.id, numbers)
        })
        .filter(|(_, numbers)| !numbers.is_empty())
        .collect()
}

/// PRICE-1, PRICE-2: the quote of the basket, or why there is none.
fn quote_of(
    view: &PriceListView,
    billing: Billing,
    basket: &[BasketItem],
) -> Result<OrderQuote, OrderError> {
    let lines = lines_of(&view.price_list, basket);
    check_sold_in(&view.price_list, &lines)?;
    let requests: Vec<LineRequest> = lines
        .iter()
        .map(|(plan_id, numbers)| LineRequest {
            plan_id: *plan_id,
            quantity: numbers.len() as u32,
        })
        .collect();
    // LATE-3: priced as the server prices it, without discounts while a default withholds them.
    let list = price_list_for(&view.price_list, &view.payment_default);
    quote_order(&list, billing, &requests, view.on, view.vat)
}

/// TRIAL-1: what the trial offered means, as the Manager ticks it.
fn trial_label(offer: &protocol::trials::TrialForm) -> String {
    let end = domain::order::long_date(offer.trial_end);
    if offer.auto_commit {
        format!(
            "Place this Order as a trial until {end}: nothing is invoiced now; without a cancellation by {end}, the Licence starts the next day and its first invoice is issued then."
        )
    } else {
        format!(
            "Place this Order as a trial until {end}: nothing is invoiced; the Licence ends after {end}."
        )
    }
}

/// Runs `compute` between two performance marks, measured as "quote-update" (read by the
/// measuring script `server/benches/quote.rs`).
fn measured<T>(compute: impl FnOnce() -> T) -> T {
    let performance = web_sys::window().and_then(|window| window.performance());
    if let Some(performance) = &performance {
        let _ = performance.mark("quote-update-start");
    }
    let result = compute();
    if let Some(performance) = &performance {
        let _ = performance.measure_with_start_mark("quote-update", "quote-update-start");
    }
    result
}

#[component]
fn OrderBuilder(list: PriceListView, gtcs: Gtcs) -> impl IntoView {
    let navigate = use_navigate();
    let query = use_query_map();
    let countries = list.price_list.countries();
    let asked_country = query
        .with_untracked(|query| query.get("country"))
        .filter(|code| countries.iter().any(|country| country.as_str() == code));
    // The Company's billing country first, where Numbers are sold there.
    let billing_country = use_session().with_untracked(Session::billing_country);
    let first_country = asked_country
        .or_else(|| {
            billing_country.filter(|code| countries.iter().any(|country| country.as_str() == code))
        })
        .or_else(|| countries.first().map(|country| country.to_string()))
        .unwrap_or_default();
    let list = RwSignal::new(list);
    let billing = RwSignal::new(Billing::Monthly);
    let country = RwSignal::new(first_country);
    let digits = RwSignal::new(String::new());
    let plan_for_new = RwSignal::new(String::new());
    let results = RwSignal::new(Vec::<AvailableNumber>::new());
    let searching = RwSignal::new(false);
    let search_error = RwSignal::new(None::<String>);
    let basket = RwSignal::new(Vec::<BasketItem>::new());
    let accepted = RwSignal::new(false);
    // TRIAL-1: placed as the trial the provider offered, when there is one.
    let trial = RwSignal::new(false);
    let trial_offer = list.with_untracked(|view| view.trial_offer.clone());
    let errors = FormErrors::new();
    // One key per page: made when the page opens and kept for every retry of this Order.
    let key = StoredValue::new(api::new_idempotency_key("order"));
    let version = StoredValue::new(gtcs.version.clone());

    // The plans sold in the chosen country; the plan for new Numbers stays one of them.
    let plans_here = Memo::new(move |_| {
        let code = country.get();
        list.with(|view| {
            view.price_list
                .plans
                .iter()
                .filter(|plan| plan.countries.iter().any(|c| c.as_str() == code))
                .map(|plan| (plan.id, plan.name.clone()))
                .collect::<Vec<_>>()
        })
    });
    Effect::new(move || {
        let plans = plans_here.get();
        let current = plan_for_new.get_untracked();
        if !plans.iter().any(|(id, _)| id.to_string() == current) {
            plan_for_new.set(
                plans
                    .first()
                    .map(|(id, _)| id.to_string())
                    .unwrap_or_default(),
            );
        }
    });

    let search = move |fill_basket: Option<u32>| {
        let code = country.get_untracked();
        let wanted = digits.get_untracked();
        searching.set(true);
        spawn_local(async move {
            let limit = fill_basket.unwrap_or(50);
            match api::available_numbers(&code, &wanted, limit).await {
                Ok(found) => {
                    search_error.set(None);
                    if fill_basket.is_some() {
                        let plans = plans_here.get_untracked();
                        basket.set(
                            found
                                .into_iter()
                                .enumerate()
                                .map(|(index, number)| BasketItem {
                                    number,
                                    plan_id: plans
                                        .get(index % plans.len().max(1))
                                        .map_or(0, |(id, _)| *id),
                                })
                                .collect(),
                        );
                    } else {
                        results.set(found);
                    }
                }
                Err(error) => search_error.set(Some(error.to_string())),
            }
            searching.set(false);
        });
    };
    // A new country shows its Numbers at once.
    Effect::new(move || {
        country.track();
        search(None);
    });
    // `?numbers=N`: a basket of the first N available Numbers, spread over the plans sold there.
    if let Some(count) = query
        .with_untracked(|query| query.get("numbers"))
        .and_then(|raw| raw.parse::<u32>().ok())
    {
        request_animation_frame(move || search(Some(count.clamp(1, 1000))));
    }

    let in_basket = Memo::new(move |_| {
        basket.with(|items| {
            items
                .iter()
                .map(|item| item.number.id)
                .collect::<HashSet<_>>()
        })
    });
    let shown_results = move || {
        let taken = in_basket.get();
        results.with(|found| {
            found
                .iter()
                .filter(|number| !taken.contains(&number.id))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let add = move |number: AvailableNumber| {
        let Ok(plan_id) = plan_for_new.get_untracked().parse::<i64>() else {
            return;
        };
        basket.update(|items| items.push(BasketItem { number, plan_id }));
    };
    let remove = move |id: i64| basket.update(|items| items.retain(|item| item.number.id != id));
    let change_plan = move |id: i64, plan_id: i64| {
        basket.update(|items| {
            if let Some(item) = items.iter_mut().find(|item| item.number.id == id) {
                item.plan_id = plan_id;
            }
        })
    };

    // The quote, recomputed in the browser whenever the basket, the payment or the list changes.
    let quote = Memo::new(move |_| {
        let billing = billing.get();
        list.with(|view| basket.with(|items| measured(|| quote_of(view, billing, items))))
    });

    let form = move || OrderForm {
        idempotency_key: key.get_value(),
        billing: billing.get_untracked(),
        lines: lines_of(
            &list.with_untracked(|view| view.price_list.clone()),
            &basket.get_untracked(),
        )
        .into_iter()
        .map(|(plan_id, numbers)| OrderFormLine {
            plan_id,
            number_ids: numbers.iter().map(|number| number.id).collect(),
        })
        .collect(),
        accepted_gtcs_version: accepted.get_untracked().then(|| version.get_value()),
        expected_total: quote
            .with_untracked(|quote| quote.as_ref().map(|quote| quote.total).unwrap_or_default()),
        priced_on: Some(list.with_untracked(|view| view.on)),
        trial: trial.get_untracked(),
    };

    let send = Action::new_local(|form: &OrderForm| {
        let form = form.clone();
        async move { api::place_order(&form).await }
    });
    Effect::new(move || match send.value().get() {
        Some(Ok(order)) => navigate(&format!("/console/orders/{}", order.id), Default::default()),
        Some(Err(error)) => {
            errors.show_api_error(&error);
            match error.code() {
                // Numbers were taken: the search shows what is still available.
                Some(ErrorCode::NumbersTaken) => search(None),
                // The prices changed: show the quote of today's price list, basket kept.
                Some(ErrorCode::QuoteChanged) => spawn_local(async move {
                    if let Ok(fresh) = api::price_list().await {
                        list.set(fresh);
                    }
                }),
                _ => {}
            }
        }
        None => {}
    });

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let form = form();
        if let Err(problem) = quote.get_untracked() {
            errors.show_validation(&[domain::field::FieldError {
                field: "lines",
                problem: domain::field::Problem::Invalid(match problem {
                    OrderError::Empty => "Choose at least one Number.",
                    _ => "The basket cannot be ordered as it is: see the quote.",
                }),
            }]);
            return;
        }
        match validate_order_form(&form, &version.get_value()) {
            Ok(()) => {
                errors.clear();
                send.dispatch(form);
            }
            Err(found) => errors.show_validation(&found),
        }
    };

    let price_table = move || list.with(|current| view! { <PriceTable current=current.clone() /> });

    view! {
        <form class="order-form" on:submit=on_submit novalidate>
            <fieldset class="card">
                <legend>"Payment"</legend>
                <div class="billing" role="radiogroup" aria-label="Payment">
                    {Billing::ALL
                        .into_iter()
                        .map(|choice| {
                            let id = format!("billing-{choice}");
                            let label = match choice {
                                Billing::Monthly => "Monthly: a 1-month Licence, paid each month",
                                Billing::Annual => "Annual: a 12-month Licence, paid each year",
                            };
                            view! {
                                <div class="field radio">
                                    <input
                                        type="radio"
                                        name="billing"
                                        id=id.clone()
                                        prop:checked=move || billing.get() == choice
                                        on:change=move |_| billing.set(choice)
                                    />
                                    <label for=id>{label}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>

            <fieldset class="card">
                <legend>"Choose Numbers"</legend>
                <div class="search-row">
                    <div class="field">
                        <label for="order-country">"Country"</label>
                        <select id="order-country" bind:value=country>
                            {countries
                                .iter()
                                .map(|code| {
                                    let value = code.to_string();
                                    let selected = {
                                        let value = value.clone();
                                        move || country.get() == value
                                    };
                                    view! { <option value=value selected=selected>{code.name()}</option> }
                                })
                                .collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="order-digits">"Digits"</label>
                        <input id="order-digits" type="search" inputmode="numeric" bind:value=digits />
                    </div>
                    <button type="button" class="secondary" on:click=move |_| search(None) disabled=move || searching.get()>
                        "Search"
                    </button>
                    <div class="field">
                        <label for="order-plan">"Call Plan for added Numbers"</label>
                        <select id="order-plan" bind:value=plan_for_new>
                            {move || {
                                plans_here
                                    .get()
                                    .into_iter()
                                    .map(|(id, name)| {
                                        let value = id.to_string();
                                        let selected = {
                                            let value = value.clone();
                                            move || plan_for_new.get() == value
                                        };
                                        view! { <option value=value selected=selected>{name}</option> }
                                    })
                                    .collect_view()
                            }}
                        </select>
                    </div>
                </div>
                {move || search_error.get().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
                <ul class="available" aria-label="Available Numbers">
                    <For each=shown_results key=|number| number.id let:number>
                        <li>
                            <span class="e164">{number.e164.clone()}</span>
                            <button type="button" class="secondary" on:click=move |_| add(number.clone())>"Add"</button>
                        </li>
                    </For>
                </ul>
                {move || {
                    (!searching.get() && shown_results().is_empty())
                        .then(|| view! { <p class="empty">"No available Number matches this search."</p> })
                }}
            </fieldset>

            <fieldset class="card">
                <legend>
                    {move || match basket.with(Vec::len) {
                        1 => "Basket (1 Number)".to_owned(),
                        count => format!("Basket ({count} Numbers)"),
                    }}
                </legend>
                {move || basket.with(Vec::is_empty).then(|| view! { <p class="empty">"The basket is empty: add Numbers above."</p> })}
                <table class="basket" class:hidden=move || basket.with(Vec::is_empty)>
                    <thead>
                        <tr><th>"Number"</th><th>"Country"</th><th>"Call Plan"</th><th></th></tr>
                    </thead>
                    <tbody>
                        <For each=move || basket.get() key=|item| item.number.id let:item>
                            <BasketRow item list change_plan remove />
                        </For>
                    </tbody>
                </table>
            </fieldset>

            <section class="card quote" aria-live="polite">
                <h2>"Quote"</h2>
                {move || quote.with(|quote| match quote {
                    Ok(quote) => view! {
                        <QuoteTable
                            quote=quote.clone()
                            no_discount=list.with(|view| view.payment_default.sentence())
                        />
                    }.into_any(),
                    Err(OrderError::Empty) => view! { <p class="empty">"Add Numbers to see the quote."</p> }.into_any(),
                    Err(problem) => view! { <p class="alert" role="alert">{problem.to_string()}</p> }.into_any(),
                })}
                <p class="error" id="lines-error" role="alert">{move || errors.of("lines")}</p>
            </section>

            {trial_offer.map(|offer| {
                let label = trial_label(&offer);
                view! { <Checkbox name="trial" checked=trial errors>{label}</Checkbox> }
            })}
            <Checkbox name="accepted_gtcs_version" checked=accepted errors>
                "I accept the "
                <a href=gtcs.url.clone() target="_blank" rel="noopener">"General Terms and Conditions of Sale"</a>
                " (version " {gtcs.version.clone()} ")"
            </Checkbox>
            <p class="hint">"An Order is final: once placed it cannot be changed or cancelled."</p>
            <FormAlert errors />
            <button type="submit" disabled=move || send.pending().get()>
                {move || if send.pending().get() { "Placing the order…" } else { "Place the order" }}
            </button>
        </form>
        <details class="card price-list">
            <summary>"Price list"</summary>
            {price_table}
        </details>
    }
}

#[component]
fn BasketRow(
    item: BasketItem,
    list: RwSignal<PriceListView>,
    change_plan: impl Fn(i64, i64) + Copy + Send + Sync + 'static,
    remove: impl Fn(i64) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = item.number.id;
    let number_country = item.number.country;
    let plans = list.with_untracked(|view| {
        view.price_list
            .plans
            .iter()
            .filter(|plan| plan.is_sold_in(number_country))
            .map(|plan| (plan.id, plan.name.clone()))
            .collect::<Vec<_>>()
    });
    let label = format!("Call Plan for {}", item.number.e164);
    view! {
        <tr>
            <td class="e164">{item.number.e164.clone()}</td>
            <td>{number_country.name()}</td>
            <td>
                <select
                    aria-label=label
                    on:change=move |event| {
                        if let Ok(plan_id) = event_target_value(&event).parse() {
                            change_plan(id, plan_id);
                        }
                    }
                >
                    {plans
                        .into_iter()
                        .map(|(plan_id, name)| {
                            view! { <option value=plan_id.to_string() selected=plan_id == item.plan_id>{name}</option> }
                        })
                        .collect_view()}
                </select>
            </td>
            <td>
                <button type="button" class="secondary" on:click=move |_| remove(id)>"Remove"</button>
            </td>
        </tr>
    }
}

#[component]
fn QuoteTable(
    quote: OrderQuote,
    /// LATE-3: why no discount applies, when a payment default withholds them.
    no_discount: Option<String>,
) -> impl IntoView {
    let per = quote.billing.period_noun();
    view! {
        <table class="quote-lines">
            <thead>
                <tr>
                    <th>"Call Plan"</th>
                    <th>"Numbers"</th>
                    <th>"Tier"</th>
                    <th>{format!("Unit price per {per}")}</th>
                    <th>"Amount"</th>
                    <th>"Discount"</th>
                    <th>"Net"</th>
                </tr>
            </thead>
            <tbody>
                {quote
                    .lines
                    .iter()
                    .map(|line| {
                        let discount = if line.discount_amount.is_negative() || line.discount_amount == domain::Money::ZERO {
                            "—".to_owned()
                        } else {
                            format!(
                                "{} {} % (−{})",
                                line.discount_label.clone().unwrap_or_default(),
                                line.discount,
                                eur(line.discount_amount),
                            )
                        };
                        view! {
                            <tr>
                                <td>{line.plan_name.clone()}</td>
                                <td>{line.quantity}</td>
                                <td>{format!("{}+", line.tier_min_quantity)}</td>
                                <td>{eur(line.unit_price)}</td>
                                <td>{eur(line.gross)}</td>
                                <td>{discount}</td>
                                <td>{eur(line.net)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <dl class="facts totals">
            <dt>"Subtotal (excluding VAT)"</dt>
            <dd class="quote-subtotal">{eur(quote.subtotal)}</dd>
            <dt>{format!("VAT {} %", quote.vat_rate)}</dt>
            <dd class="quote-vat">{eur(quote.vat)} <span class="hint">{quote.vat_reason.clone()}</span></dd>
            <dt>"Total"</dt>
            <dd class="quote-total">{eur(quote.total)}</dd>
        </dl>
        {no_discount.map(|sentence| view! { <p class="alert payment-default" role="note">{sentence}</p> })}
        <p class="hint">
            {format!(
                "Prices of the price list in force on {}, excluding VAT, paid in advance each {per}.",
                domain::order::long_date(quote.on),
            )}
        </p>
    }
}

/// The Call Plans: what each includes, where it is sold, and its prices by tier.
#[component]
fn PriceTable(current: PriceListView) -> impl IntoView {
    let list = current.price_list.clone();
    let on = current.on;
    let includes = |count: Option<u32>, unit: &str| match count {
        Some(count) => format!("{count} {unit}"),
        None => format!("unlimited {unit}"),
    };
    let rows = list
        .plans
        .iter()
        .map(|plan| {
            let prices = Billing::ALL
                .into_iter()
                .map(|billing| {
                    let mut tiers: Vec<_> = list
                        .prices
                        .iter()
                        .filter(|price| price.plan_id == plan.id && price.billing == billing)
                        .collect();
                    tiers.sort_by_key(|price| price.min_quantity);
                    tiers
                        .iter()
                        .map(|price| format!("{}+: {}", price.min_quantity, eur(price.unit_price)))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .collect::<Vec<_>>();
            let countries = plan
                .countries
                .iter()
                .map(|country| country.name())
                .collect::<Vec<_>>()
                .join(", ");
            view! {
                <tr>
                    <td>{plan.name.clone()}</td>
                    <td>
                        {format!(
                            "{}, {}; international calls {}",
                            includes(plan.included_minutes, "minutes"),
                            includes(plan.included_sms, "SMS"),
                            if plan.international_with_credits { "with Credits" } else { "not included" },
                        )}
                    </td>
                    <td>{countries}</td>
                    <td>{prices[0].clone()}</td>
                    <td>{prices[1].clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let discounts = list
        .discounts
        .iter()
        .map(|discount| {
            format!(
                "{}: {} % off every line paid {}.",
                discount.label, discount.discount, discount.billing
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    // LATE-3: the server sends no discount while they are cancelled; say why.
    let discounts = current.payment_default.sentence().unwrap_or(discounts);
    view! {
        <table>
            <thead>
                <tr>
                    <th>"Call Plan"</th>
                    <th>"Includes"</th>
                    <th>"Sold in"</th>
                    <th>"Per month (monthly payment)"</th>
                    <th>"Per year (annual payment)"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <p class="hint">
            {format!("Prices excluding VAT, per Number, in force on {}. {discounts}", domain::order::long_date(on))}
        </p>
    }
}
