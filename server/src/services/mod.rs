//! What the API's areas share below HTTP: orchestrations that span several stores and the
//! carriers (a message sent, a call's life), and the views several areas answer with. Handlers
//! in `api/` call these; nothing here knows of HTTP beyond the error it answers with.

pub mod calls;
pub mod collection;
pub mod export;
pub mod invoices;
pub mod licences;
pub mod messages;
pub mod operators;
pub mod proof;
pub mod sign_in;
pub mod statement;
pub mod throttling;
pub mod vies;
pub mod webapp;
