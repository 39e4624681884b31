//! Feeds arbitrary bytes to the spreadsheet reader under a file name the first byte picks, with
//! limits small enough that the fuzzer reaches the limit checks quickly. Any panic, timeout or
//! allocation beyond libFuzzer's `-rss_limit_mb` is a finding: a hostile upload must only ever
//! produce a `SheetError`.
//!
//! libfuzzer-sys aborts on every panic, even one the reader catches on purpose (it answers a
//! panic inside calamine as a damaged file). The target therefore puts back a quiet panic hook:
//! a panic that escapes `read_table` still aborts in libfuzzer-sys's own `catch_unwind`, and
//! replaying the saved input shows where it came from.
#![no_main]

use keyrack_sheet::{Limits, read_table};
use libfuzzer_sys::fuzz_target;

const NAMES: [Option<&str>; 6] = [None, Some("people.csv"), Some("people.tsv"), Some("people.xlsx"), Some("people.ods"), Some("people.xls")];

static QUIET_PANICS: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    QUIET_PANICS.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let Some((&pick, bytes)) = data.split_first() else { return };
    let limits = Limits {
        max_bytes: 1 << 20,
        max_rows: 1_000,
        max_cell_chars: 4_096,
        max_zip_entries: 64,
        max_uncompressed_bytes: 16 << 20,
        max_columns: 64,
        max_cells: 20_000,
        max_compression_ratio: 200,
    };
    let _ = read_table(bytes, NAMES[usize::from(pick) % NAMES.len()], &limits);
});
