//! requirements.txt: the parser's spans, and the requirements rules through a one-file check.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = hublint_core::requirements::parse(&text);
    hublint_fuzz::assert_ranges_in(&text, "requirements::parse", &format!("{parsed:?}"));
    // Named so the model takes it for the hub image's requirements, beside a Dockerfile.
    hublint_fuzz::check_files(&[
        ("images/hub/requirements.txt".to_string(), data.to_vec()),
        ("images/hub/Dockerfile".to_string(), b"FROM quay.io/jupyterhub/k8s-hub:4.1.0\nCOPY requirements.txt /tmp/\nRUN pip install -r /tmp/requirements.txt\n".to_vec()),
    ]);
});
