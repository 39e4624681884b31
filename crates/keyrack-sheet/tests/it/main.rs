//! Integration tests of keyrack-sheet, in one binary so the fixture builders are shared
//! and compiled once.
//!
//! The modules are `cfg(test)` so clippy treats their helpers as test code (where a failed
//! `unwrap` is the failure report), as it does for `#[test]` functions.

#[cfg(test)]
mod common;
#[cfg(test)]
mod encodings;
#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod hostile;
#[cfg(test)]
mod roundtrip;
