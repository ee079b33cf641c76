//! Dockerfile: the parser's spans, and the Dockerfile rules through a one-file check.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = hublint_core::dockerfile::parse(&text);
    hublint_fuzz::assert_ranges_in(&text, "dockerfile::parse", &format!("{parsed:?}"));
    hublint_fuzz::check_files(&[
        ("images/hub/Dockerfile".to_string(), data.to_vec()),
        (
            "images/hub/requirements.txt".to_string(),
            b"jupyterhub==5.2.1\n".to_vec(),
        ),
    ]);
});
