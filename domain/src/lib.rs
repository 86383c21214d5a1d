//! The contract's rules and the console's value types.
//!
//! Pure Rust: no I/O, no clock reads, no async. The same code runs in the browser (wasm32) and on
//! the server, so a Manager sees what the server will decide before anything is sent. Every rule
//! cites its ID from `shared/RULES.md` in its doc comment: search for the ID to find it. "Today"
//! is always a parameter.
//!
//! # Where each rule lives
//!
//! | Rule | Calculator | Module |
//! |---|---|---|
//! | RENEW-1 | `licence.period` | [`licence`] (with [`term`], [`period`]) |
//! | rule T (notice before an event) | | [`notice`] |
//! | NOTICE-1, NOTICE-2 | `termination.customer`, `termination.provider` | [`notice`] |
//! | NOTICE-3 | `service.discontinuation` | [`service`] |
//! | PRICE-3, PRICE-4, PRICE-5 | `price_change.validate`, `indexation.apply` | [`price_change`] (reductions: `reduced_prices`), [`indexation`] (the CPI series) |
//! | PAY-3, DISPUTE-1, DISPUTE-3 | `invoice.windows` | [`invoice`] (windows: [`calendar`]) |
//! | LATE-1, LATE-2 | `late.penalty` (and the semester rate table) | [`late`] |
//! | LATE-4 | `formal_notice.deadline` | [`formal_notice`] |
//! | LATE-3 (discounts withheld after a payment default) | | [`payment_default`] |
//! | TERM-1 | `termination.fault_amount` | [`fault`] |
//! | TERM-2 (grounds, and the notice each waits for: `fault_termination_allowed`) | | [`fault`] |
//! | DISPUTE-4 | `complaint.answer_due` | [`working_days`] |
//! | LIAB-1 | `liability.cap` | [`liability`] |
//! | PRICE-1, RENEW-2 | `pricing.quote`, `renewal.invoice` | [`pricing`] |
//! | PRICE-1, PRICE-2, ACCEPT-1 (price list, order quote and form) | | [`catalogue`], [`order`] |
//! | NUM-2, NUM-3 | `number.assignable` | [`number`] |
//! | NUM-5 | `dial.classify` | [`dial`], [`call`] (charging, billed minutes, rates; PRICE-6) |
//! | MSG-1 | `sms.segments` | [`sms`] |
//! | MSG-1, NUM-5 (an outgoing message: recipient, parts, MMS image, charge) | | [`message`] |
//! | TRIAL-1 | `trial.outcome` | [`trial`] |
//! | ACCESS-3 (E.164 mobile number) | | [`phone`] |
//! | ACCESS-2, ACCESS-3, ACCESS-4, ACCEPT-1 (sign-up) | | [`signup`], [`company`], [`email`] |
//! | ACCESS-4 (Company Account, EU VAT number), PAY-2 (payment methods), VAT rate | | [`company_account`], [`vat`], [`payment`] |
//! | ACCESS-3, NUM-2 (User Accounts, CSV import) | | [`user`] |
//!
//! Money and percentages: [`money`]. Rule IDs and errors: [`error`].

pub mod calendar;
pub mod call;
pub mod catalogue;
pub mod company;
pub mod company_account;
pub mod country;
pub mod credits;
pub mod day;
pub mod dial;
pub mod dispute;
pub mod email;
pub mod error;
pub mod fault;
pub mod field;
pub mod formal_notice;
pub mod idempotency;
pub mod indexation;
pub mod invoice;
pub mod late;
pub mod liability;
pub mod licence;
pub mod message;
pub mod money;
pub mod notice;
pub mod number;
pub mod order;
pub mod payment;
pub mod payment_default;
pub mod period;
pub mod phone;
pub mod price_change;
pub mod pricing;
pub mod privacy;
pub mod service;
pub mod signup;
pub mod sms;
pub mod suspension;
pub mod term;
pub mod trial;
pub mod usage;
pub mod user;
pub mod vat;
pub mod working_days;

pub use error::{RuleError, RuleId, ValueError};
pub use money::{Money, Percent};
pub use period::Period;
pub use phone::E164;
pub use term::Term;
