//! Idempotency keys: every request that creates money (an Order, a Credits top-up, a manual
//! payment of an invoice) carries a key the app chooses once per intent and sends again on every
//! retry, so that a retry after a lost answer never charges, invoices or credits twice (issue 13).
//! Here: what a key must look like, checked the same way in the browser and on the server.

/// The longest key accepted, in bytes.
pub const MAX_KEY_LEN: usize = 100;

/// How the keys the server makes for itself begin (its automatic collection attempts): a
/// request's key may not, so that no request can take the place of one of them.
pub const SERVER_KEY_PREFIX: &str = "collection:";

/// What is wrong with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyProblem {
    /// No key, or only spaces.
    #[error(
        "This request carries no idempotency key: the console sends one with every payment or top-up, so reload the page and try again."
    )]
    Missing,
    #[error("The idempotency key is longer than {max} characters.")]
    TooLong { max: usize },
    /// It begins as the server's own keys do ([`SERVER_KEY_PREFIX`]).
    #[error(
        "Idempotency keys beginning with \"collection:\" are the server's own: choose another key."
    )]
    Reserved,
}

/// The key, trimmed, when it is one.
pub fn check_key(key: &str) -> Result<&str, KeyProblem> {
    let key = key.trim();
    if key.is_empty() {
        Err(KeyProblem::Missing)
    } else if key.len() > MAX_KEY_LEN {
        Err(KeyProblem::TooLong { max: MAX_KEY_LEN })
    } else if key.starts_with(SERVER_KEY_PREFIX) {
        Err(KeyProblem::Reserved)
    } else {
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_trimmed_present_and_short() {
        assert_eq!(check_key(" top-up-1 "), Ok("top-up-1"));
        assert_eq!(check_key(""), Err(KeyProblem::Missing));
        assert_eq!(check_key("   "), Err(KeyProblem::Missing));
        assert_eq!(check_key(&"k".repeat(100)).map(str::len), Ok(100));
        assert_eq!(
            check_key(&"k".repeat(101)),
            Err(KeyProblem::TooLong { max: 100 })
        );
        assert_eq!(check_key("collection:12:1"), Err(KeyProblem::Reserved));
        assert_eq!(check_key("my-collection:1"), Ok("my-collection:1"));
    }
}
