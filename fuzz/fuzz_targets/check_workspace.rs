//! The whole `check` of a multi-file workspace (`=== path` sections; see src/lib.rs).
//! Input: `=== path` sections (src/lib.rs); text before the first goes to `values.yaml`.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = hublint_fuzz::split_files(data, "values.yaml");
    hublint_fuzz::check_files(&files);
});
