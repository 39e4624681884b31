//! Keyrack's pure domain: validated types, the access state machine, password policy,
//! authorization, diagnosis and throttling arithmetic.
//!
//! Nothing in this crate performs I/O, reads the clock or draws randomness on its own: time
//! (`now`, as unix milliseconds) and random number generators are parameters, so every rule can
//! be tested exactly and without sleeping.

pub mod access;
pub mod authz;
pub mod diagnosis;
pub mod error;
pub mod password;
pub mod throttle;
pub mod types;

pub use error::{FieldError, FieldErrors};
