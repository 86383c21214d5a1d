//! Managers and Users (ACCESS-1..3): the user list (search, sort, pages), one user's page, the
//! CSV import, the outbox, and the invitation link's page.

mod edit;
mod fields;
mod import;
mod invitation;
mod list;
mod outbox;

pub use edit::UserPage;
pub use invitation::InvitationPage;
pub use list::UsersPage;
pub use outbox::OutboxPage;
