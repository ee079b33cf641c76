//! `--fix` on a multi-file workspace (`=== path` sections; see src/lib.rs): a fixed file that
//! parsed still parses, and a second `--fix` changes nothing.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = hublint_fuzz::split_files(data, "config/clusters/c/common.values.yaml");
    hublint_fuzz::assert_fix_invariants(&files);
});
