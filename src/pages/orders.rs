//! `/console/orders` and `/console/orders/:id`: the Company's Orders, each final (ACCEPT-2):
//! no page offers to change or cancel one.

use crate::components::eur;

use leptos::prelude::*;
use leptos_router::components::A;
use protocol::orders::{OrderSummary, OrderView};

use crate::api;
use crate::params::use_id;

/// "2026-12-31T13:59:59.058254Z" → "2026-12-31 13:59 UTC".
fn when(stamp: &str) -> String {
    match (stamp.get(..10), stamp.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => stamp.to_owned(),
    }
}

#[component]
pub fn OrdersPage() -> impl IntoView {
    let orders = LocalResource::new(api::orders);
    view! {
        <section class="orders">
            <h1>"Orders"</h1>
            <p><A href="/console/order">"Order Numbers"</A></p>
            {move || match orders.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(error)) => view! { <p class="alert" role="alert">{error.to_string()}</p> }.into_any(),
                Some(Ok(orders)) if orders.is_empty() => {
                    view! { <p class="empty">"No Order yet."</p> }.into_any()
                }
                Some(Ok(orders)) => view! { <OrderList orders /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn OrderList(orders: Vec<OrderSummary>) -> impl IntoView {
    view! {
        <table class="order-list">
            <thead>
                <tr><th>"Order"</th><th>"Placed"</th><th>"Payment"</th><th>"Numbers"</th><th>"Total"</th></tr>
            </thead>
            <tbody>
                {orders
                    .into_iter()
                    .map(|order| {
                        let href = format!("/console/orders/{}", order.id);
                        view! {
                            <tr>
                                <td><A href=href>{format!("Order {}", order.id)}</A></td>
                                <td>{when(&order.placed_at)}</td>
                                <td>{order.billing.to_string()}</td>
                                <td>{order.numbers}</td>
                                <td>{eur(order.total)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn OrderDetailPage() -> impl IntoView {
    let id = use_id();
    let order = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::order(id).await,
                None => Err(api::ApiError::Unexpected(404)),
            }
        }
    });
    view! {
        <section class="order-detail">
            {move || match order.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(error)) => {
                    view! {
                        <h1>"Order"</h1>
                        <p class="alert" role="alert">{error.to_string()}</p>
                    }
                        .into_any()
                }
                Some(Ok(order)) => view! { <OrderDetail order /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn OrderDetail(order: OrderView) -> impl IntoView {
    let per = order.billing.period_noun();
    view! {
        <h1>{format!("Order {}", order.id)}</h1>
        <p class="notice final">
            "This Order is placed and final: it cannot be changed or cancelled. "
            "To add Numbers, place a new Order; to stop, give notice on the Licence."
        </p>
        <dl class="facts">
            <dt>"Placed"</dt>
            <dd>{format!("{} by {}", when(&order.placed_at), order.placed_by)}</dd>
            <dt>"Payment"</dt>
            <dd>{format!("{}, in advance", order.billing)}</dd>
            <dt>"Licence"</dt>
            <dd>
                {format!(
                    "Licence {}: {}-month term from {}",
                    order.licence.id,
                    order.licence.term_months,
                    domain::order::long_date(order.licence.anchor),
                )}
            </dd>
            <dt>"Terms accepted"</dt>
            <dd>{format!("General Terms and Conditions of Sale, version {}", order.gtcs_version)}</dd>
        </dl>
        <table class="quote-lines">
            <thead>
                <tr>
                    <th>"Line"</th>
                    <th>{format!("Unit price per {per}")}</th>
                    <th>"Discount"</th>
                    <th>"Net"</th>
                    <th>"Numbers"</th>
                </tr>
            </thead>
            <tbody>
                {order
                    .lines
                    .iter()
                    .map(|line| {
                        view! {
                            <tr>
                                <td>{line.description.clone()}</td>
                                <td>{eur(line.unit_price)}</td>
                                <td>{format!("{} %", line.discount_pct)}</td>
                                <td>{eur(line.net)}</td>
                                <td class="e164">{line.numbers.join(", ")}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <dl class="facts totals">
            <dt>"Subtotal (excluding VAT)"</dt>
            <dd>{eur(order.subtotal)}</dd>
            <dt>{format!("VAT {} %", order.vat_rate)}</dt>
            <dd>{eur(order.vat)}</dd>
            <dt>"Total"</dt>
            <dd class="quote-total">{eur(order.total)}</dd>
        </dl>
        <p>
            <A href="/console/orders">"All Orders"</A>
            " · "
            <A href="/console/licences">"Licences"</A>
        </p>
    }
}
