//! `/backoffice/catalogue`: the catalogue as data (issue 14, point 3). Any operator reads the
//! price list and its versions, the consumer price index series and the indexation it gives, the
//! Credits rates, the late-payment rates and the pool of Numbers; each role's forms are offered
//! to it alone (administrators: general reductions, Credits rates, ranges of Numbers; billing:
//! the index and the late-payment rates). Every form checks the same `domain` rule as the server
//! before sending; the server checks again.

use std::collections::HashMap;

use domain::catalogue::number_range;
use domain::country::CountryCode;
use domain::credits::validate_rate;
use domain::indexation::{IndexForm, validate_index_entry};
use domain::late::validate_rate_form;
use domain::money::Money;
use domain::order::long_date as long;
use domain::price_change::{PriceIndex, TierPrice, reduced_prices, validate_price_change};
use leptos::prelude::*;
use protocol::backoffice::{BackOfficeAction, OperatorMe};
use protocol::catalogue_admin::{
    CreditsRateForm, PlanInForce, PriceListVersions, RangeForm, ReductionForm, VersionPrice,
};
use protocol::late_rates::RateForm;
use protocol::price_changes::{NewPrice, NoticeKind, PriceChangeForm};
use protocol::{ErrorBody, ErrorCode, ErrorDetail};

use super::reload_after;
use crate::api;
use crate::components::{FormAlert, FormErrors, Loading, TextField};

/// A refusal found in the browser, shown as the server's would be (next to its field).
fn refused_here(code: ErrorCode, message: String, field: &str) -> api::ApiError {
    api::ApiError::Refused {
        status: 422,
        body: ErrorBody {
            error: ErrorDetail {
                code,
                message,
                field: Some(field.to_owned()),
            },
        },
    }
}

fn label(text: &str) -> Signal<String> {
    Signal::stored(text.to_owned())
}

fn tier_name(price: &VersionPrice) -> String {
    format!("{} from {}", price.billing, price.min_quantity)
}

#[component]
pub fn CataloguePage(me: OperatorMe) -> impl IntoView {
    let may = move |action| me.role.may(action);
    view! {
        <main>
            <p><a href="/backoffice">"Back office"</a></p>
            <h1>"Catalogue"</h1>
            <PriceListSection
                may_reduce=may(BackOfficeAction::ReducePrices)
                may_notify=may(BackOfficeAction::ChangePrices)
            />
            <PriceIndexSection may_enter=may(BackOfficeAction::EnterPriceIndex) />
            <CreditsRatesSection may_set=may(BackOfficeAction::SetCreditsRates) />
            <LateRatesSection may_set=may(BackOfficeAction::SetLatePaymentRate) />
            <PoolSection may_add=may(BackOfficeAction::AddNumbers) />
        </main>
    }
}

/// PRICE-2, PRICE-3: each plan's prices for a new Order today, the versions of the list, and a
/// general reduction (administrators).
#[component]
fn PriceListSection(may_reduce: bool, may_notify: bool) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let versions = LocalResource::new(move || {
        reload.track();
        api::price_list_versions()
    });
    view! {
        <section class="catalogue-prices">
            <h2>"Price list"</h2>
            <Loading>
                {move || versions.get().map(|answer| answer.map(|list: PriceListVersions| view! {
                    <p>{format!("Prices for a new Order today, {}, excluding VAT.", long(list.today))}</p>
                    <table class="prices-in-force">
                        <thead><tr><th>"Call Plan"</th><th>"Payment and tier"</th><th>"Price"</th></tr></thead>
                        <tbody>
                            {list.plans.iter().flat_map(|plan| plan.prices.iter().map(|price| view! {
                                <tr>
                                    <td>{plan.name.clone()}</td>
                                    <td>{format!("{} Number(s)", tier_name(price))}</td>
                                    <td>{format!("EUR {}", price.unit_price)}</td>
                                </tr>
                            }).collect::<Vec<_>>()).collect_view()}
                        </tbody>
                    </table>
                    <h3>"Versions"</h3>
                    <table class="versions">
                        <thead><tr><th>"Call Plan"</th><th>"From"</th><th>"Kind"</th><th>"Prices"</th></tr></thead>
                        <tbody>
                            {list.versions.into_iter().map(|version| view! {
                                <tr>
                                    <td>{version.plan_code}</td>
                                    <td>{long(version.effective_on)}</td>
                                    <td>{version.kind.label()}</td>
                                    <td>{version.prices.iter().map(|price| format!("{}: EUR {}", tier_name(price), price.unit_price)).collect::<Vec<_>>().join("; ")}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }))}
            </Loading>
            {may_reduce.then(|| view! { <ReductionForm versions reload /> })}
            {may_notify.then(|| view! { <PriceChangeNotice versions reload /> })}
        </section>
    }
}

/// PRICE-3: a general reduction of one plan, at once, for new Orders; the subscribed Call Plans
/// keep their prices. An increase goes through a price-change notice instead.
#[component]
fn ReductionForm(
    versions: LocalResource<Result<PriceListVersions, api::ApiError>>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    // The plans as last loaded (the form stays while the list reloads after a reduction).
    let plans = move || -> Vec<PlanInForce> {
        versions
            .get()
            .and_then(Result::ok)
            .map(|list| list.plans)
            .unwrap_or_default()
    };
    let plan = RwSignal::new("ESSENTIAL".to_owned());
    // The typed new price of each tier, by "plan/billing/min".
    let typed: RwSignal<HashMap<String, String>> = RwSignal::new(HashMap::new());
    let plan_code_now = move || plan.get_untracked();
    let key = |plan: &str, price: &VersionPrice| {
        format!("{plan}/{}/{}", price.billing, price.min_quantity)
    };
    let errors = FormErrors::new();
    let send = Action::new_local(|form: &ReductionForm| {
        let form = form.clone();
        async move { api::reduce_prices(&form).await }
    });
    reload_after(send, errors, reload);
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let code = plan.get();
        let Some(current) = versions
            .get_untracked()
            .and_then(Result::ok)
            .and_then(|list| list.plans.into_iter().find(|p| p.code == code))
        else {
            return;
        };
        let mut prices = Vec::new();
        for price in &current.prices {
            let raw =
                typed.with(|typed| typed.get(&key(&code, price)).cloned().unwrap_or_default());
            let raw = raw.trim().replace(',', ".");
            if raw.is_empty() {
                continue;
            }
            let Ok(unit_price) = raw.parse::<Money>() else {
                errors.show_api_error(&refused_here(
                    ErrorCode::PriceReductionInvalid,
                    format!("“{raw}” is not an amount in euros (e.g. 17.50)."),
                    "prices",
                ));
                return;
            };
            prices.push(NewPrice {
                billing: price.billing,
                min_quantity: price.min_quantity,
                unit_price,
            });
        }
        let given: Vec<TierPrice> = prices
            .iter()
            .map(|price| TierPrice {
                billing: price.billing,
                min_quantity: price.min_quantity,
                unit_price: price.unit_price,
            })
            .collect();
        let now: Vec<TierPrice> = current
            .prices
            .iter()
            .map(|price| TierPrice {
                billing: price.billing,
                min_quantity: price.min_quantity,
                unit_price: price.unit_price,
            })
            .collect();
        if let Err(problem) = reduced_prices(&given, &now) {
            let code = if problem.needs_notice() {
                ErrorCode::IncreaseNeedsNotice
            } else {
                ErrorCode::PriceReductionInvalid
            };
            errors.show_api_error(&refused_here(code, problem.to_string(), "prices"));
            return;
        }
        send.dispatch(ReductionForm {
            plan_code: code,
            prices,
        });
    };
    view! {
        <form class="card reduction" on:submit=on_submit novalidate>
            <h3>"General reduction (GTCS 5.1)"</h3>
            <p>"Applies at once, to new Orders only: the Call Plans already subscribed keep their prices. An increase needs a price-change notice, at least one month before."</p>
            <div class="field">
                <label for="reduction-plan">"Call Plan to reduce"</label>
                <select id="reduction-plan" bind:value=plan>
                    {move || plans().into_iter().map(|plan| view! {
                        <option value=plan.code.clone() selected=plan.code == plan_code_now()>{plan.name}</option>
                    }).collect_view()}
                </select>
            </div>
            {move || {
                let code = plan.get();
                plans().into_iter().find(|p| p.code == code).map(|current| {
                    current.prices.iter().map(|price| {
                        let id = format!("reduce-{}-{}", price.billing, price.min_quantity);
                        let key = key(&code, price);
                        let key_for_input = key.clone();
                        view! {
                            <div class="field">
                                <label for=id.clone()>{format!("New price, {} Number(s) (now EUR {})", tier_name(price), price.unit_price)}</label>
                                <input id=id type="text" inputmode="decimal"
                                    prop:value=move || typed.with(|typed| typed.get(&key).cloned().unwrap_or_default())
                                    on:input=move |event| {
                                        let value = event_target_value(&event);
                                        typed.update(|typed| { typed.insert(key_for_input.clone(), value); });
                                    } />
                            </div>
                        }
                    }).collect_view()
                })
            }}
            <p class="field-error" id="prices-error" role="alert">{move || errors.of("prices").or_else(|| errors.of("plan_code"))}</p>
            <FormAlert errors />
            <button type="submit" disabled=move || send.pending().get()>"Apply the reduction today"</button>
            {move || matches!(send.value().get(), Some(Ok(_))).then(|| view! {
                <p class="success" role="status">"The reduction applies from today to new Orders."</p>
            })}
        </form>
    }
}

/// PRICE-4, PRICE-5: a price-change notice (administrators): an increase not linked to the index,
/// with the new price of each tier, or the yearly indexation, with the index pair. The earliest
/// day it may apply (`price_change.validate`: one month's notice, and for an indexation 12 months
/// after the previous one, which the server knows) is shown before sending.
#[component]
fn PriceChangeNotice(
    versions: LocalResource<Result<PriceListVersions, api::ApiError>>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let plans = move || -> Vec<PlanInForce> {
        versions
            .get()
            .and_then(Result::ok)
            .map(|list| list.plans)
            .unwrap_or_default()
    };
    let today = move || versions.get().and_then(Result::ok).map(|list| list.today);
    let plan = RwSignal::new("ESSENTIAL".to_owned());
    let kind = RwSignal::new(NoticeKind::NonIndexed.as_str().to_owned());
    let effective = RwSignal::new(String::new());
    let (index_base, index_new) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let typed: RwSignal<HashMap<String, String>> = RwSignal::new(HashMap::new());
    let key = |plan: &str, price: &VersionPrice| {
        format!("{plan}/{}/{}", price.billing, price.min_quantity)
    };
    let errors = FormErrors::new();
    let send = Action::new_local(|form: &PriceChangeForm| {
        let form = form.clone();
        async move { api::announce_price_change(&form).await }
    });
    reload_after(send, errors, reload);
    let chosen_kind = move || NoticeKind::parse(&kind.get()).unwrap_or(NoticeKind::NonIndexed);
    let day = move || effective.get().parse::<chrono::NaiveDate>().ok();
    // Without the previous indexation, which the server adds: one month's notice at least.
    let check =
        move || validate_price_change(chosen_kind().with_previous(None), today()?, day()?).ok();

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let code = plan.get();
        let Some(effective_on) = day() else {
            errors.show_api_error(&refused_here(
                ErrorCode::Invalid,
                "Give the day the new prices apply.".to_owned(),
                "effective_on",
            ));
            return;
        };
        let kind = chosen_kind();
        let mut form = PriceChangeForm {
            plan_code: code.clone(),
            kind,
            effective_on,
            prices: Vec::new(),
            index_base: None,
            index_new: None,
        };
        match kind {
            NoticeKind::Indexed => {
                form.index_base = PriceIndex::parse(&index_base.get());
                form.index_new = PriceIndex::parse(&index_new.get());
            }
            NoticeKind::NonIndexed => {
                let current = plans().into_iter().find(|p| p.code == code);
                for price in current.iter().flat_map(|plan| plan.prices.iter()) {
                    let raw = typed
                        .with(|typed| typed.get(&key(&code, price)).cloned().unwrap_or_default());
                    let raw = raw.trim().replace(',', ".");
                    if raw.is_empty() {
                        continue;
                    }
                    let Ok(unit_price) = raw.parse::<Money>() else {
                        errors.show_api_error(&refused_here(
                            ErrorCode::PriceChangeInvalid,
                            format!("“{raw}” is not an amount in euros (e.g. 21.90)."),
                            "prices",
                        ));
                        return;
                    };
                    form.prices.push(NewPrice {
                        billing: price.billing,
                        min_quantity: price.min_quantity,
                        unit_price,
                    });
                }
            }
        }
        send.dispatch(form);
    };
    view! {
        <form class="card price-change" on:submit=on_submit novalidate>
            <h3>"Price-change notice (GTCS 5.1)"</h3>
            <p>"An increase applies to current Licences once the Companies concerned have been told at least one month before; an increase not linked to the index lets them terminate."</p>
            <div class="field">
                <label for="notice-plan">"Call Plan to change"</label>
                <select id="notice-plan" bind:value=plan>
                    {move || plans().into_iter().map(|plan| view! {
                        <option value=plan.code.clone()>{plan.name}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="notice-kind">"Kind"</label>
                <select id="notice-kind" bind:value=kind>
                    <option value=NoticeKind::NonIndexed.as_str()>"Increase not linked to the index (PRICE-5)"</option>
                    <option value=NoticeKind::Indexed.as_str()>"Yearly indexation on the price index (PRICE-4)"</option>
                </select>
            </div>
            <div class="field">
                <label for="notice-effective">"New prices apply from"</label>
                <input id="notice-effective" type="date" name="effective_on" bind:value=effective />
                <p class="error" role="alert">{move || errors.of("effective_on")}</p>
            </div>
            {move || match chosen_kind() {
                NoticeKind::Indexed => view! {
                    <TextField label=label("Index of the base month") name="index_base" value=index_base errors />
                    <TextField label=label("Index of the new month") name="index_new" value=index_new errors />
                }.into_any(),
                NoticeKind::NonIndexed => {
                    let code = plan.get();
                    plans().into_iter().find(|p| p.code == code).map(|current| {
                        current.prices.iter().map(|price| {
                            let id = format!("increase-{}-{}", price.billing, price.min_quantity);
                            let key = key(&code, price);
                            let key_for_input = key.clone();
                            view! {
                                <div class="field">
                                    <label for=id.clone()>{format!("Increased price, {} Number(s) (now EUR {})", tier_name(price), price.unit_price)}</label>
                                    <input id=id type="text" inputmode="decimal"
                                        prop:value=move || typed.with(|typed| typed.get(&key).cloned().unwrap_or_default())
                                        on:input=move |event| {
                                            let value = event_target_value(&event);
                                            typed.update(|typed| { typed.insert(key_for_input.clone(), value); });
                                        } />
                                </div>
                            }
                        }).collect_view()
                    }).into_any()
                }
            }}
            <p class="error" role="alert">{move || errors.of("prices")}</p>
            <p class="hint" role="status">{move || match check() {
                Some(check) if check.valid => format!(
                    "Possible: the Companies are told today{}.",
                    check
                        .termination_notice_last_day
                        .map(|last| format!(", and may terminate by a notice received by {}", long(last)))
                        .unwrap_or_default()
                ),
                Some(check) => format!(
                    "Too soon: told today, new prices may apply from {} at the earliest.",
                    long(check.min_effective)
                ),
                None => String::new(),
            }}</p>
            <FormAlert errors />
            <button type="submit" disabled=move || send.pending().get() || !check().is_some_and(|check| check.valid)>
                "Send the notice"
            </button>
            {move || send.value().get().and_then(Result::ok).map(|notice| view! {
                <p class="success" role="status">{format!(
                    "Notice sent: {} from {}, {} Licence(s) concerned.",
                    notice.plan_name,
                    long(notice.effective_on),
                    notice.licence_ids.len()
                )}</p>
            })}
        </form>
    }
}

/// PRICE-4: the consumer price index, month by month, and what an indexation would give.
#[component]
fn PriceIndexSection(may_enter: bool) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let (base, new) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let asked = RwSignal::new((String::new(), String::new()));
    let series = LocalResource::new(move || {
        reload.track();
        let (base, new) = asked.get();
        async move { api::price_index(&base, &new).await }
    });
    let (month, value) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let errors = FormErrors::new();
    let send = Action::new_local(|form: &IndexForm| {
        let form = form.clone();
        async move { api::enter_price_index(&form).await }
    });
    reload_after(send, errors, reload);
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let form = IndexForm {
            month: month.get(),
            value: value.get(),
        };
        if let Some(Ok(loaded)) = series.get_untracked() {
            let bounds = loaded
                .series
                .first()
                .zip(loaded.series.last())
                .map(|(first, last)| (first.month, last.month));
            if let Err(problem) = validate_index_entry(&form, bounds, loaded.today) {
                let code = if problem.is_conflict() {
                    ErrorCode::PriceIndexSeriesConflict
                } else {
                    ErrorCode::PriceIndexInvalid
                };
                errors.show_api_error(&refused_here(code, problem.to_string(), problem.field()));
                return;
            }
        }
        send.dispatch(form);
    };
    view! {
        <section class="price-index">
            <h2>"Consumer price index (INSEE, all households)"</h2>
            <Loading>
                {move || series.get().map(|answer| answer.map(|loaded| view! {
                    {match loaded.next_month {
                        Some(next) => format!("Next month to enter: {next}."),
                        None => "The series is up to date.".to_owned(),
                    }}
                    <table class="index-series">
                        <thead><tr><th>"Month"</th><th>"Index"</th></tr></thead>
                        <tbody>
                            {loaded.series.iter().rev().map(|entry| view! {
                                <tr><td>{entry.month.to_string()}</td><td>{entry.value.to_string()}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <h3>"Indexation (GTCS 5.1)"</h3>
                    {match loaded.indexation {
                        None => view! { <p class="empty">"Enter the two months' indices to see what an indexation gives."</p> }.into_any(),
                        Some(preview) => view! {
                            <p>{format!("From {} ({}) to {} ({}): each price × {} / {}, never down.", preview.base_month, preview.index_base, preview.new_month, preview.index_new, preview.index_new, preview.index_base)}</p>
                            {preview.unchanged.map(|why| view! { <p class="empty">{why}</p> })}
                            <table class="indexation">
                                <thead><tr><th>"Call Plan"</th><th>"Payment and tier"</th><th>"Now"</th><th>"Indexed"</th></tr></thead>
                                <tbody>
                                    {preview.plans.into_iter().flat_map(|plan| plan.prices.into_iter().map(move |line| view! {
                                        <tr>
                                            <td>{plan.plan_code.clone()}</td>
                                            <td>{format!("{} from {}", line.billing, line.min_quantity)}</td>
                                            <td>{format!("EUR {}", line.old_unit_price)}</td>
                                            <td>{format!("EUR {}", line.unit_price)}</td>
                                        </tr>
                                    })).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }}
                }))}
            </Loading>
            <form class="inline" on:submit=move |event: leptos::ev::SubmitEvent| {
                event.prevent_default();
                asked.set((base.get(), new.get()));
            }>
                <label for="index-base">"From month"</label>
                <input id="index-base" type="text" placeholder="YYYY-MM" bind:value=base />
                <label for="index-new">"To month"</label>
                <input id="index-new" type="text" placeholder="YYYY-MM" bind:value=new />
                <button type="submit" class="secondary">"Compute the indexation"</button>
            </form>
            {may_enter.then(|| view! {
                <form class="card" on:submit=on_submit novalidate>
                    <TextField label=label("Month of the index") name="month" value=month errors hint="YYYY-MM, once the month is over." />
                    <TextField label=label("Index value") name="value" value=value errors hint="As INSEE publishes it, e.g. 119.27." />
                    <FormAlert errors />
                    <button type="submit" disabled=move || send.pending().get()>"Enter the index"</button>
                </form>
            })}
        </section>
    }
}

/// PRICE-6: the Credits rates; a new one applies to current Licences at once, up or down.
#[component]
fn CreditsRatesSection(may_set: bool) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let rates = LocalResource::new(move || {
        reload.track();
        api::credits_rates()
    });
    let kind = RwSignal::new("call".to_owned());
    let class = RwSignal::new("international".to_owned());
    let (prefix, price) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let errors = FormErrors::new();
    let send = Action::new_local(|form: &CreditsRateForm| {
        let form = form.clone();
        async move { api::publish_credits_rate(&form).await }
    });
    reload_after(send, errors, reload);
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let form = CreditsRateForm {
            kind: kind.get(),
            class: class.get(),
            prefix: prefix.get(),
            price: price.get(),
        };
        if let Err(problems) = validate_rate(&form) {
            errors.show_validation(&problems);
            return;
        }
        send.dispatch(form);
    };
    view! {
        <section class="credits-rates">
            <h2>"Credits rates"</h2>
            <p>"A new rate applies from today to current Licences (GTCS 5.1), whether it goes up or down; a call keeps the rate it started at."</p>
            <Loading>
                {move || rates.get().map(|answer| answer.map(|loaded| view! {
                    <table class="rates">
                        <thead><tr><th>"For"</th><th>"Destinations"</th><th>"Price"</th><th>"From"</th><th>""</th></tr></thead>
                        <tbody>
                            {loaded.rates.into_iter().map(|rate| view! {
                                <tr class:old=!rate.in_force>
                                    <td>{if rate.kind == "call" { "Calls, per started minute" } else { "SMS, per part" }}</td>
                                    <td>{format!("{} {}", rate.class, if rate.prefix.is_empty() { "(all)".to_owned() } else { rate.prefix.clone() })}</td>
                                    <td>{format!("EUR {}", rate.price)}</td>
                                    <td>{long(rate.valid_from)}</td>
                                    <td>{if rate.in_force { "in force" } else { "" }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }))}
            </Loading>
            {may_set.then(|| view! {
                <form class="card" on:submit=on_submit novalidate>
                    <div class="field">
                        <label for="kind">"Rate for"</label>
                        <select id="kind" bind:value=kind>
                            <option value="call">"Calls, per started minute"</option>
                            <option value="sms">"SMS, per part"</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="class">"Destinations"</label>
                        <select id="class" bind:value=class>
                            <option value="international">"International"</option>
                            <option value="special">"Special numbers"</option>
                        </select>
                    </div>
                    <TextField label=label("Destination prefix") name="prefix" value=prefix errors hint="E.g. +44; empty for every destination of the class." />
                    <TextField label=label("Rate (EUR)") name="price" value=price errors />
                    <FormAlert errors />
                    <button type="submit" disabled=move || send.pending().get()>"Publish the rate from today"</button>
                </form>
            })}
        </section>
    }
}

/// LATE-1: the late-payment rates of each semester (billing).
#[component]
fn LateRatesSection(may_set: bool) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let rates = LocalResource::new(move || {
        reload.track();
        api::late_payment_rates()
    });
    let (semester, ecb_rate, legal_rate) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let errors = FormErrors::new();
    let send = Action::new_local(|form: &RateForm| {
        let form = form.clone();
        async move { api::record_late_payment_rates(&form).await }
    });
    reload_after(send, errors, reload);
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let form = RateForm {
            semester: semester.get(),
            ecb_rate: ecb_rate.get(),
            legal_rate: legal_rate.get(),
        };
        if let Err(problems) = validate_rate_form(&form) {
            errors.show_validation(&problems);
            return;
        }
        send.dispatch(form);
    };
    view! {
        <section class="late-rates">
            <h2>"Late-payment rates"</h2>
            <Loading>
                {move || rates.get().map(|answer| answer.map(|loaded| view! {
                    <table class="semesters">
                        <thead><tr><th>"Semester"</th><th>"ECB rate"</th><th>"Legal rate"</th><th>"Penalty rate"</th></tr></thead>
                        <tbody>
                            {loaded.into_iter().rev().map(|rate| view! {
                                <tr>
                                    <td>{rate.semester}</td>
                                    <td>{format!("{} %", rate.ecb_rate)}</td>
                                    <td>{format!("{} %", rate.legal_rate)}</td>
                                    <td>{format!("{} %", rate.annual_rate)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }))}
            </Loading>
            {may_set.then(|| view! {
                <form class="card" on:submit=on_submit novalidate>
                    <TextField label=label("Semester") name="semester" value=semester errors hint="E.g. 2026-S2." />
                    <TextField label=label("ECB main refinancing rate (%)") name="ecb_rate" value=ecb_rate errors hint="In force on 1 January or 1 July." />
                    <TextField label=label("Legal interest rate (%)") name="legal_rate" value=legal_rate errors />
                    <FormAlert errors />
                    <button type="submit" disabled=move || send.pending().get()>"Record the semester"</button>
                </form>
            })}
        </section>
    }
}

/// NUM-1: the pool of Numbers per country, a range added (administrators), the free Numbers.
#[component]
fn PoolSection(may_add: bool) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let (search_country, contains) = (RwSignal::new("FR".to_owned()), RwSignal::new(String::new()));
    let asked = RwSignal::new((String::new(), String::new()));
    let pool = LocalResource::new(move || {
        reload.track();
        let (country, contains) = asked.get();
        async move { api::pool(&country, &contains).await }
    });
    let country = RwSignal::new("FR".to_owned());
    let (first, last) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let errors = FormErrors::new();
    let send = Action::new_local(|form: &RangeForm| {
        let form = form.clone();
        async move { api::add_numbers(&form).await }
    });
    reload_after(send, errors, reload);
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let form = RangeForm {
            country: country.get(),
            first: first.get(),
            last: last.get(),
        };
        let Ok(code) = form.country.parse::<CountryCode>() else {
            return;
        };
        if let Err(problem) = number_range(code, &form.first, &form.last) {
            errors.show_api_error(&refused_here(
                ErrorCode::NumberRangeInvalid,
                problem.to_string(),
                problem.field(),
            ));
            return;
        }
        send.dispatch(form);
    };
    let countries = ["FR", "BE", "ES", "DE", "IT", "GB"];
    view! {
        <section class="pool">
            <h2>"Numbers pool"</h2>
            <Loading>
                {move || pool.get().map(|answer| answer.map(|loaded| view! {
                    <table class="pool-counts">
                        <thead><tr><th>"Country"</th><th>"Free"</th><th>"Held by a Company"</th></tr></thead>
                        <tbody>
                            {loaded.countries.into_iter().map(|country| view! {
                                <tr>
                                    <td>{country.country.as_str().to_owned()}</td>
                                    <td class="free">{country.free}</td>
                                    <td>{country.assigned}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    {(!loaded.free_numbers.is_empty()).then(|| view! {
                        <ul class="free-numbers">
                            {loaded.free_numbers.into_iter().map(|number| view! { <li>{number}</li> }).collect_view()}
                        </ul>
                    })}
                }))}
            </Loading>
            <form class="inline" on:submit=move |event: leptos::ev::SubmitEvent| {
                event.prevent_default();
                asked.set((search_country.get(), contains.get()));
            }>
                <label for="free-country">"Free Numbers of"</label>
                <select id="free-country" bind:value=search_country>
                    {countries.map(|code| view! { <option value=code>{code}</option> }).collect_view()}
                </select>
                <label for="free-contains">"Containing"</label>
                <input id="free-contains" type="search" inputmode="numeric" bind:value=contains />
                <button type="submit" class="secondary">"Show free Numbers"</button>
            </form>
            {may_add.then(|| view! {
                <form class="card" on:submit=on_submit novalidate>
                    <h3>"Add a range"</h3>
                    <div class="field">
                        <label for="country">"Country of the range"</label>
                        <select id="country" bind:value=country>
                            {countries.map(|code| view! { <option value=code>{code}</option> }).collect_view()}
                        </select>
                        <p class="field-error" id="country-error" role="alert">{move || errors.of("country")}</p>
                    </div>
                    <TextField label=label("First Number") name="first" value=first errors hint="E.164, e.g. +33612000000." />
                    <TextField label=label("Last Number") name="last" value=last errors hint="Empty: the first alone. At most 10,000 Numbers at once." />
                    <FormAlert errors />
                    <button type="submit" disabled=move || send.pending().get()>"Add to the pool"</button>
                    {move || match send.value().get() {
                        Some(Ok(added)) => Some(view! {
                            <p class="success" role="status">{format!(
                                "{} Numbers added to the {} pool; {} already there, skipped.",
                                added.added, added.country.as_str(), added.skipped
                            )}</p>
                        }),
                        _ => None,
                    }}
                </form>
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::catalogue::Billing;

    #[test]
    fn tiers_are_named_as_the_domain_names_them() {
        let price = VersionPrice {
            billing: Billing::Monthly,
            min_quantity: 10,
            unit_price: Money::from_cents(1790),
        };
        assert_eq!(tier_name(&price), "monthly from 10");
    }
}
