//! Chart.yaml (and any files given after it): chart reading, dependency and version rules.
//! Input: `=== path` sections (src/lib.rs); text before the first goes to `helm-charts/basehub/Chart.yaml`.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = hublint_fuzz::split_files(data, "helm-charts/basehub/Chart.yaml");
    hublint_fuzz::check_files(&files);
});
