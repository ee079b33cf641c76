//! hublint in the browser: wasm-bindgen bindings over `hublint-core` for a multi-file
//! workspace.
//!
//! Everything a page needs is here: [`check`] and [`fix`] over a map of path → text, the
//! rule docs ([`rules`]), and a stateful [`PlaygroundWorkspace`] (exported to JavaScript as
//! `Workspace`) that keeps each file's parse between checks, so a re-check after one edit
//! re-parses only the edited file.
//!
//! Diagnostics have exactly the shape the CLI prints with `--output-format json`, with one
//! difference: columns count UTF-16 code units, as JavaScript strings do (the CLI counts
//! characters), so `text.slice()` with them cuts the right text even after an `é` or an emoji.
//!
//! Values cross the boundary as JSON text parsed by the browser's `JSON.parse`, which is
//! both smaller and faster here than building objects field by field from Rust.

use hublint_core::output::{to_json_all, JsonDiagnostic};
use hublint_core::rules as core_rules;
use hublint_core::{ColumnUnit, Diagnostic, Project, Workspace};
use serde::Serialize;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

/// How many fix-and-re-check rounds `fix` runs, as the CLI's `--fix` does: a fix can uncover
/// another problem, or overlap another fix that must wait for the next round.
const FIX_ROUNDS: usize = 4;

/// The TypeScript declarations of the values above, generated from the Rust types by
/// `typescript_declarations_are_current` below (ts-rs); that test fails when they drift.
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = include_str!("types.d.ts");

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Runs once when the module is instantiated: a Rust panic would otherwise surface in the
/// page only as an opaque `unreachable` trap.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error(&format!("hublint panicked: {info}"))
    }));
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    let text = serde_json::to_string(value).map_err(|e| JsError::new(&e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|_| JsError::new("JSON.parse failed on hublint output"))
}

/// Read a JavaScript `Record<string, string>` (or a `Map<string, string>`).
fn read_files(files: &JsValue) -> Result<BTreeMap<String, String>, JsError> {
    let entries: js_sys::Array = if let Some(map) = files.dyn_ref::<js_sys::Map>() {
        js_sys::Array::from(&map.entries())
    } else if files.is_object() && !files.is_null() {
        js_sys::Object::entries(files.unchecked_ref())
    } else {
        return Err(JsError::new("files must be an object mapping path to text"));
    };
    let mut out = BTreeMap::new();
    for entry in entries.iter() {
        let pair: js_sys::Array = entry.unchecked_into();
        let path = pair
            .get(0)
            .as_string()
            .ok_or_else(|| JsError::new("file paths must be strings"))?;
        let text = pair
            .get(1)
            .as_string()
            .ok_or_else(|| JsError::new(&format!("{path}: text must be a string")))?;
        out.insert(path, text);
    }
    Ok(out)
}

/// Today's date from the browser's clock (core has none); X001 needs it.
fn today() -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        let iso = js_sys::Date::new_0().to_iso_string().as_string()?;
        iso.get(..10).map(str::to_string)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}

/// The files of a playground: a core [`Project`] (its `.hublint.yaml` and today's date).
struct State {
    project: Project,
}

impl Default for State {
    fn default() -> Self {
        State {
            project: Project::new(today()),
        }
    }
}

impl State {
    fn from_files(files: BTreeMap<String, String>) -> State {
        let mut state = State::default();
        for (path, text) in files {
            state.set_file(&path, text);
        }
        state
    }

    fn set_file(&mut self, path: &str, text: String) {
        self.project.set_file(path, text);
    }

    fn remove_file(&mut self, path: &str) -> bool {
        self.project.remove_file(path)
    }

    fn ws(&self) -> &Workspace {
        self.project.workspace()
    }

    fn check(&self) -> Vec<Diagnostic> {
        self.project.check()
    }

    fn json(&self, diags: &[Diagnostic]) -> Vec<JsonDiagnostic> {
        to_json_all(self.ws(), diags, ColumnUnit::Utf16)
    }

    fn text(&self, path: &str) -> Option<String> {
        self.ws()
            .get(path)
            .and_then(|f| f.text())
            .map(str::to_string)
    }

    fn files(&self) -> BTreeMap<String, String> {
        self.ws()
            .files()
            .filter_map(|f| Some((f.path.clone(), f.text()?.to_string())))
            .collect()
    }

    /// Apply safe fixes the way `hublint check --fix` does; returns the changed paths.
    fn fix_all(&mut self) -> (Vec<String>, Vec<Diagnostic>) {
        let config = self.project.config().clone();
        let outcome = self.project.fix_all(&config, FIX_ROUNDS, &|_| true);
        (outcome.changed.into_keys().collect(), outcome.diagnostics)
    }
}

#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
struct FixResult {
    /// Every file, with the safe fixes applied.
    #[cfg_attr(test, ts(type = "Files"))]
    files: BTreeMap<String, String>,
    /// Paths whose text changed, sorted.
    changed: Vec<String>,
    /// What is still reported after fixing.
    remaining: Vec<JsonDiagnostic>,
}

/// Check a workspace given as `{ path: text }`: the diagnostics `hublint check
/// --output-format json` prints for the same files, columns in UTF-16 code units.
#[wasm_bindgen(unchecked_return_type = "Diagnostic[]")]
pub fn check(
    #[wasm_bindgen(unchecked_param_type = "Files")] files: JsValue,
) -> Result<JsValue, JsError> {
    let state = State::from_files(read_files(&files)?);
    to_js(&state.json(&state.check()))
}

/// Apply every safe fix (several rounds, as `hublint check --fix`): the new texts of all
/// files, which ones changed, and what is still reported.
#[wasm_bindgen(unchecked_return_type = "FixResult")]
pub fn fix(
    #[wasm_bindgen(unchecked_param_type = "Files")] files: JsValue,
) -> Result<JsValue, JsError> {
    let mut state = State::from_files(read_files(&files)?);
    let (changed, remaining) = state.fix_all();
    to_js(&FixResult {
        files: state.files(),
        changed,
        remaining: state.json(&remaining),
    })
}

/// The same fields as `hublint rule --all --json`.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
struct RuleDoc {
    code: &'static str,
    name: &'static str,
    #[cfg_attr(test, ts(as = "hublint_core::Severity"))]
    severity: &'static str,
    fixable: bool,
    /// The doc's first sentence.
    summary: String,
    /// Markdown: what it does, why, an example, the fix.
    doc: &'static str,
}

/// Every rule: code, name, default severity, whether it has fixes, and its Markdown doc.
#[wasm_bindgen(unchecked_return_type = "RuleDoc[]")]
pub fn rules() -> Result<JsValue, JsError> {
    let docs: Vec<RuleDoc> = core_rules::all()
        .iter()
        .map(|r| RuleDoc {
            code: r.code,
            name: r.name,
            severity: r.severity.as_str(),
            fixable: r.fixable,
            summary: r.summary(),
            doc: r.doc,
        })
        .collect();
    to_js(&docs)
}

/// The hublint version these bindings were built from.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Whether this build runs the P rules (Python in values): built with the `python` feature.
/// The playground's first module is not (it stays small); it loads the one that is when
/// [`PlaygroundWorkspace::python_unchecked`] says there is Python to check.
#[wasm_bindgen(js_name = checksPython)]
pub fn checks_python() -> bool {
    hublint_core::schema::snippets::PARSED
}

/// A workspace that lives across checks: set or remove files one at a time, then check.
/// Unchanged files keep their parse, so the re-check after an edit in one tab is cheap.
#[wasm_bindgen(js_name = Workspace)]
#[derive(Default)]
pub struct PlaygroundWorkspace {
    state: State,
}

#[wasm_bindgen(js_class = Workspace)]
impl PlaygroundWorkspace {
    #[wasm_bindgen(constructor)]
    pub fn new() -> PlaygroundWorkspace {
        PlaygroundWorkspace::default()
    }

    /// Add a file, or replace its text. `.hublint.yaml` at the root is also read as the config.
    #[wasm_bindgen(js_name = setFile)]
    pub fn set_file(&mut self, path: &str, text: String) {
        self.state.set_file(path, text);
    }

    /// Replace every file at once: files not in `files` are removed.
    #[wasm_bindgen(js_name = setFiles)]
    pub fn set_files(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Files")] files: JsValue,
    ) -> Result<(), JsError> {
        let files = read_files(&files)?;
        let stale: Vec<String> = self
            .state
            .ws()
            .files()
            .map(|f| f.path.clone())
            .filter(|p| !files.contains_key(p))
            .collect();
        for path in stale {
            self.state.remove_file(&path);
        }
        for (path, text) in files {
            // Keep the cached parse of a file whose text did not change.
            if self.state.text(&path).as_deref() != Some(text.as_str()) {
                self.state.set_file(&path, text);
            }
        }
        Ok(())
    }

    /// Remove a file; false when there was none.
    #[wasm_bindgen(js_name = removeFile)]
    pub fn remove_file(&mut self, path: &str) -> bool {
        self.state.remove_file(path)
    }

    /// The text of a file, or undefined.
    #[wasm_bindgen(js_name = getFile)]
    pub fn get_file(&self, path: &str) -> Option<String> {
        self.state.text(path)
    }

    /// Every file as `{ path: text }` (paths normalised as the checker sees them).
    #[wasm_bindgen(unchecked_return_type = "Files")]
    pub fn files(&self) -> Result<JsValue, JsError> {
        to_js(&self.state.files())
    }

    #[wasm_bindgen(unchecked_return_type = "Diagnostic[]")]
    pub fn check(&self) -> Result<JsValue, JsError> {
        to_js(&self.state.json(&self.state.check()))
    }

    /// Apply every safe fix to the workspace (as `fix()` does) and return the result.
    #[wasm_bindgen(js_name = fixAll, unchecked_return_type = "FixResult")]
    pub fn fix_all(&mut self) -> Result<JsValue, JsError> {
        let (changed, remaining) = self.state.fix_all();
        to_js(&FixResult {
            files: self.state.files(),
            changed,
            remaining: self.state.json(&remaining),
        })
    }

    /// Whether a values file holds Python (`hub.extraConfig`...) that this build cannot
    /// check: true only in a build without the `python` feature (see [`checks_python`]).
    #[wasm_bindgen(js_name = pythonUnchecked)]
    pub fn python_unchecked(&self) -> bool {
        !checks_python() && self.state.project.holds_python()
    }

    /// Problems in `.hublint.yaml` (the CLI prints these as warnings).
    #[wasm_bindgen(js_name = configErrors)]
    pub fn config_errors(&self) -> Vec<String> {
        self.state
            .project
            .config()
            .errors
            .iter()
            .map(|e| e.to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(files: &[(&str, &str)]) -> State {
        State::from_files(
            files
                .iter()
                .map(|(p, t)| (p.to_string(), t.to_string()))
                .collect(),
        )
    }

    #[test]
    fn columns_count_utf16_code_units() {
        // "é" is 2 UTF-8 bytes and 1 UTF-16 unit; "😀" is 4 bytes and 2 units.
        let s = state(&[("a.yaml", "x: \"é😀\"\nk: 1\nk: 2\n")]);
        let json = s.json(&s.check());
        let dup = json
            .iter()
            .find(|d| d.code == "Y002")
            .expect("duplicate key reported");
        assert_eq!((dup.location.row, dup.location.column), (3, 1));
        let s = state(&[("a.yaml", "é😀: 1\né😀: 2\n")]);
        let json = s.json(&s.check());
        let dup = json
            .iter()
            .find(|d| d.code == "Y002")
            .expect("duplicate key reported");
        assert_eq!((dup.location.row, dup.location.column), (2, 1));
        // The key spans 3 UTF-16 units (é = 1, 😀 = 2): the end column is 1 + 3.
        assert_eq!((dup.end_location.row, dup.end_location.column), (2, 4));
    }

    #[test]
    fn config_file_selects_rules_and_removing_it_restores_defaults() {
        let mut s = state(&[
            ("a.yaml", "k: 1\nk: 2\n"),
            (".hublint.yaml", "ignore: [Y002]\n"),
        ]);
        assert!(s.check().iter().all(|d| d.code != "Y002"));
        assert!(s.remove_file(".hublint.yaml"));
        assert!(s.check().iter().any(|d| d.code == "Y002"));
        s.set_file("./.hublint.yaml", "selct: [Y]\n".into());
        assert_eq!(s.project.config().errors.len(), 1);
    }

    /// A build without the parser says there is Python it did not check (the playground then
    /// loads the module with it); a build with it reports P001 at the snippet's line.
    #[test]
    fn python_in_values_is_checked_or_flagged_as_unchecked() {
        let values = "hub:\n  extraConfig:\n    01-limits: |\n      if True:\n      c.KubeSpawner.mem_limit = '2G'\n";
        let mut ws = PlaygroundWorkspace::new();
        ws.set_file("staging.values.yaml", values.to_string());
        let p001: Vec<_> = ws
            .state
            .check()
            .into_iter()
            .filter(|d| d.code == "P001")
            .collect();
        if checks_python() {
            assert!(!ws.python_unchecked());
            let json = ws.state.json(&p001);
            assert_eq!(json.len(), 1, "{json:?}");
            assert_eq!(json[0].location.row, 5);
        } else {
            assert!(ws.python_unchecked());
            assert!(p001.is_empty());
        }
        // No Python left: nothing unchecked, whichever the build.
        ws.set_file(
            "staging.values.yaml",
            "hub:\n  extraConfig: {}\n".to_string(),
        );
        assert!(!ws.python_unchecked());
    }

    /// The declarations `TS_TYPES` carries, from the Rust types. `UPDATE_TS_TYPES=1 cargo test
    /// -p hublint-wasm --lib typescript` rewrites src/types.d.ts after a change.
    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn typescript_declarations_are_current() {
        use hublint_core::output::{JsonDiagnostic, JsonEdit, JsonFix, JsonRelated, Location};
        use hublint_core::{Applicability, Severity};
        use ts_rs::TS;
        let mut text = String::from(
            "// Generated from the Rust types by `typescript_declarations_are_current`\n\
             // (wasm/src/lib.rs); do not edit by hand.\n\n\
             /** A map of workspace-relative path (`/`-separated) to the file's text. */\n\
             export type Files = Record<string, string>;\n\n\
             // Rows and columns are 1-based; columns count UTF-16 code units (JavaScript string\n\
             // indices + 1), where the CLI's JSON counts characters.\n",
        );
        let decls = [
            Severity::decl(),
            Applicability::decl(),
            Location::decl(),
            JsonEdit::decl(),
            JsonFix::decl(),
            JsonRelated::decl(),
            JsonDiagnostic::decl(),
            RuleDoc::decl(),
            FixResult::decl(),
        ];
        for decl in decls {
            // decl() leaves out `export`, after the type's doc comment if it has one.
            let (doc, body) = match decl.find("*/\n").filter(|_| decl.starts_with("/**")) {
                Some(end) => decl.split_at(end + 3),
                None => ("", decl.as_str()),
            };
            text.push_str(&format!("\n{doc}export {body}\n"));
        }
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/types.d.ts");
        if std::env::var_os("UPDATE_TS_TYPES").is_some() {
            std::fs::write(path, &text).unwrap();
        }
        assert_eq!(
            include_str!("types.d.ts"),
            text,
            "wasm/src/types.d.ts is stale: run UPDATE_TS_TYPES=1 cargo test -p hublint-wasm --lib typescript"
        );
    }
}
