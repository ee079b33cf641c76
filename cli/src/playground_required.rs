/// Files a built playground folder must have; shared by build.rs (before embedding a folder)
/// and `hublint playground` (before serving one), through `include!`.
const REQUIRED: [&str; 4] = [
    "index.html",
    "playground.js",
    "worker.js",
    "hublint_wasm_bg.wasm",
];
