//! In-browser tests of the sign-up and log-in forms: they mount the real components, type into
//! them the way a person does and read back what that person sees.
//!
//! Run in headless Chromium:
//! `cargo test -p console --target wasm32-unknown-unknown --test components`
//! with `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner` and `CHROMEDRIVER`.
//!
//! `window.fetch` is replaced by a spy in every test, so the tests can check that nothing is sent
//! while the form is invalid, and so the one valid submission gets an answer without a server.

#![cfg(target_arch = "wasm32")]

use std::any::Any;
use std::sync::{Arc, Mutex};

use console::components::{LoginForm, SignupForm};
use leptos::prelude::*;
use protocol::{CompanySummary, Gtcs, Me, UserSummary};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, js_sys};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

const REQUIRED: &str = "This field is required.";
const ACCEPT: &str = "Accept the General Terms and Conditions of Sale to continue.";
const GTCS_VERSION: &str = "2026-11";

// ---------------------------------------------------------------------------------------------
// Sign-up
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn an_empty_sign_up_shows_a_message_next_to_every_field_and_sends_nothing() {
    let (on_success, successes) = recorder();
    let page = Page::signup(on_success);

    page.submit().await;

    for field in [
        "legal_name",
        "registration_number",
        "first_name",
        "last_name",
        "email",
        "password",
    ] {
        assert_eq!(page.error_text(field), REQUIRED, "message next to {field}");
        assert_eq!(
            page.input(field).get_attribute("aria-invalid").as_deref(),
            Some("true")
        );
    }
    assert_eq!(page.error_text("accepted_gtcs_version"), ACCEPT);
    assert!(
        successes.lock().unwrap().is_empty(),
        "on_success must not be called"
    );
    assert!(page.requests().is_empty(), "no request may be sent");
    assert_eq!(page.button_text(), "Create the Company Account");
    assert!(!page.button_disabled());
}

#[wasm_bindgen_test]
async fn a_siren_with_a_wrong_check_digit_is_refused_and_the_label_follows_the_country() {
    let (on_success, _) = recorder();
    let page = Page::signup(on_success);
    assert_eq!(page.label_text("registration_number"), "SIREN");

    page.fill("registration_number", "732 829 321").await;
    page.submit().await;
    assert_eq!(
        page.error_text("registration_number"),
        "This is not a valid SIREN: check the digits."
    );

    page.choose("billing_country", "DE").await;
    assert_eq!(
        page.label_text("registration_number"),
        "Company registration number"
    );
    // Outside France any 2 to 20 letters and digits will do, so the message goes away.
    assert_eq!(page.error_text("registration_number"), "");
    assert!(page.requests().is_empty());
}

/// The form starts with France in its state (hence "SIREN"), and the list must show it: binding
/// the `<select>`'s value alone happens before its options exist and would show Andorra.
#[wasm_bindgen_test]
async fn the_billing_country_list_shows_france_at_first() {
    let (on_success, _) = recorder();
    let page = Page::signup(on_success);

    assert_eq!(
        text(&page.find("#billing_country option:checked")),
        "France"
    );
    assert_eq!(page.select("billing_country").value(), "FR");
}

#[wasm_bindgen_test]
async fn after_a_failed_submit_the_messages_follow_typing() {
    let (on_success, _) = recorder();
    let page = Page::signup(on_success);
    page.submit().await;
    assert_eq!(page.error_text("email"), REQUIRED);

    page.fill("email", "name@company").await;
    assert_eq!(
        page.error_text("email"),
        "Enter an email address like name@company.com."
    );

    page.fill("email", "name@company.com").await;
    assert_eq!(page.error_text("email"), "");
    assert_eq!(
        page.input("email").get_attribute("aria-invalid").as_deref(),
        Some("false")
    );
    // The other fields are still wrong and still say so.
    assert_eq!(page.error_text("legal_name"), REQUIRED);
    assert!(page.requests().is_empty());
}

#[wasm_bindgen_test]
async fn a_short_password_is_refused() {
    let (on_success, _) = recorder();
    let page = Page::signup(on_success);

    page.fill("password", "123456789").await;
    page.submit().await;

    assert_eq!(page.error_text("password"), "Use at least 10 characters.");
}

#[wasm_bindgen_test]
async fn the_acceptance_label_shows_the_gtcs_version_given() {
    let (on_success, _) = recorder();
    let page = Page::signup(on_success);

    let label = page.label_text("accepted_gtcs_version");
    assert!(
        label.contains(&format!("(version {GTCS_VERSION})")),
        "label: {label:?}"
    );
    assert!(
        label.contains("General Terms and Conditions of Sale"),
        "label: {label:?}"
    );
}

#[wasm_bindgen_test]
async fn a_valid_sign_up_sends_one_request_and_calls_on_success() {
    let (on_success, successes) = recorder();
    let page = Page::signup(on_success);

    page.fill("legal_name", "Acme SAS").await;
    page.fill("registration_number", "732 829 320").await;
    page.fill("first_name", "Ada").await;
    page.fill("last_name", "Lovelace").await;
    page.fill("email", "ada@acme.example").await;
    page.fill("password", "correct horse battery").await;
    page.tick("accepted_gtcs_version").await;
    page.submit().await;

    for field in [
        "legal_name",
        "registration_number",
        "email",
        "password",
        "accepted_gtcs_version",
    ] {
        assert_eq!(page.error_text(field), "", "message next to {field}");
    }
    assert_eq!(page.requests(), ["POST /api/signup"]);
    assert_eq!(*successes.lock().unwrap(), [me()]);
}

// ---------------------------------------------------------------------------------------------
// Log-in
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn an_empty_log_in_shows_required_messages_and_sends_nothing() {
    let (on_success, successes) = recorder();
    let page = Page::mount(move || view! { <LoginForm on_success /> });

    page.submit().await;

    assert_eq!(page.error_text("email"), REQUIRED);
    assert_eq!(page.error_text("password"), REQUIRED);
    assert!(successes.lock().unwrap().is_empty());
    assert!(page.requests().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A component mounted in its own container in the test page. Every lookup stays inside that
/// container, so tests that ran before cannot be mistaken for this one.
struct Page {
    root: HtmlElement,
    /// What `window.fetch` was asked for, as `"METHOD /path"`.
    requests: js_sys::Array,
    _mounted: Box<dyn Any>,
}

impl Page {
    fn mount<V: IntoView + 'static>(view: impl FnOnce() -> V + 'static) -> Page {
        let document = web_sys::window().unwrap().document().unwrap();
        let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
        document.body().unwrap().append_child(&root).unwrap();
        let requests = spy_on_fetch(&serde_json::to_string(&me()).unwrap());
        let mounted = leptos::mount::mount_to(root.clone(), view);
        Page {
            root,
            requests,
            _mounted: Box::new(mounted),
        }
    }

    fn signup(on_success: Callback<Me>) -> Page {
        let gtcs = Gtcs {
            version: GTCS_VERSION.to_owned(),
            url: "/gtcs.html".to_owned(),
        };
        Page::mount(move || view! { <SignupForm gtcs on_success /> })
    }

    fn find(&self, selector: &str) -> Element {
        self.root
            .query_selector(selector)
            .unwrap()
            .unwrap_or_else(|| panic!("nothing matches {selector}"))
    }

    fn input(&self, id: &str) -> HtmlInputElement {
        self.find(&format!("#{id}")).unchecked_into()
    }

    fn select(&self, id: &str) -> HtmlSelectElement {
        self.find(&format!("#{id}")).unchecked_into()
    }

    /// Types `value` into the input `id` (replacing what was there).
    async fn fill(&self, id: &str, value: &str) {
        let input = self.input(id);
        input.set_value(value);
        dispatch(&input, "input");
        settle().await;
    }

    /// Picks the option `value` of the select `id`.
    async fn choose(&self, id: &str, value: &str) {
        let select = self.select(id);
        select.set_value(value);
        assert_eq!(select.value(), value, "{id} has no option {value}");
        dispatch(&select, "change");
        settle().await;
    }

    /// Ticks (or unticks) the checkbox `id`.
    async fn tick(&self, id: &str) {
        self.input(id).click();
        settle().await;
    }

    /// Clicks the form's submit button.
    async fn submit(&self) {
        self.find("button[type=submit]")
            .unchecked_into::<HtmlElement>()
            .click();
        settle().await;
    }

    /// The message shown next to the field `id` ("" when there is none).
    fn error_text(&self, id: &str) -> String {
        text(&self.find(&format!("#{id}-error")))
    }

    fn label_text(&self, id: &str) -> String {
        text(&self.find(&format!("label[for={id}]")))
    }

    fn button_text(&self) -> String {
        text(&self.find("button[type=submit]"))
    }

    fn button_disabled(&self) -> bool {
        self.find("button[type=submit]").has_attribute("disabled")
    }

    fn requests(&self) -> Vec<String> {
        self.requests
            .iter()
            .map(|request| request.as_string().unwrap())
            .collect()
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        self.root.remove();
    }
}

fn text(element: &Element) -> String {
    element.text_content().unwrap_or_default().trim().to_owned()
}

fn dispatch(target: &Element, kind: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    let event = Event::new_with_event_init_dict(kind, &init).unwrap();
    target.dispatch_event(&event).unwrap();
}

/// Lets Leptos run its effects and any answered request finish: one executor tick, then a whole
/// turn of the event loop (a zero timeout runs after every pending microtask).
async fn settle() {
    leptos::task::tick().await;
    let timeout = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
            .unwrap();
    });
    JsFuture::from(timeout).await.unwrap();
}

/// Replaces `window.fetch` with a spy that records each request as `"METHOD /path"` and answers
/// `200 OK` with the JSON `answer`. Returns the (live) list of recorded requests.
fn spy_on_fetch(answer: &str) -> js_sys::Array {
    let install = js_sys::Function::new_with_args(
        "answer",
        "const requests = [];
        window.fetch = (input, init) => {
            const request = new Request(input, init);
            requests.push(request.method + ' ' + new URL(request.url).pathname);
            return Promise.resolve(new Response(answer, {
                status: 200,
                headers: { 'Content-Type': 'application/json' },
            }));
        };
        return requests;",
    );
    install
        .call1(&JsValue::NULL, &answer.into())
        .unwrap()
        .unchecked_into()
}

/// An `on_success` callback that records every call.
fn recorder() -> (Callback<Me>, Arc<Mutex<Vec<Me>>>) {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let record = calls.clone();
    (
        Callback::new(move |me| record.lock().unwrap().push(me)),
        calls,
    )
}

/// The answer the fake server gives to a sign-up.
fn me() -> Me {
    Me {
        user: UserSummary {
            id: 1,
            first_name: "Ada".to_owned(),
            last_name: "Lovelace".to_owned(),
            email: "ada@acme.example".to_owned(),
            is_manager: true,
        },
        company: CompanySummary {
            id: 1,
            legal_name: "Acme SAS".to_owned(),
            registration_number: "732829320".to_owned(),
            billing_country: "FR".to_owned(),
        },
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
        two_factor: protocol::TwoFactorStatus::default(),
        terms: protocol::terms::TermsStatus {
            in_force: Box::new(protocol::terms::TermsInForce {
                gcu: protocol::terms::Document {
                    version: "2026-12".to_owned(),
                    url: "/legal/gcu-2026-12.txt".to_owned(),
                },
                privacy: protocol::terms::Document {
                    version: "2026-12".to_owned(),
                    url: "/legal/privacy-2026-12.txt".to_owned(),
                },
            }),
            accepted: false,
        },
    }
}
