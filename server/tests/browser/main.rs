//! End to end, in one test binary: the real server on a free port and headless Chromium driven
//! through ChromeDriver, as a person would use the console (`harness/`). They need the built app
//! (`make app`, which `make test` runs first, or `CONSOLE_DIST_DIR`).

mod harness;

mod acceptance;
mod backoffice;
mod billing;
mod cluster;
mod company;
mod credits;
mod disputes;
mod late;
mod licences;
mod orders;
mod passwords;
mod price_changes;
mod privacy;
mod signup;
mod terminations;
mod trials;
mod two_factor;
mod users;
mod vat;
mod webapp;
mod webapp_messages;
mod year;
