//! `/console/company`: the Company Account (ACCESS-4): its details, its payment methods (PAY-2)
//! and its opt-out of promotional use (PROMO-1). Every form is checked by `domain` as the
//! Manager types and again by the server.

use chrono::Datelike;
use domain::company::RegistrationNumber;
use domain::company_account::{optional_vat_number, validate_company};
use domain::country::CountryCode;
use domain::payment::validate_payment_method;
use domain::vat::vat_rate_for;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::Me;
use protocol::company::{
    CompanyAccount, CompanyForm, PaymentKind, PaymentMethodForm, PaymentMethodView, ViesStatus,
};

use crate::api;
use crate::components::{FormAlert, FormErrors, TextField};
use crate::session::{Session, use_session};

#[component]
pub fn CompanyPage() -> impl IntoView {
    let session = use_session();
    let account = RwSignal::new(None::<CompanyAccount>);
    let failure = RwSignal::new(None::<String>);
    spawn_local(async move {
        match api::company().await {
            Ok(loaded) => account.set(Some(loaded)),
            Err(error) => failure.set(Some(error.to_string())),
        }
    });
    // The layout shows this page to signed-in Managers only; their `today` is the server's.
    let me = match session.get_untracked() {
        Session::SignedIn(me) => Some(me),
        _ => None,
    };
    let loaded = Memo::new(move |_| account.with(Option::is_some));
    view! {
        <section class="company">
            <h1>"Company Account"</h1>
            {move || failure.get().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
            // LATE-3: a payment default withholds every discount, and until when.
            {move || {
                account
                    .with(|a| a.as_ref().and_then(|a| a.payment_default.sentence()))
                    .map(|sentence| view! { <p class="alert payment-default" role="status">{sentence}</p> })
            }}
            {move || {
                // Built once the account has loaded; later changes flow through `account`.
                match (loaded.get(), me.clone()) {
                    (true, Some(me)) => {
                        let details = account.with_untracked(|a| a.as_ref().map(|a| a.details.clone()).unwrap_or_default());
                        view! {
                            <DetailsForm initial=details account />
                            <PaymentMethods account me />
                            <Promotion account />
                            <ManagersTwoFactor account />
                            <ProfileCorrections account />
                            <CompanyData />
                        }
                            .into_any()
                    }
                    _ if failure.with(Option::is_none) => view! { <p class="loading">"Loading…"</p> }.into_any(),
                    _ => ().into_any(),
                }
            }}
        </section>
    }
}

/// Issue 15 (DATA-1, portability): the whole Company's data in one archive.
#[component]
fn CompanyData() -> impl IntoView {
    view! {
        <section class="card company-data">
            <h2>"The Company's data"</h2>
            <p>
                "One ZIP archive of the Company Account, its Users, Numbers, Licences, Orders, invoices (PDF), "
                "credit notes, proof log and the statement of its Numbers' messages and calls, each file described in its README."
            </p>
            <p><a href=api::COMPANY_DATA_EXPORT download>"Download all the Company's data"</a></p>
        </section>
    }
}

/// Updates the signed-in person's view of their Company after its details changed (the console
/// frame re-renders only when access changes, so this page stays as it is).
fn refresh_session(session: RwSignal<Session>, details: &CompanyForm) {
    session.update(|session| {
        if let Session::SignedIn(Me { company, .. }) = session {
            company.legal_name = details.legal_name.clone();
            company.registration_number = details.registration_number.clone();
            company.billing_country = details.billing_country.clone();
        }
    });
}

/// The details form: legal name, registration number, billing country, VAT number, address.
#[component]
fn DetailsForm(initial: CompanyForm, account: RwSignal<Option<CompanyAccount>>) -> impl IntoView {
    let legal_name = RwSignal::new(initial.legal_name);
    let registration_number = RwSignal::new(initial.registration_number);
    let billing_country = RwSignal::new(initial.billing_country);
    let vat_number = RwSignal::new(initial.vat_number);
    let address_line1 = RwSignal::new(initial.address_line1);
    let address_line2 = RwSignal::new(initial.address_line2);
    let postal_code = RwSignal::new(initial.postal_code);
    let city = RwSignal::new(initial.city);
    let session = use_session();
    let errors = FormErrors::new();
    let attempted = RwSignal::new(false);
    let saved = RwSignal::new(false);

    let form = move || CompanyForm {
        legal_name: legal_name.get(),
        registration_number: registration_number.get(),
        billing_country: billing_country.get(),
        vat_number: vat_number.get(),
        address_line1: address_line1.get(),
        address_line2: address_line2.get(),
        postal_code: postal_code.get(),
        city: city.get(),
    };

    // The VAT number is checked as it is typed; every other field once a save was attempted.
    Effect::new(move || {
        let found = validate_company(&form()).err().unwrap_or_default();
        if attempted.get() {
            errors.show_validation(&found);
        } else {
            let vat_only: Vec<_> = found
                .into_iter()
                .filter(|error| error.field == "vat_number")
                .collect();
            errors.show_validation(&vat_only);
        }
    });

    // What the contract's VAT rule gives for what is typed (PRICE-1, issue 4 point 5).
    let vat_rate = move || {
        let country = billing_country.get().parse::<CountryCode>().ok()?;
        let registration = RegistrationNumber::parse(&registration_number.get(), country).ok();
        let number = optional_vat_number(&vat_number.get(), country, registration.as_ref())
            .ok()
            .flatten();
        // Issue 19: another member state's number gives the reverse charge once VIES confirmed it.
        let foreign = country.is_eu() && country != CountryCode::FRANCE;
        let confirmed = number.as_ref().is_some_and(|number| {
            account.with(|a| {
                a.as_ref()
                    .and_then(|a| a.vat_check.as_ref())
                    .is_some_and(|check| {
                        check.status.confirmed() && check.vat_number == number.as_str()
                    })
            })
        });
        let has_vat_number = if foreign { confirmed } else { number.is_some() };
        let rate = vat_rate_for(country, has_vat_number);
        let why = if country == CountryCode::FRANCE {
            "French VAT"
        } else if !country.is_eu() {
            "outside the EU: out of scope of French VAT"
        } else if has_vat_number {
            "reverse charge: you account for the VAT"
        } else if number.is_some() {
            "French VAT until VIES confirms the VAT number"
        } else {
            "no valid EU VAT number: French VAT applies"
        };
        Some(format!(
            "Orders are invoiced with VAT at {} % ({why}).",
            rate.value()
        ))
    };

    let send = Action::new_local(|form: &CompanyForm| {
        let form = form.clone();
        async move { api::update_company(&form).await }
    });
    Effect::new(move || match send.value().get() {
        Some(Ok(updated)) => {
            refresh_session(session, &updated.details);
            vat_number.set(updated.details.vat_number.clone());
            registration_number.set(updated.details.registration_number.clone());
            postal_code.set(updated.details.postal_code.clone());
            account.set(Some(updated));
            errors.clear();
            saved.set(true);
        }
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });

    // "Saved" while what is shown is what was saved.
    let is_saved =
        move || saved.get() && account.with(|a| a.as_ref().is_some_and(|a| a.details == form()));

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        attempted.set(true);
        match validate_company(&form()) {
            Ok(_) => {
                send.dispatch(form());
            }
            Err(found) => errors.show_validation(&found),
        }
    };

    let label = |text: &str| Signal::stored(text.to_owned());
    let registration_label = Signal::derive(move || {
        if billing_country.get() == CountryCode::FRANCE.as_str() {
            "SIREN".to_owned()
        } else {
            "Company registration number".to_owned()
        }
    });

    view! {
        <form class="card company-details" on:submit=on_submit novalidate>
            <fieldset>
                <legend>"Details"</legend>
                <TextField label=label("Legal name") name="legal_name" value=legal_name errors autocomplete="organization" />
                <div class="field" class:invalid=move || errors.of("billing_country").is_some()>
                    <label for="billing_country">"Billing country"</label>
                    <select id="billing_country" name="billing_country" bind:value=billing_country>
                        {CountryCode::all()
                            .map(|(code, name)| {
                                let selected = move || billing_country.get() == code.as_str();
                                view! { <option value=code.to_string() selected=selected>{name}</option> }
                            })
                            .collect_view()}
                    </select>
                    <p class="error" id="billing_country-error" role="alert">{move || errors.of("billing_country")}</p>
                </div>
                <TextField label=registration_label name="registration_number" value=registration_number errors />
                <TextField
                    label=label("VAT number")
                    name="vat_number"
                    value=vat_number
                    errors
                    hint="Optional. With its country prefix, e.g. FR44732829320."
                />
                <p class="hint vat-rate" aria-live="polite">{vat_rate}</p>
                <ViesCheck account />
            </fieldset>
            <fieldset>
                <legend>"Billing address"</legend>
                <TextField label=label("Address") name="address_line1" value=address_line1 errors autocomplete="address-line1" />
                <TextField
                    label=label("Address (line 2)")
                    name="address_line2"
                    value=address_line2
                    errors
                    autocomplete="address-line2"
                />
                <TextField label=label("Postal code") name="postal_code" value=postal_code errors autocomplete="postal-code" />
                <TextField label=label("City") name="city" value=city errors autocomplete="address-level2" />
            </fieldset>
            <FormAlert errors />
            {move || is_saved().then(|| view! { <p class="notice" role="status">"The Company details were saved."</p> })}
            <button type="submit" disabled=move || send.pending().get()>
                {move || if send.pending().get() { "Saving…" } else { "Save the details" }}
            </button>
        </form>
    }
}

/// Issue 19: what VIES last answered about a foreign EU VAT number, and what it means for the
/// invoices (pending: French VAT, and why).
#[component]
fn ViesCheck(account: RwSignal<Option<CompanyAccount>>) -> impl IntoView {
    let check = move || account.with(|a| a.as_ref().and_then(|a| a.vat_check.clone()));
    move || {
        check().map(|check| {
            let class = match check.status {
                ViesStatus::Confirmed => "notice vies-status",
                ViesStatus::NotRegistered | ViesStatus::Pending => "alert vies-status",
            };
            let consultation = check.request_identifier.clone().map(|number| {
                let trader = check
                    .trader_name
                    .clone()
                    .map(|name| format!(" ({name})"))
                    .unwrap_or_default();
                view! { <p class="hint">{format!("VIES consultation number {number}{trader}.")}</p> }
            });
            view! {
                <div class="vies">
                    <p class=class role="status">{format!("VAT number {}: {}", check.vat_number, check.message)}</p>
                    {consultation}
                </div>
            }
        })
    }
}

/// The payment methods on file, each removable, and a form to add one (PAY-2).
#[component]
fn PaymentMethods(account: RwSignal<Option<CompanyAccount>>, me: Me) -> impl IntoView {
    let list_errors = FormErrors::new();
    let methods = move || {
        account.with(|a| {
            a.as_ref()
                .map(|a| a.payment_methods.clone())
                .unwrap_or_default()
        })
    };
    let has_valid =
        move || account.with(|a| a.as_ref().is_some_and(|a| a.has_valid_payment_method));

    let remove = Action::new_local(|id: &i64| {
        let id = *id;
        async move { api::remove_payment_method(id).await }
    });
    Effect::new(move || match remove.value().get() {
        Some(Ok(updated)) => {
            list_errors.clear();
            account.set(Some(updated));
        }
        Some(Err(error)) => list_errors.show_api_error(&error),
        None => {}
    });
    // Issue 13: invoices are collected from the default method; the next attempt uses a new one.
    let make_default = Action::new_local(|id: &i64| {
        let id = *id;
        async move { api::set_default_payment_method(id).await }
    });
    Effect::new(move || match make_default.value().get() {
        Some(Ok(updated)) => {
            list_errors.clear();
            account.set(Some(updated));
        }
        Some(Err(error)) => list_errors.show_api_error(&error),
        None => {}
    });

    view! {
        <section class="card payment-methods">
            <h2>"Payment methods"</h2>
            {move || {
                (!has_valid())
                    .then(|| {
                        view! {
                            <p class="alert" role="status">
                                "No valid payment method on file: the Company must keep at least one to order (GTCS 5.2)."
                            </p>
                        }
                    })
            }}
            <FormAlert errors=list_errors />
            <p class="hint">
                "Invoices are collected from the default method on their issue date, then 3 and 7 days later if the bank refuses."
            </p>
            {move || {
                let methods = methods();
                if methods.is_empty() {
                    view! { <p class="hint">"No payment method yet."</p> }.into_any()
                } else {
                    view! {
                        <table>
                            <thead>
                                <tr>
                                    <th>"Kind"</th>
                                    <th>"Label"</th>
                                    <th>"Last four"</th>
                                    <th>"Valid until"</th>
                                    <th>"Status"</th>
                                    <th></th>
                                </tr>
                            </thead>
                            <tbody>
                                {methods
                                    .into_iter()
                                    .map(|method| view! { <MethodRow method remove make_default /> })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                        .into_any()
                }
            }}
            <AddPaymentMethod account me />
        </section>
    }
}

#[component]
fn MethodRow(
    method: PaymentMethodView,
    remove: Action<i64, Result<CompanyAccount, api::ApiError>>,
    make_default: Action<i64, Result<CompanyAccount, api::ApiError>>,
) -> impl IntoView {
    let id = method.id;
    let can_become_default = method.valid && !method.default;
    view! {
        <tr>
            <td>{kind_name(method.kind)}</td>
            <td>{method.label.clone()}</td>
            <td>"•••• " {method.last4.clone()}</td>
            <td>{method.valid_until.map_or_else(|| "No end".to_owned(), |day| format!("{:02}/{}", day.month(), day.year()))}</td>
            <td>
                {if method.valid { "Valid" } else { "Expired" }}
                {method.default.then_some(" · Default")}
            </td>
            <td>
                {can_become_default
                    .then(|| {
                        let label = method.label.clone();
                        view! {
                            <button
                                type="button"
                                class="secondary"
                                disabled=move || make_default.pending().get()
                                on:click=move |_| {
                                    make_default.dispatch(id);
                                }
                            >
                                "Make default "
                                <span class="visually-hidden">{label}</span>
                            </button>
                        }
                    })}
                <button
                    type="button"
                    class="secondary"
                    disabled=move || remove.pending().get()
                    on:click=move |_| {
                        remove.dispatch(id);
                    }
                >
                    "Remove "
                    <span class="visually-hidden">{method.label.clone()}</span>
                </button>
            </td>
        </tr>
    }
}

fn kind_name(kind: PaymentKind) -> &'static str {
    match kind {
        PaymentKind::Card => "Card",
        PaymentKind::Sepa => "SEPA mandate",
    }
}

/// Checked for the server's today (a card must not have expired).
#[component]
fn AddPaymentMethod(account: RwSignal<Option<CompanyAccount>>, me: Me) -> impl IntoView {
    let today = me.today;
    let kind = RwSignal::new("card".to_owned());
    let label = RwSignal::new(String::new());
    let last4 = RwSignal::new(String::new());
    let expiry = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let attempted = RwSignal::new(false);

    let form = move || PaymentMethodForm {
        kind: kind.get(),
        label: label.get(),
        last4: last4.get(),
        expiry: expiry.get(),
    };
    Effect::new(move || {
        if attempted.get() {
            match validate_payment_method(&form(), today) {
                Ok(_) => errors.clear(),
                Err(found) => errors.show_validation(&found),
            }
        }
    });

    let send = Action::new_local(|form: &PaymentMethodForm| {
        let form = form.clone();
        async move { api::add_payment_method(&form).await }
    });
    Effect::new(move || match send.value().get() {
        Some(Ok(updated)) => {
            account.set(Some(updated));
            attempted.set(false);
            label.set(String::new());
            last4.set(String::new());
            expiry.set(String::new());
            errors.clear();
        }
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        attempted.set(true);
        match validate_payment_method(&form(), today) {
            Ok(_) => {
                send.dispatch(form());
            }
            Err(found) => errors.show_validation(&found),
        }
    };
    let text = |text: &str| Signal::stored(text.to_owned());
    let expiry_hint = move || {
        if kind.get() == "sepa" {
            "Optional for a mandate: MM/YY, or empty if it has no end."
        } else {
            "MM/YY, e.g. 09/28."
        }
    };

    view! {
        <form class="add-method" on:submit=on_submit novalidate>
            <h3>"Add a payment method"</h3>
            <div class="field" class:invalid=move || errors.of("kind").is_some()>
                <label for="kind">"Kind"</label>
                <select id="kind" name="kind" bind:value=kind>
                    <option value="card">"Card"</option>
                    <option value="sepa">"SEPA mandate"</option>
                </select>
                <p class="error" id="kind-error" role="alert">{move || errors.of("kind")}</p>
            </div>
            <TextField label=text("Label") name="label" value=label errors hint="How you recognise it, e.g. Finance Visa." />
            <TextField label=text("Last four digits") name="last4" value=last4 errors />
            <TextField label=text("Expiry") name="expiry" value=expiry errors />
            <p class="hint">{expiry_hint}</p>
            <FormAlert errors />
            <button type="submit" disabled=move || send.pending().get()>"Add the payment method"</button>
        </form>
    }
}

/// PROMO-1 (GTCS 12.6): the Company may refuse the use of its name and logo for promotion.
#[component]
fn Promotion(account: RwSignal<Option<CompanyAccount>>) -> impl IntoView {
    view! {
        <Setting
            account
            class="promotion"
            heading="Promotion"
            name="promo_opt_out"
            label="Do not use our company's name and logo for promotion"
            current=|account: &CompanyAccount| account.promo_opt_out
            send=|opt_out: bool| async move { api::set_promotion_opt_out(opt_out).await }
        />
    }
}

/// Whether the Company's Managers must use two-factor authentication. Turning it on needs it on
/// for the Manager asking (the server refuses otherwise, and says so).
#[component]
fn ManagersTwoFactor(account: RwSignal<Option<CompanyAccount>>) -> impl IntoView {
    view! {
        <Setting
            account
            class="security"
            heading="Security"
            name="managers_need_two_factor"
            label="Managers must use two-factor authentication"
            current=|account: &CompanyAccount| account.managers_need_two_factor
            send=|required: bool| async move { api::set_two_factor_policy(required).await }
        >
            <p class="hint">
                "Managers without it can do nothing else until they turn it on. "
                <a href="/account/two-factor" rel="external">"Your own two-factor authentication"</a>
            </p>
        </Setting>
    }
}

/// DATA-1 (rectification): whether the Company's Users correct their own names and mobile number.
#[component]
fn ProfileCorrections(account: RwSignal<Option<CompanyAccount>>) -> impl IntoView {
    view! {
        <Setting
            account
            class="privacy"
            heading="Privacy"
            name="users_correct_profile"
            label="Users may correct their own name and mobile number"
            current=|account: &CompanyAccount| account.users_correct_profile
            send=|allowed: bool| async move { api::set_profile_corrections(allowed).await }
        >
            <p class="hint">
                "Each person finds their data, and their requests, under Your account. "
                <a href="/console/privacy">"The privacy requests to answer"</a>
            </p>
        </Setting>
    }
}

/// One of the Company's yes-or-no settings, saved as soon as it is ticked or unticked; the
/// server answers the whole account, which replaces `account`.
#[component]
fn Setting<C, F, Fut>(
    account: RwSignal<Option<CompanyAccount>>,
    class: &'static str,
    heading: &'static str,
    /// The checkbox's name and id.
    name: &'static str,
    label: &'static str,
    /// The setting in the account.
    current: C,
    /// Saves a new value.
    send: F,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView
where
    C: Fn(&CompanyAccount) -> bool + Copy + Send + Sync + 'static,
    F: Fn(bool) -> Fut + Copy + 'static,
    Fut: std::future::Future<Output = Result<CompanyAccount, crate::api::ApiError>> + 'static,
{
    let errors = FormErrors::new();
    let saved = RwSignal::new(false);
    let checked = move || account.with(|a| a.as_ref().is_some_and(current));
    let save = Action::new_local(move |value: &bool| send(*value));
    Effect::new(move || match save.value().get() {
        Some(Ok(updated)) => {
            account.set(Some(updated));
            errors.clear();
            saved.set(true);
        }
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });
    view! {
        <section class=format!("card {class}")>
            <h2>{heading}</h2>
            <div class="field checkbox">
                <input
                    id=name
                    name=name
                    type="checkbox"
                    prop:checked=checked
                    disabled=move || save.pending().get()
                    on:change=move |event| {
                        saved.set(false);
                        save.dispatch(event_target_checked(&event));
                    }
                />
                <label for=name>{label}</label>
            </div>
            {children.map(|children| children())}
            <FormAlert errors />
            {move || saved.get().then(|| view! { <p class="notice" role="status">"Your choice was saved."</p> })}
        </section>
    }
}
