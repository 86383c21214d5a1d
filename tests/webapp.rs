//! In-browser tests of the WebApp's pieces that need no server: the live SMS counter under the
//! message box (MSG-1, `sms.segments`), mounted as a person sees it.
//!
//! Run in headless Chromium like `tests/components.rs`:
//! `cargo test -p console --target wasm32-unknown-unknown --test webapp`.

#![cfg(target_arch = "wasm32")]

use console::webapp::messages::{SmsCounter, counter_text};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_counter_gives_parts_characters_and_encoding() {
    assert_eq!(counter_text("", false), "0 SMS · 0 characters (GSM-7)");
    assert_eq!(counter_text("a", false), "1 SMS · 1 character (GSM-7)");
    assert_eq!(
        counter_text(&"a".repeat(160), false),
        "1 SMS · 160 characters (GSM-7)"
    );
    assert_eq!(
        counter_text(&"a".repeat(170), false),
        "2 SMS · 170 characters (GSM-7)"
    );
    // "Ç" is in GSM-7, "ç" is not: the counter names the character that forced UCS-2.
    assert_eq!(
        counter_text("Ça va ? Le reçu", false),
        "1 SMS · 15 characters (Unicode, because of “ç”)"
    );
    assert_eq!(
        counter_text(&"ê".repeat(71), false),
        "2 SMS · 71 characters (Unicode, because of “ê”)"
    );
    // A part never splits a character: the euro sign on the boundary opens a third part, and
    // a family emoji counts as the one character a person sees.
    assert_eq!(
        counter_text(&format!("{}€{}", "a".repeat(152), "a".repeat(152)), false),
        "3 SMS · 305 characters (GSM-7)"
    );
    assert_eq!(
        counter_text("OK 👨\u{200d}👩\u{200d}👧", false),
        "1 SMS · 4 characters (Unicode, because of “👨”)"
    );
    assert_eq!(
        counter_text(&"a".repeat(1531), false),
        "11 SMS · 1531 characters (GSM-7) · at most 10 SMS"
    );
    // An MMS is one message whatever its text.
    assert_eq!(
        counter_text(&"a".repeat(400), true),
        "1 MMS · 400 characters"
    );
}

#[wasm_bindgen_test]
async fn the_counter_follows_the_text_as_it_is_typed() {
    let body = RwSignal::new(String::new());
    let has_image = RwSignal::new(false);
    let page = Mounted::new(move || view! { <SmsCounter body has_image /> });
    let counter = || page.text(".sms-counter");
    assert_eq!(counter(), "0 SMS · 0 characters (GSM-7)");

    body.set("a".repeat(161));
    settle().await;
    assert_eq!(counter(), "2 SMS · 161 characters (GSM-7)");

    body.set("Le reçu est prêt".to_owned());
    settle().await;
    assert_eq!(counter(), "1 SMS · 16 characters (Unicode, because of “ç”)");

    has_image.set(true);
    settle().await;
    assert_eq!(counter(), "1 MMS · 16 characters");

    has_image.set(false);
    body.set("a".repeat(1531));
    settle().await;
    let class = page
        .find(".sms-counter")
        .get_attribute("class")
        .unwrap_or_default();
    assert!(class.split(' ').any(|name| name == "over"), "{class}");
}

/// A component mounted in its own container, removed afterwards.
struct Mounted {
    root: HtmlElement,
    _handle: Box<dyn std::any::Any>,
}

impl Mounted {
    fn new<V: IntoView + 'static>(view: impl FnOnce() -> V + 'static) -> Self {
        let document = web_sys::window().unwrap().document().unwrap();
        let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
        document.body().unwrap().append_child(&root).unwrap();
        let handle = leptos::mount::mount_to(root.clone(), view);
        Mounted {
            root,
            _handle: Box::new(handle),
        }
    }

    fn find(&self, selector: &str) -> web_sys::Element {
        self.root
            .query_selector(selector)
            .unwrap()
            .unwrap_or_else(|| panic!("nothing matches {selector}"))
    }

    fn text(&self, selector: &str) -> String {
        self.find(selector)
            .text_content()
            .unwrap_or_default()
            .trim()
            .to_owned()
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

/// Lets Leptos apply the changes: one executor tick.
async fn settle() {
    leptos::task::tick().await;
}
