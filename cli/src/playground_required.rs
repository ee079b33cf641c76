/// Files a built playground folder must have; shared by build.rs (before embedding a folder)
/// and `hublint playground` (before serving one), through `include!`.
const REQUIRED: [&str; 7] = [
    "index.html",
    "playground.js",
    // CodeMirror, imported by playground.js once the first diagnostics are shown.
    "editor.js",
    "worker.js",
    "hublint_wasm_bg.wasm",
    // The module with the P rules' Python parser, loaded when a values file holds Python.
    "hublint_wasm_python.js",
    "hublint_wasm_python_bg.wasm",
];
