//! cluster.yaml (and any files given after it): hubs, values file lists, chart overrides, merged-values rules.
//! Input: `=== path` sections (src/lib.rs); text before the first goes to `config/clusters/c/cluster.yaml`.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = hublint_fuzz::split_files(data, "config/clusters/c/cluster.yaml");
    hublint_fuzz::check_files(&files);
});
