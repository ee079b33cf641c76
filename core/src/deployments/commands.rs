//! `helm upgrade --install`, `helm install` and `helm template` command lines in shell
//! scripts, Makefiles, CI files (`run:` steps are read as the shell text they are) and Python
//! deploy scripts (`["upgrade", "--install", release, chart, "-f", path]` argument lists):
//! the chart, `--version`, and the `-f`/`--values` files in order.
//!
//! Variables (`$ENV`, `${CONFIG_DIR}`, a Python function's parameter) are matched against
//! the repository's files: a variable takes one value across the whole command, so
//! `-f deploy/${BRANCH}.yaml -f secrets/${BRANCH}.yaml` is one hub per branch.

use super::content::{is_kubernetes_manifest, Z2JH_TOP_KEYS};
use crate::files::FileKind;
use crate::model::{FoundBy, Hub, NotYaml, RemoteChart, RepoModel, Spanned, ValuesRef};
use crate::shell::{shell_words, Word};
use crate::text::TextRange;
use crate::workspace::{join, normalize, SourceFile, Workspace};
use std::collections::BTreeMap;

/// A parsed `helm upgrade|install|template` invocation.
#[derive(Debug, Clone, PartialEq)]
pub struct HelmCommand {
    pub subcommand: String,
    pub release: Option<Word>,
    pub chart: Word,
    pub version: Option<Word>,
    /// `--repo URL`: the chart is `chart` in that repository.
    pub repo: Option<Word>,
    pub values: Vec<Word>,
    /// Where the command starts (the `helm` word).
    pub at: TextRange,
}

/// Flags of helm upgrade/install/template that take a value (the rest are switches).
const VALUE_FLAGS: &[&str] = &[
    "-f",
    "--values",
    "--version",
    "--namespace",
    "-n",
    "--set",
    "--set-string",
    "--set-file",
    "--set-json",
    "--set-literal",
    "--timeout",
    "--kube-context",
    "--kubeconfig",
    "--repo",
    "-o",
    "--output",
    "--post-renderer",
    "--post-renderer-args",
    "--description",
    "--history-max",
    "--username",
    "--password",
    "--ca-file",
    "--cert-file",
    "--key-file",
    "--name-template",
    "--api-versions",
    "-a",
    "--kube-version",
    "--show-only",
    "-s",
    "--output-dir",
    "--release-name",
    "--registry-config",
    "--repository-cache",
    "--repository-config",
    "--kube-apiserver",
    "--kube-as-user",
    "--kube-as-group",
    "--kube-token",
    "--kube-ca-file",
    "--burst-limit",
    "--qps",
    "--wait-for",
    "--take-ownership-of",
    "--labels",
    "-l",
];

pub fn find(ws: &Workspace, model: &RepoModel) -> Vec<Hub> {
    let mut hubs = Vec::new();
    for file in ws.files() {
        let Some(text) = file.text() else { continue };
        let mentions_helm = crate::files::find_bytes(text.as_bytes(), b"helm").is_some();
        if !mentions_helm || !model.is_data(&file.path) && !file.is_yaml() {
            continue;
        }
        let commands = match file.kind() {
            FileKind::Script if file.path.ends_with(".py") => python_commands(text),
            FileKind::Script | FileKind::Yaml => shell_commands(text),
            _ => continue,
        };
        // Most files that mention helm run none of its commands (a chart's schema, docs).
        if commands.is_empty() {
            continue;
        }
        let assigned = assignments(text);
        let per_command: Vec<Vec<(Bindings, Hub)>> = commands
            .iter()
            .map(|cmd| hubs_of(ws, model, file, cmd, &assigned))
            .collect();
        hubs.extend(consistent_bindings(per_command));
    }
    hubs
}

/// Every helm upgrade/install/template command in shell text.
pub fn shell_commands(text: &str) -> Vec<HelmCommand> {
    // A CI expression (`${{ matrix.env }}`) is one word once the CI system substitutes it:
    // blank out its spaces (same length, so ranges stay the file's).
    let owned;
    // The searches below run over whole files: `find_bytes`, not `str::find`.
    let text = if crate::files::find_bytes(text.as_bytes(), b"${{").is_some() {
        let mut bytes = text.as_bytes().to_vec();
        let mut from = 0;
        while let Some(i) =
            crate::files::find_bytes(&text.as_bytes()[from..], b"${{").map(|i| i + from)
        {
            let Some(end) = crate::files::find_bytes(&text.as_bytes()[i..], b"}}").map(|e| e + i)
            else {
                break;
            };
            for b in &mut bytes[i..end] {
                if *b == b' ' {
                    *b = b'_';
                }
            }
            from = end;
        }
        owned = String::from_utf8(bytes).unwrap_or_else(|_| text.to_string());
        owned.as_str()
    } else {
        text
    };
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = crate::files::find_bytes(&bytes[from..], b"helm").map(|i| i + from) {
        from = i + 4;
        let word_start = i == 0
            || matches!(
                bytes[i - 1],
                b' ' | b'\t' | b'\n' | b'"' | b'\'' | b';' | b'(' | b'&' | b'|'
            );
        if !word_start || !matches!(bytes.get(i + 4), Some(b' ' | b'\t')) {
            continue;
        }
        // A commented-out line is not run.
        let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
        if text[line_start..i].trim_start().starts_with('#') {
            continue;
        }
        let (words, _) = shell_words(text, i + 4);
        if let Some(cmd) = parse_args(&words, TextRange::new(i, i + 4)) {
            out.push(cmd);
        }
    }
    out
}

/// `upgrade|install|template [flags] [release] chart [flags]`.
fn parse_args(words: &[Word], at: TextRange) -> Option<HelmCommand> {
    let sub = words.first()?;
    if !matches!(sub.text.as_str(), "upgrade" | "install" | "template") {
        return None;
    }
    let mut positional = Vec::new();
    let mut values = Vec::new();
    let mut version = None;
    let mut repo = None;
    let mut generate_name = false;
    let mut i = 1;
    while i < words.len() {
        let w = &words[i];
        if let Some(flag) = w.text.strip_prefix('-').map(|_| w.text.as_str()) {
            let (name, inline) = match flag.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (flag, None),
            };
            // `-fvalues.yaml`: a short flag with its value attached.
            let (name, inline) = if inline.is_none()
                && name.len() > 2
                && name.starts_with("-f")
                && !name.starts_with("--")
            {
                ("-f", Some(&name[2..]))
            } else {
                (name, inline)
            };
            generate_name |= matches!(name, "--generate-name" | "-g");
            let value = match inline {
                Some(v) => Some(Word {
                    text: v.to_string(),
                    range: TextRange::new(
                        w.range.end.saturating_sub(v.len()).max(w.range.start),
                        w.range.end,
                    ),
                }),
                None if VALUE_FLAGS.contains(&name) => {
                    i += 1;
                    words.get(i).cloned()
                }
                None => None,
            };
            match (name, value) {
                ("-f" | "--values", Some(v)) => {
                    values.extend(v.text.split(',').filter(|s| !s.is_empty()).map(|s| Word {
                        text: s.to_string(),
                        range: v.range,
                    }))
                }
                ("--version", Some(v)) => version = Some(v),
                ("--repo", Some(v)) => repo = Some(v),
                _ => {}
            }
        } else {
            positional.push(w.clone());
        }
        i += 1;
    }
    let (release, chart) = match (positional.len(), generate_name || sub.text == "template") {
        (0, _) => return None,
        (1, true) => (None, positional[0].clone()),
        (1, false) => return None,
        _ => (Some(positional[0].clone()), positional[1].clone()),
    };
    Some(HelmCommand {
        subcommand: sub.text.clone(),
        release,
        chart,
        version,
        repo,
        values,
        at,
    })
}

/// Helm argument lists in Python: a list literal holding `"upgrade"`, `"install"` or
/// `"template"` as an element, its identifiers resolved through simple assignments in the
/// same file (`x = "…"`, f-strings, `"{}".format(…)`, `os.path.join(…)`, `+`).
pub fn python_commands(text: &str) -> Vec<HelmCommand> {
    let mut out = Vec::new();
    for sub in ["upgrade", "install", "template"] {
        for quote in ['"', '\''] {
            let needle = format!("{quote}{sub}{quote}");
            let mut from = 0;
            while let Some(i) =
                crate::files::find_bytes(&text.as_bytes()[from..], needle.as_bytes())
                    .map(|i| i + from)
            {
                from = i + needle.len();
                let Some(open) = enclosing_bracket(text, i) else {
                    continue;
                };
                let Some(items) = python_list(text, open) else {
                    continue;
                };
                let mut words: Vec<Word> = items
                    .iter()
                    .map(|(expr, range)| Word {
                        text: python_value(text, expr, 0),
                        range: *range,
                    })
                    .collect();
                if words.first().is_some_and(|w| w.text == "helm") {
                    words.remove(0);
                }
                if let Some(cmd) = parse_args(&words, TextRange::new(open, open + 1)) {
                    if !out.contains(&cmd) {
                        out.push(cmd);
                    }
                }
            }
        }
    }
    out
}

/// The `[` of the list literal that `at` is an element of.
fn enclosing_bracket(text: &str, at: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in text[..at].char_indices().rev() {
        match c {
            ']' | ')' => depth += 1,
            '(' if depth == 0 => return None,
            '[' if depth == 0 => return Some(i),
            '[' | '(' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The elements of the list literal opening at `open`, as expression texts with ranges
/// (comments dropped).
fn python_list(text: &str, open: usize) -> Option<Vec<(String, TextRange)>> {
    let mut items = Vec::new();
    let mut depth = 0;
    let mut start = open + 1;
    let mut quote: Option<char> = None;
    let mut chars = text[open + 1..]
        .char_indices()
        .map(|(i, c)| (i + open + 1, c))
        .peekable();
    let mut comment = false;
    let mut current = String::new();
    while let Some((i, c)) = chars.next() {
        if comment {
            if c == '\n' {
                comment = false;
            }
            continue;
        }
        if let Some(q) = quote {
            current.push(c);
            if c == '\\' {
                if let Some((_, n)) = chars.next() {
                    current.push(n);
                }
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => {
                if current.trim().is_empty() {
                    start = i;
                }
                quote = Some(c);
                current.push(c);
            }
            '#' => comment = true,
            '[' | '(' | '{' => {
                depth += 1;
                current.push(c);
            }
            ']' if depth == 0 => {
                push_item(&mut items, &current, start, i);
                return Some(items);
            }
            ']' | ')' | '}' => {
                depth -= 1;
                current.push(c);
            }
            ',' if depth == 0 => {
                push_item(&mut items, &current, start, i);
                current.clear();
                start = i + 1;
            }
            c => {
                if current.trim().is_empty() && !c.is_whitespace() {
                    start = i;
                }
                current.push(c);
            }
        }
    }
    None
}

fn push_item(items: &mut Vec<(String, TextRange)>, expr: &str, start: usize, end: usize) {
    let trimmed = expr.trim();
    if !trimmed.is_empty() {
        let start = start.min(end);
        items.push((
            trimmed.to_string(),
            TextRange::new(start, start + trimmed.len().min(end - start)),
        ));
    }
}

/// A Python expression's value as shell-like text: literals as they are, unknown names as
/// `${name}` (a variable to match against files).
fn python_value(text: &str, expr: &str, depth: usize) -> String {
    let expr = expr.trim();
    if depth > 6 {
        return format!("${{{expr}}}");
    }
    if let Some(parts) = split_top_level(expr, '+') {
        return parts
            .iter()
            .map(|p| python_value(text, p, depth + 1))
            .collect();
    }
    if let Some(lit) = string_literal(expr) {
        return lit;
    }
    if let Some(args) = expr
        .strip_prefix("os.path.join(")
        .and_then(|r| r.strip_suffix(')'))
    {
        let parts = split_top_level(args, ',').unwrap_or_else(|| vec![args.to_string()]);
        return parts
            .iter()
            .map(|p| python_value(text, p, depth + 1))
            .collect::<Vec<_>>()
            .join("/");
    }
    if let Some((fmt, args)) = expr.split_once(".format(") {
        if let (Some(mut template), Some(args)) = (string_literal(fmt), args.strip_suffix(')')) {
            let parts = split_top_level(args, ',').unwrap_or_else(|| vec![args.to_string()]);
            for p in parts {
                let v = python_value(text, &p, depth + 1);
                if let Some(i) = template.find("{}") {
                    template.replace_range(i..i + 2, &v);
                }
            }
            return template;
        }
    }
    let is_name = !expr.is_empty()
        && expr.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !expr.starts_with(|c: char| c.is_ascii_digit());
    if is_name {
        if let Some(value) = assignment(text, expr) {
            return python_value(text, value, depth + 1);
        }
    }
    format!("${{{expr}}}")
}

/// `[f]"…"` / `'…'` → its text, `{name}` in an f-string becoming `${name}`.
fn string_literal(expr: &str) -> Option<String> {
    let (f, body) = match expr.strip_prefix('f') {
        Some(rest) => (true, rest),
        None => (false, expr),
    };
    let q = body.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let inner = body.strip_prefix(q)?.strip_suffix(q)?;
    if inner.contains(q) {
        return None;
    }
    if !f {
        return Some(inner.to_string());
    }
    let mut out = String::new();
    let mut rest = inner;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('}')? + i;
        out.push_str(&format!("${{{}}}", &rest[i + 1..end]));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Split on `sep` outside quotes and brackets; `None` when there is no such `sep`.
fn split_top_level(expr: &str, sep: char) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut quote: Option<char> = None;
    let mut current = String::new();
    for c in expr.chars() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
                current.push(c);
            }
            None => match c {
                '"' | '\'' => {
                    quote = Some(c);
                    current.push(c);
                }
                '(' | '[' | '{' => {
                    depth += 1;
                    current.push(c);
                }
                ')' | ']' | '}' => {
                    depth -= 1;
                    current.push(c);
                }
                c if c == sep && depth == 0 => parts.push(std::mem::take(&mut current)),
                c => current.push(c),
            },
        }
    }
    if parts.is_empty() {
        return None;
    }
    parts.push(current);
    Some(parts)
}

/// The expression last assigned to `name` at the start of a line (`name = …`).
fn assignment<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    text.lines().rev().find_map(|line| {
        let rest = line.trim_start().strip_prefix(name)?;
        let value = rest.trim_start().strip_prefix('=')?;
        (!value.starts_with('=')).then(|| value.trim())
    })
}

/// A word with shell variables: literal text and variable names, in order.
#[derive(Debug, Clone)]
enum Part {
    Lit(String),
    Var(String),
}

fn parts_of(word: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut rest = word;
    while let Some(i) = rest.find('$') {
        lit.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, len) = if let Some(inner) = after.strip_prefix('{') {
            match inner.find('}') {
                // `${VAR:-default}` and the like: the variable's name.
                Some(end) => (
                    inner[..end]
                        .split([':', '-', '=', '?', '+'])
                        .next()
                        .unwrap_or("")
                        .to_string(),
                    end + 2,
                ),
                None => (inner.to_string(), after.len()),
            }
        } else if let Some(inner) = after.strip_prefix('(') {
            let end = inner.find(')').map_or(after.len(), |e| e + 2);
            (
                format!("$({})", &inner[..end.saturating_sub(2).min(inner.len())]),
                end,
            )
        } else {
            let end = after
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (after[..end].to_string(), end)
        };
        if name.is_empty() {
            lit.push('$');
        } else {
            if !lit.is_empty() {
                parts.push(Part::Lit(std::mem::take(&mut lit)));
            }
            parts.push(Part::Var(name));
        }
        rest = &after[len.min(after.len())..];
    }
    lit.push_str(rest);
    if !lit.is_empty() {
        parts.push(Part::Lit(lit));
    }
    parts
}

type Bindings = BTreeMap<String, String>;

/// Match `parts` against `path`, extending `bound` consistently; every way it matches.
fn match_parts(parts: &[Part], path: &str, bound: &Bindings, out: &mut Vec<Bindings>) {
    match parts.split_first() {
        None => {
            if path.is_empty() {
                out.push(bound.clone());
            }
        }
        Some((Part::Lit(l), rest)) => {
            if let Some(p) = path.strip_prefix(l.as_str()) {
                match_parts(rest, p, bound, out);
            }
        }
        Some((Part::Var(v), rest)) => {
            if let Some(value) = bound.get(v) {
                if let Some(p) = path.strip_prefix(value.as_str()) {
                    match_parts(rest, p, bound, out);
                }
                return;
            }
            for (i, _) in path
                .char_indices()
                .skip(1)
                .chain(std::iter::once((path.len(), ' ')))
            {
                let mut b = bound.clone();
                b.insert(v.clone(), path[..i].to_string());
                match_parts(rest, &path[i..], &b, out);
            }
        }
    }
}

fn substitute(parts: &[Part], bound: &Bindings) -> Option<String> {
    parts
        .iter()
        .map(|p| match p {
            Part::Lit(l) => Some(l.clone()),
            Part::Var(v) => bound.get(v).cloned(),
        })
        .collect()
}

/// The path a values argument names, relative to the repository root (scripts are run from
/// the root in CI; a `secrets://` prefix is the helm-secrets plugin's).
fn values_path(word: &str) -> &str {
    let w = word.strip_prefix("secrets://").unwrap_or(word);
    w.strip_prefix("./").unwrap_or(w)
}

/// At most this many variable bindings per command (a `${X}.yaml` in a big folder).
const MAX_BINDINGS: usize = 64;

/// Variables set to plain values in the same file: `NAME=value` (shell, `export`), and
/// `NAME: value` in a CI file's `env:` (upper-case names only).
fn assignments(text: &str) -> Bindings {
    let mut out = Bindings::new();
    for line in text.lines() {
        let t = line.trim_start();
        let t = t.strip_prefix("export ").unwrap_or(t);
        let (name, value) = match t.split_once('=') {
            Some((n, v)) if !n.contains(' ') => (n, v),
            _ => match t.split_once(": ") {
                Some((n, v))
                    if n.chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') =>
                {
                    (n, v)
                }
                _ => continue,
            },
        };
        let value = value.trim().trim_matches(['"', '\'']);
        let is_name = !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit());
        if is_name && !value.is_empty() && !value.contains(['$', ' ', '`', '(']) {
            out.insert(name.to_string(), value.to_string());
        }
    }
    out
}

/// Several commands of one file that use the same variable (`${CIRCLE_BRANCH}` in a GCP and
/// an AWS deploy step) run with the same values: keep the values every command can take.
fn consistent_bindings(per_command: Vec<Vec<(Bindings, Hub)>>) -> Vec<Hub> {
    let mut allowed: BTreeMap<String, Option<std::collections::BTreeSet<String>>> = BTreeMap::new();
    for hubs in &per_command {
        let mut seen: BTreeMap<&str, std::collections::BTreeSet<String>> = BTreeMap::new();
        for (b, _) in hubs {
            for (k, v) in b {
                seen.entry(k).or_default().insert(v.clone());
            }
        }
        for (k, values) in seen {
            let entry = allowed.entry(k.to_string()).or_insert(None);
            *entry = Some(match entry.take() {
                None => values,
                Some(prev) => {
                    let both: std::collections::BTreeSet<String> =
                        prev.intersection(&values).cloned().collect();
                    if both.is_empty() {
                        prev.union(&values).cloned().collect()
                    } else {
                        both
                    }
                }
            });
        }
    }
    per_command
        .into_iter()
        .flatten()
        .filter(|(b, _)| {
            b.iter().all(|(k, v)| {
                allowed
                    .get(k)
                    .and_then(|a| a.as_ref())
                    .is_none_or(|a| a.contains(v))
            })
        })
        .map(|(_, hub)| hub)
        .collect()
}

fn hubs_of(
    ws: &Workspace,
    model: &RepoModel,
    file: &SourceFile,
    cmd: &HelmCommand,
    assigned: &Bindings,
) -> Vec<(Bindings, Hub)> {
    let (chart_file, remote) = chart_of(ws, cmd, &file.path);
    if chart_file.is_none() && remote.is_none() {
        return Vec::new();
    }
    let accepts = |path: &str| values_file_for_chart(ws, model, chart_file.as_deref(), path);
    let mut bindings: Vec<Bindings> = vec![assigned.clone()];
    let patterns: Vec<Vec<Part>> = cmd
        .values
        .iter()
        .map(|w| parts_of(values_path(&w.text)))
        .collect();
    for parts in &patterns {
        if parts.iter().all(|p| matches!(p, Part::Lit(_))) {
            continue;
        }
        // A command substitution, or a path that is all variable (a temporary file), says
        // nothing about which file it is.
        if parts
            .iter()
            .any(|p| matches!(p, Part::Var(v) if v.starts_with("$(")))
            || !parts
                .iter()
                .any(|p| matches!(p, Part::Lit(l) if !l.trim_matches('/').is_empty()))
        {
            continue;
        }
        let mut next = Vec::new();
        for b in &bindings {
            let mut matched = Vec::new();
            // A file the command already names (`${ENV}` = `common` beside `common.yaml`) is
            // not another value of the variable.
            let earlier: Vec<String> = patterns
                .iter()
                .take_while(|p| !std::ptr::eq(*p, parts))
                .filter_map(|p| substitute(p, b).map(|s| normalize(&s)))
                .collect();
            for f in ws.files() {
                if f.path.starts_with('.') || earlier.contains(&f.path) || !accepts(&f.path) {
                    continue;
                }
                let mut found = Vec::new();
                match_parts(parts, &f.path, b, &mut found);
                // Prefer the binding that keeps variables within one path segment.
                found.sort_by_key(|b| b.values().map(|v| v.matches('/').count()).sum::<usize>());
                matched.extend(found.into_iter().take(1));
            }
            if matched.is_empty() {
                next.push(b.clone());
            } else {
                next.extend(matched);
            }
        }
        next.truncate(MAX_BINDINGS);
        bindings = next;
    }
    let mut hubs = Vec::new();
    for bound in bindings {
        let bound: Bindings = bound;
        let name_text = cmd
            .release
            .as_ref()
            .map(|r| substitute(&parts_of(&r.text), &bound).unwrap_or_else(|| r.text.clone()))
            .unwrap_or_else(|| "release".into());
        let mut values = Vec::new();
        let mut hidden = false;
        let mut seen: Vec<String> = Vec::new();
        for (word, parts) in cmd.values.iter().zip(&patterns) {
            let written = Spanned::new(word.text.clone(), &file.path, word.range);
            match substitute(parts, &bound) {
                Some(p) => {
                    let path = normalize(&p);
                    if seen.contains(&path) {
                        continue;
                    }
                    seen.push(path.clone());
                    let mut v = ValuesRef::file(&path, written);
                    if !ws.contains(&path) {
                        v.not_yaml = Some(NotYaml::Missing);
                        hidden = true;
                    } else if !model.is_data(&path) {
                        v.not_yaml = Some(NotYaml::Secret);
                        hidden = true;
                    }
                    values.push(v);
                }
                None => {
                    let mut v = ValuesRef::file(&word.text, written);
                    v.not_yaml = Some(NotYaml::Missing);
                    hidden = true;
                    values.push(v);
                }
            }
        }
        // A variable-bound hub whose only own file is not values for this chart is noise.
        let label = if name_text.contains('$') {
            values
                .iter()
                .rev()
                .find(|v| v.not_yaml.is_none())
                .map(|v| {
                    v.path
                        .trim_end_matches(".yaml")
                        .trim_end_matches(".yml")
                        .to_string()
                })
                .unwrap_or(name_text)
        } else {
            name_text
        };
        let at = cmd
            .release
            .as_ref()
            .map_or(cmd.at, |r| TextRange::new(cmd.at.start, r.range.end));
        let mut hub = Hub::new(
            FoundBy::HelmCommand,
            "",
            Spanned::new(label, &file.path, at),
        );
        hub.chart_file = chart_file.clone();
        hub.remote_chart = remote.clone();
        hub.values_files = values;
        hub.has_hidden_values = hidden;
        let own: Bindings = bound
            .into_iter()
            .filter(|(k, _)| !assigned.contains_key(k))
            .collect();
        hubs.push((own, hub));
    }
    hubs
}

/// A local chart folder (relative to the repository root, or to the script's folder), or a
/// repository chart (`repo/name`, `oci://…/name`, `--repo URL name`).
fn chart_of(
    ws: &Workspace,
    cmd: &HelmCommand,
    script: &str,
) -> (Option<String>, Option<RemoteChart>) {
    let text = cmd.chart.text.trim_end_matches('/');
    if text.contains('$') {
        return (None, None);
    }
    let local = text.strip_prefix("./").unwrap_or(text);
    let script_dir = crate::workspace::parent(script);
    for dir in [local.to_string(), join(script_dir, local)] {
        let chart = join(&dir, "Chart.yaml");
        if ws.contains(&chart) {
            return (Some(chart), None);
        }
    }
    let name = text.rsplit('/').next().unwrap_or(text);
    let is_repo_chart =
        cmd.repo.is_some() || text.starts_with("oci://") || text.matches('/').count() == 1;
    if !is_repo_chart && !super::wrappers::WRAPPERS.contains(&name) && name != "jupyterhub" {
        return (None, None);
    }
    let version = cmd
        .version
        .as_ref()
        .map(|v| Spanned::new(v.text.clone(), script, v.range));
    (
        None,
        Some(RemoteChart {
            name: name.to_string(),
            version,
        }),
    )
}

/// Whether a file a variable matched can be a values file of the deployed chart: YAML, not a
/// Kubernetes object, and (for a local chart) sharing a top-level key with the chart's values.
fn values_file_for_chart(
    ws: &Workspace,
    model: &RepoModel,
    chart_file: Option<&str>,
    path: &str,
) -> bool {
    let Some(file) = ws.get(path) else {
        return false;
    };
    if !file.is_yaml() || file.kind() != FileKind::Yaml {
        return false;
    }
    if !model.is_data(path) {
        // Ciphertext: a secrets file of the deployment, by its name.
        return path.contains("secret");
    }
    let Some(root) = file.yaml_root() else {
        return false;
    };
    if is_kubernetes_manifest(root) || root.as_mapping().is_none() {
        return false;
    }
    let keys: Vec<&str> = root
        .as_mapping()
        .unwrap_or_default()
        .iter()
        .filter_map(|e| e.key.as_str())
        .collect();
    let Some(chart) = chart_file.and_then(|c| model.chart(c)) else {
        return keys
            .iter()
            .any(|k| Z2JH_TOP_KEYS.contains(k) || *k == "jupyterhub");
    };
    let defaults = ws
        .get(&join(&chart.dir, "values.yaml"))
        .and_then(|f| f.yaml_root());
    keys.iter().any(|k| {
        *k == "global"
            || chart.dependencies.iter().any(|d| d.values_key() == *k)
            || defaults.is_some_and(|d| d.get(k).is_some())
            || (chart.name() == Some("jupyterhub") && Z2JH_TOP_KEYS.contains(k))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(words: &[Word]) -> Vec<&str> {
        words.iter().map(|w| w.text.as_str()).collect()
    }

    #[test]
    fn shell_lines_with_continuations_quotes_and_flags() {
        let text = "set -e\n# helm upgrade --install old chart\nhelm upgrade --cleanup-on-fail \\\n  --install $RELEASE jupyterhub/jupyterhub \\\n  --namespace $NS --version=0.11.1 \\\n  --values hub/config.yaml --values secrets://hub/secrets.yaml -f 'a b.yaml' && echo ok\n";
        let cmds = shell_commands(text);
        assert_eq!(cmds.len(), 1, "{cmds:?}");
        let c = &cmds[0];
        assert_eq!(c.release.as_ref().unwrap().text, "$RELEASE");
        assert_eq!(c.chart.text, "jupyterhub/jupyterhub");
        assert_eq!(c.version.as_ref().unwrap().text, "0.11.1");
        assert_eq!(
            &text[c.version.as_ref().unwrap().range.start..c.version.as_ref().unwrap().range.end],
            "0.11.1"
        );
        assert_eq!(
            texts(&c.values),
            ["hub/config.yaml", "secrets://hub/secrets.yaml", "a b.yaml"]
        );
    }

    #[test]
    fn template_and_generate_name_take_one_positional() {
        let c = &shell_commands("helm template ./chart -f v.yaml\n")[0];
        assert!(c.release.is_none());
        assert_eq!(c.chart.text, "./chart");
        assert!(shell_commands("helm install myrelease\n").is_empty());
        assert!(shell_commands("helm repo add jupyterhub https://x\n").is_empty());
        assert!(shell_commands("myhelm upgrade a b\n").is_empty());
    }

    #[test]
    fn python_argument_lists_resolve_simple_assignments() {
        let text = "def deploy(hubname):\n    chart = \"jupyterhub/jupyterhub\"\n    jupyter_version = \"0.10.6\"\n    yamlfile = \"{}.yaml\".format(hubname)\n    config_file = os.path.join(\"hub-configs\",yamlfile)\n    args = [\n        \"upgrade\",\n        \"--install\",\n        hubname,\n        chart,\n        \"--version\",\n        jupyter_version,\n        \"-f\",\n        config_file,\n        f\"secrets/{hubname}.yaml\",\n        #\"--force\",\n    ]\n";
        let cmds = python_commands(text);
        assert_eq!(cmds.len(), 1, "{cmds:?}");
        let c = &cmds[0];
        assert_eq!(c.chart.text, "jupyterhub/jupyterhub");
        assert_eq!(c.version.as_ref().unwrap().text, "0.10.6");
        assert_eq!(c.release.as_ref().unwrap().text, "${hubname}");
        assert_eq!(texts(&c.values), ["hub-configs/${hubname}.yaml"]);
    }

    #[test]
    fn variables_bind_once_across_the_command() {
        let parts = parts_of("deploy/${BRANCH}.yaml");
        let mut out = Vec::new();
        match_parts(&parts, "deploy/staging.yaml", &Bindings::new(), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0]["BRANCH"], "staging");
        let again = parts_of("secrets/$BRANCH.yaml");
        assert_eq!(
            substitute(&again, &out[0]).as_deref(),
            Some("secrets/staging.yaml")
        );
    }
}
