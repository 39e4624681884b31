//! The REST API end to end over real HTTP, on SQLite or on PostgreSQL
//! (`KEYRACK_TEST_DATABASE_URL`).

#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod checks;
mod clock;
mod console;
mod console_admin;
mod console_clients;
mod console_import;
mod imports;
mod isolation;
mod lifecycle;
mod links;
mod merge;
mod metrics;
mod model;
mod openapi;
mod pages;
mod scope_model;
mod search;
mod setup;
mod username;
mod validation;
