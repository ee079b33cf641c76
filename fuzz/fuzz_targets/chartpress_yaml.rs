//! chartpress.yaml (and any files given after it): images, build args, valuesPath rules.
//! Input: `=== path` sections (src/lib.rs); text before the first goes to `helm-charts/chartpress.yaml`.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = hublint_fuzz::split_files(data, "helm-charts/chartpress.yaml");
    hublint_fuzz::check_files(&files);
});
