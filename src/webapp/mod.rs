//! The WebApp: employees use their Numbers from the browser, nothing to install (GTCS). Under
//! `/app`, for any signed-in User (Managers too, for their own Numbers): the home with usage and
//! Credits, messages (SMS and MMS, MSG-1) and calls (NUM-5, WebRTC between Numbers hosted here).
//!
//! [`frame`] is the parent route: it guards the pages (asking first for the acceptance of the
//! GCU and privacy notice in force, [`terms`]), opens the live connection ([`live`]) and
//! shares the home ([`WebApp`]). Each page is one module.

pub mod call_panel;
pub mod calls;
mod frame;
mod home;
pub mod live;
pub mod messages;
pub mod rtc;
mod terms;
pub mod voicemail;

pub use calls::CallsPage;
pub use frame::{WebApp, WebAppFrame, use_webapp};
pub use home::AppHomePage;
pub use messages::{MessagesLayout, NewMessagePage, NoConversation, ThreadPage};
