//! The self-service pages in real headless Chromium (Debian's chromium and chromium-driver),
//! with the mail going over real SMTP to a server on loopback: the whole journey of a person
//! from the invitation mail to signing in again after a forgotten password, and an
//! administrator's work in the console.

#![expect(clippy::unwrap_used, clippy::panic, reason = "tests: a failed unwrap is a failed test")]

mod admin;
mod console;
mod import;
mod journey;
mod setup;
