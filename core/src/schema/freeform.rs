//! The parts of the jupyterhub values the schema leaves open, checked for what helm's YAML
//! 1.1 reading does to them (Y003) and, under `hub.config`, for trait names the classes do
//! not have (S005).

use super::finding::{Check, HubFinding};
use super::instance::{Inst, ScalarValue, Shape};
use super::suggest::{did_you_mean, within_one_edit};
use super::traits;
use super::validate::{describe_resolved, path_string, quote_fix, Seg};
use crate::diagnostic::{Edit, Fix};
use crate::values::Merged;
use crate::yaml::helm::{self, Resolved};

/// Areas the schema does not type, below the jupyterhub chart's values.
const FREE_FORM: &[&[&str]] = &[
    &["hub", "config"],
    &["hub", "extraConfig"],
    &["singleuser", "profileList"],
    &["custom"],
];

/// Check the jupyterhub subtree `j` (at `nesting` in the merged values); `hub.config`
/// trait names only when `traits` (the trait lists fit the hub's JupyterHub).
pub fn check(j: &Merged, nesting: &[String], traits: bool, out: &mut Vec<HubFinding>) {
    let base: Vec<Seg> = nesting.iter().map(|k| Seg::Key(k.as_str())).collect();
    for area in FREE_FORM {
        if let Some(m) = j.get_path(area) {
            let mut path = base.clone();
            path.extend(area.iter().map(|k| Seg::Key(k)));
            walk_scalars(
                Inst::Merged(m),
                &mut path,
                &mut |inst, path, part| match part {
                    Part::Value => yaml_versions_differ(inst, path, out),
                    Part::Key => key_changes(inst, path, out),
                },
            );
        }
    }
    if let Some(config) = j.get_path(&["hub", "config"]).filter(|_| traits) {
        let mut path = base.clone();
        path.extend([Seg::Key("hub"), Seg::Key("config")]);
        check_traits(config, &mut path, out);
    }
    // `extraEnv` maps and lists anywhere (hub, singleuser, proxy, scheduler…), and
    // KubeSpawner's `environment`.
    let mut path = base.clone();
    find_env(Inst::Merged(j), &mut path, 0, out);
}

/// Which part of an entry a walk callback is looking at.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Key,
    Value,
}

/// Call `f` on every mapping key and every scalar value below `inst`.
fn walk_scalars<'m, 'a: 'm>(
    inst: Inst<'m, 'a>,
    path: &mut Vec<Seg<'m>>,
    f: &mut dyn FnMut(Inst<'m, 'a>, &[Seg<'m>], Part),
) {
    match inst.shape() {
        Shape::Object => {
            for (k, child) in inst.entries() {
                path.push(Seg::Key(k));
                f(child, path, Part::Key);
                walk_scalars(child, path, f);
                path.pop();
            }
        }
        Shape::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                let child = Inst::Raw {
                    file: inst.file(),
                    key: None,
                    node: item,
                };
                walk_scalars(child, path, f);
                path.pop();
            }
        }
        Shape::Scalar(_) => f(inst, path, Part::Value),
    }
}

/// A JSON-level reading of a resolved scalar, to compare YAML 1.1 with 1.2.
fn reading(r: &Resolved) -> Option<ScalarValue<'static>> {
    Some(match r {
        Resolved::Null => ScalarValue::Null,
        Resolved::Bool(b) => ScalarValue::Bool(*b),
        Resolved::Int(i) => ScalarValue::Number(*i as f64),
        Resolved::Float(f) => ScalarValue::Number(*f),
        Resolved::String => return None,
    })
}

fn yaml_versions_differ(inst: Inst, path: &[Seg], out: &mut Vec<HubFinding>) {
    let Some(text) = inst.plain_scalar() else {
        return;
    };
    let r11 = helm::resolve_yaml11(text);
    let r12 = helm::resolve_yaml12(text);
    let same = match (reading(&r11), reading(&r12)) {
        (None, None) => true,
        (Some(ScalarValue::Number(a)), Some(ScalarValue::Number(b))) => {
            a == b || (a.is_nan() && b.is_nan())
        }
        (a, b) => a == b,
    };
    if same {
        return;
    }
    let Some(range) = inst.value_range() else {
        return;
    };
    let yaml12 = match &r12 {
        Resolved::String => format!("the string \"{text}\""),
        other => describe_resolved(other),
    };
    let mut d = HubFinding::new(
        Check::NonString,
        inst.file(),
        range,
        format!(
            "helm reads {text} as {} (YAML 1.1), while YAML 1.2 tools read {yaml12}; `{}` is not checked by the schema",
            describe_resolved(&r11),
            path_string(path)
        ),
    );
    let explicit = match &r11 {
        Resolved::Bool(b) => Some(b.to_string()),
        Resolved::Int(i) => Some(i.to_string()),
        Resolved::Float(f) if f.is_finite() => Some(format!("{f:?}")),
        _ => None,
    };
    if let Some(value) = explicit {
        d.fixes.push(Fix::unsafe_(
            format!("Write helm's reading: {value}"),
            vec![Edit {
                file: inst.file().to_string(),
                range,
                replacement: value,
            }],
        ));
    }
    let mut quote = quote_fix(inst.file(), range, text);
    quote.applicability = crate::diagnostic::Applicability::Unsafe;
    d.fixes.push(quote);
    out.push(d);
}

/// How helm reads a plain scalar that is no string to it and prints as other text than was
/// written (`yes` → true, `0123` → 83), with that printed form.
fn printed_otherwise(text: &str) -> Option<(Resolved, String)> {
    let r = helm::resolve_yaml11(text);
    if matches!(r, Resolved::String | Resolved::Null) {
        return None;
    }
    let rendered = r.helm_rendering()?;
    (rendered != text).then_some((r, rendered))
}

/// Mapping keys become strings in helm's JSON round trip: a plain key that YAML 1.1 reads as
/// a boolean or number turns into its printed form (`on:` → `"true"`, helm#32504), so the
/// key the author wrote does not exist.
fn key_changes(entry: Inst, path: &[Seg], out: &mut Vec<HubFinding>) {
    let Some(key) = entry.key() else { return };
    let Some(s) = key.as_scalar() else { return };
    if s.style != crate::yaml::ScalarStyle::Plain || key.tag().is_some() || key.from_alias {
        return;
    }
    let text = s.text.as_str();
    let Some((r, rendered)) = printed_otherwise(text) else {
        return;
    };
    let mut d = HubFinding::new(
        Check::NonString,
        entry.file(),
        key.range,
        format!(
            "helm reads the key {text} as {}, so the key becomes \"{rendered}\" (`{}`)",
            describe_resolved(&r),
            path_string(path)
        ),
    );
    d.fixes.push(quote_fix(entry.file(), key.range, text));
    out.push(d);
}

/// Environment variable values are strings: a plain scalar that helm turns into a number or
/// boolean whose printed form differs from the text sets another value than written.
fn env_value(inst: Inst, path: &[Seg], name: &str, out: &mut Vec<HubFinding>) {
    let Some(text) = inst.plain_scalar() else {
        return;
    };
    let Some((r, rendered)) = printed_otherwise(text) else {
        return;
    };
    let Some(range) = inst.value_range() else {
        return;
    };
    let mut d = HubFinding::new(
        Check::NonString,
        inst.file(),
        range,
        format!(
            "helm reads {text} as {}, not the string \"{text}\": environment variable `{name}` would get \"{rendered}\" (`{}`)",
            describe_resolved(&r),
            path_string(path)
        ),
    );
    d.fixes.push(quote_fix(inst.file(), range, text));
    out.push(d);
}

fn find_env<'m, 'a: 'm>(
    inst: Inst<'m, 'a>,
    path: &mut Vec<Seg<'m>>,
    depth: usize,
    out: &mut Vec<HubFinding>,
) {
    // extraEnv sits at most three levels down (`proxy.chp.extraEnv`); the free-form areas
    // and lists are not searched.
    if depth > 3 || !inst.is_object() {
        return;
    }
    for (k, child) in inst.entries() {
        if matches!(k, "extraConfig" | "custom" | "extraFiles" | "profileList") {
            continue;
        }
        path.push(Seg::Key(k));
        let is_env = k == "extraEnv"
            || (k == "environment"
                && matches!(path.iter().rev().nth(1), Some(Seg::Key(c)) if *c == "KubeSpawner"));
        if is_env {
            env_entries(child, path, out);
        } else {
            find_env(child, path, depth + 1, out);
        }
        path.pop();
    }
}

/// `NAME: value` (a map) or `- name: NAME / value: …` (a list of env var objects).
fn env_entries<'m, 'a: 'm>(inst: Inst<'m, 'a>, path: &mut Vec<Seg<'m>>, out: &mut Vec<HubFinding>) {
    match inst.shape() {
        Shape::Object => {
            for (name, v) in inst.entries() {
                path.push(Seg::Key(name));
                match v.shape() {
                    Shape::Scalar(_) => env_value(v, path, name, out),
                    // `NAME: {value: …}` as in a k8s EnvVar without the name.
                    Shape::Object => {
                        if let Some((_, value)) =
                            v.entries().into_iter().find(|(k, _)| *k == "value")
                        {
                            path.push(Seg::Key("value"));
                            env_value(value, path, name, out);
                            path.pop();
                        }
                    }
                    Shape::Array(_) => {}
                }
                path.pop();
            }
        }
        Shape::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let entries = Inst::Raw {
                    file: inst.file(),
                    key: None,
                    node: item,
                }
                .entries();
                let name = entries
                    .iter()
                    .find(|(k, _)| *k == "name")
                    .and_then(|(_, n)| n.node()?.as_str())
                    .unwrap_or("?");
                if let Some((_, value)) = entries.iter().find(|(k, _)| *k == "value") {
                    path.push(Seg::Index(i));
                    path.push(Seg::Key("value"));
                    env_value(*value, path, name, out);
                    path.pop();
                    path.pop();
                }
            }
        }
        Shape::Scalar(_) => {}
    }
}

/// S005: under `hub.config.<Class>`, a trait the class (or a parent class) does not have.
fn check_traits<'m, 'a: 'm>(
    config: &'m Merged<'a>,
    path: &mut Vec<Seg<'m>>,
    out: &mut Vec<HubFinding>,
) {
    for (class, section) in Inst::Merged(config).entries() {
        path.push(Seg::Key(class));
        let Some(known) = traits::settable_in_section(class) else {
            // Classes from other packages are fine; a near miss of a known one is a typo.
            let near = traits::known_classes().iter().copied().filter(|c| {
                c.len().abs_diff(class.len()) <= 1
                    && (c.eq_ignore_ascii_case(class) || within_one_edit(c, class))
            });
            let near: Vec<&str> = near.collect();
            if let (Some(better), Some(range)) = (near.first(), section.key_range()) {
                let mut d = HubFinding::new(Check::UnknownTrait, section.file(),
                    range,
                    format!(
                        "`{}`: no class `{class}` is known; did you mean `{better}`? traitlets silently ignores configuration for classes that are never used",
                        path_string(path)
                    ),
                );
                d.fixes
                    .push(rename_fix(section.file(), range, class, better));
                out.push(d);
            }
            path.pop();
            continue;
        };
        if matches!(section.shape(), Shape::Object) {
            for (name, value) in section.entries() {
                if known.binary_search(&name).is_ok() {
                    continue;
                }
                // Upper-case keys are nested config sections (`c.Parent.Child.trait`).
                if name.starts_with(|c: char| c.is_ascii_uppercase()) {
                    nested_section(class, name, value, out);
                    continue;
                }
                let Some(range) = value.key_range() else {
                    continue;
                };
                let (message, better) = unknown_trait(class, name, known);
                let mut d = HubFinding::new(Check::UnknownTrait, value.file(), range, message);
                if let Some(b) = better {
                    d.fixes.push(rename_fix(value.file(), range, name, b));
                }
                out.push(d);
            }
        }
        path.pop();
    }
}

/// `hub.config.GitHubOAuthenticator.Authenticator`: traitlets applies a nested section only
/// to objects created with the outer one as their parent. JupyterHub creates the
/// authenticator with the JupyterHub app as parent and spawners with none, so below any
/// class but `JupyterHub` a nested known class is dead configuration (and traitlets does not
/// warn about section keys).
fn nested_section(outer: &str, inner: &str, value: Inst, out: &mut Vec<HubFinding>) {
    if outer == "JupyterHub" || !traits::is_known_class(inner) {
        return;
    }
    let Some(range) = value.key_range() else {
        return;
    };
    out.push(HubFinding::new(Check::UnknownTrait, value.file(),
        range,
        format!(
            "`{inner}` is nested under `{outer}`: traitlets applies it only to an `{inner}` created by a `{outer}`, which JupyterHub never does, so these settings are silently ignored; move it up to `hub.config.{inner}`"
        ),
    ));
}

/// What to say about `name`, which `class` (settable traits `known`) does not have, and the
/// trait it is probably a typo of. Shared by `hub.config` (S005) and `c.Class.trait` in
/// Python snippets (P002).
pub(super) fn unknown_trait(
    class: &str,
    name: &str,
    known: &'static [&'static str],
) -> (String, Option<&'static str>) {
    // A section applies to subclasses too, so a base class is checked against every
    // subclass hublint knows; say so.
    let subclasses = if traits::has_known_subclasses(class) {
        ", nor does any subclass hublint knows"
    } else {
        ""
    };
    let mut message = format!(
        "`{class}` has no configurable trait `{name}`{subclasses}: JupyterHub ignores it (traitlets only logs a warning)"
    );
    let better = did_you_mean(name, known.iter().copied());
    if let Some(b) = better {
        let owner = traits::defined_on(class, b).unwrap_or(class);
        if owner == class {
            message.push_str(&format!("; did you mean `{b}`?"));
        } else {
            message.push_str(&format!("; did you mean `{b}` (from {owner})?"));
        }
    } else if let Some(owner) = {
        // The class that introduces it (not one that merely inherits it).
        traits::known_classes()
            .iter()
            .copied()
            .find(|c| *c != class && traits::defined_on(c, name) == Some(*c))
    } {
        message.push_str(&format!("; `{name}` is a trait of `{owner}`"));
    }
    (message, better)
}

pub(super) fn rename_fix(file: &str, range: crate::text::TextRange, from: &str, to: &str) -> Fix {
    Fix::unsafe_(
        format!("Rename `{from}` to `{to}`"),
        vec![Edit {
            file: file.to_string(),
            range,
            replacement: to.to_string(),
        }],
    )
}
