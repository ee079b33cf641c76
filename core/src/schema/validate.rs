//! Draft-07 validation of merged values, reporting at the line that wrote each value.
//!
//! The subset values schemas use: `type` (and type lists), `properties`, `required`,
//! `additionalProperties`, `patternProperties`, `enum`, `const`, `minimum`, `items`,
//! `minItems`, `oneOf`, `anyOf`, `allOf`, `if`/`then`/`else`. Types follow helm: values are
//! read with YAML 1.1 rules and pass through JSON, so `1.0` is an integer and `0644` is 420.

use super::instance::{kind_name, types_phrase, Inst, ScalarValue, Shape};
use super::suggest::did_you_mean;
use super::tree::{Additional, Dependency, NodeId, Schema};
use crate::diagnostic::{Edit, Fix};
use crate::text::TextRange;
use crate::yaml;
use crate::yaml::helm;
use serde_json::Value as Json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// S001: a key the schema does not allow.
    UnknownKey,
    /// S002: a value of the wrong type.
    WrongType,
    /// Y003: a plain scalar helm reads as a non-string where a string is required.
    Coerced,
    /// S003: a value outside `enum`/`const`/`minimum`/`minItems`, or no `oneOf` form fits.
    NotAllowed,
    /// S004: a required key is missing.
    Missing,
}

#[derive(Debug, Clone)]
pub struct Finding<'a> {
    pub kind: Kind,
    pub file: &'a str,
    pub range: TextRange,
    pub message: String,
    pub fixes: Vec<Fix>,
    /// Depth of the value in the tree, and whether it is about the value itself
    /// (type/enum/const): a combinator uses both to tell which alternative was meant.
    depth: usize,
    by_value: bool,
    /// For `Missing`: the key that is missing.
    missing: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'m> {
    Key(&'m str),
    Index(usize),
}

pub fn path_string(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => {
                s.push('[');
                s.push_str(&i.to_string());
                s.push(']');
            }
        }
    }
    s
}

pub struct Validator<'s> {
    pub schema: &'s Schema,
    /// Keys may come from files hublint cannot read (secrets, jsonnet): never report a
    /// required key missing.
    pub hidden_values: bool,
    /// The chart's defaults are merged in. Without them, required keys on fixed paths (not
    /// below a pattern, map or list item) count as supplied by the chart's `values.yaml`.
    pub defaults_known: bool,
    /// Names the schema in messages, e.g. "jupyterhub chart 4.3.3 schema".
    pub source: &'s str,
}

impl<'s> Validator<'s> {
    pub fn validate<'m, 'a: 'm>(
        &self,
        inst: Inst<'m, 'a>,
        id: NodeId,
        path: &mut Vec<Seg<'m>>,
        out: &mut Vec<Finding<'a>>,
    ) {
        self.check(inst, id, path, true, out);
    }

    fn finding<'a>(
        &self,
        kind: Kind,
        file: &'a str,
        range: TextRange,
        message: String,
        depth: usize,
    ) -> Finding<'a> {
        Finding {
            kind,
            file,
            range,
            message,
            fixes: Vec::new(),
            depth,
            by_value: matches!(kind, Kind::WrongType | Kind::Coerced),
            missing: None,
        }
    }

    /// S003 at the value: "`path` {why} (schema)".
    fn not_allowed<'m, 'a: 'm>(
        &self,
        inst: Inst<'m, 'a>,
        path: &[Seg<'m>],
        why: impl std::fmt::Display,
    ) -> Finding<'a> {
        self.finding(
            Kind::NotAllowed,
            inst.file(),
            inst.value_range().unwrap_or_default(),
            format!("`{}` {why} ({})", path_string(path), self.source),
            path.len(),
        )
    }

    fn check<'m, 'a: 'm>(
        &self,
        inst: Inst<'m, 'a>,
        id: NodeId,
        path: &mut Vec<Seg<'m>>,
        fixed: bool,
        out: &mut Vec<Finding<'a>>,
    ) {
        let node = self.schema.node(id);
        let shape = inst.shape();
        // An explicit null deletes a chart default in helm; without the defaults at hand,
        // hublint cannot tell a deletion from a null that stays, so it checks neither. With
        // them, the merge has done the deleting and a null left is a value helm validates.
        if matches!(shape, Shape::Scalar(ScalarValue::Null)) && !self.defaults_known {
            return;
        }
        if node.never {
            out.push(self.not_allowed(inst, path, "is not allowed here"));
            return;
        }
        let bits = match shape {
            Shape::Object => super::tree::Types::OBJECT,
            Shape::Array(_) => super::tree::Types::ARRAY,
            Shape::Scalar(v) => v.type_bits(),
        };
        if !node.types.allows(bits) {
            out.push(self.type_finding(inst, &shape, node.types, path));
            return;
        }
        match shape {
            Shape::Scalar(v) => self.scalar_value(inst, node, v, path, out),
            Shape::Object => {
                self.collection_value(inst, node, &shape, path, out);
                self.check_object(inst, node, id, path, fixed, out);
                self.object_keywords(inst, node, path, fixed, out);
            }
            Shape::Array(items) => {
                self.collection_value(inst, node, &shape, path, out);
                self.check_array(inst, node, items, path, out);
            }
        }
        self.applicators(inst, node, path, fixed, out);
    }

    /// `enum`, `const`, `minimum` and the other scalar keywords on a scalar.
    fn scalar_value<'m, 'a: 'm>(
        &self,
        inst: Inst<'m, 'a>,
        node: &super::tree::SchemaNode,
        v: ScalarValue<'a>,
        path: &[Seg<'m>],
        out: &mut Vec<Finding<'a>>,
    ) {
        if let Some(allowed) = node
            .enum_values
            .as_ref()
            .filter(|a| !a.iter().any(|a| v.equals_json(a)))
        {
            let listed = allowed.iter().map(show_json).collect::<Vec<_>>().join(", ");
            let mut f = self.not_allowed(
                inst,
                path,
                format!("is {}, not one of {listed}", show_scalar(v)),
            );
            f.by_value = true;
            let better = match v {
                ScalarValue::Str(s) => did_you_mean(s, allowed.iter().filter_map(Json::as_str)),
                _ => None,
            };
            if let Some(better) = better {
                f.message.push_str(&format!("; did you mean `{better}`?"));
                f.fixes.push(Fix::unsafe_(
                    format!("Replace with `{better}`"),
                    vec![Edit {
                        file: inst.file().to_string(),
                        range: f.range,
                        replacement: yaml_scalar_text(better),
                    }],
                ));
            }
            out.push(f);
        }
        if let Some(c) = node.const_value.as_ref().filter(|c| !v.equals_json(c)) {
            let mut f = self.not_allowed(inst, path, format!("must be {}", show_json(c)));
            f.by_value = true;
            out.push(f);
        }
        if let (Some(min), ScalarValue::Number(n)) = (node.minimum, v) {
            if n < min {
                let why = format!(
                    "is {}, below the minimum {}",
                    helm::go_format_float(n),
                    helm::go_format_float(min)
                );
                out.push(self.not_allowed(inst, path, why));
            }
        }
        if let Some(why) = scalar_keywords(node, v) {
            out.push(self.not_allowed(inst, path, why));
        }
    }

    /// `enum` and `const` on a map or a list, compared as JSON.
    fn collection_value<'m, 'a: 'm>(
        &self,
        inst: Inst<'m, 'a>,
        node: &super::tree::SchemaNode,
        shape: &Shape<'a>,
        path: &[Seg<'m>],
        out: &mut Vec<Finding<'a>>,
    ) {
        if node.enum_values.is_none() && node.const_value.is_none() {
            return;
        }
        let value = inst.to_json();
        let allowed = |j: &Json| json_equal(&value, j);
        let in_enum = node
            .enum_values
            .as_ref()
            .is_none_or(|e| e.iter().any(allowed));
        let is_const = node.const_value.as_ref().is_none_or(allowed);
        if !in_enum || !is_const {
            let why = format!(
                "is {}, which the schema does not allow here",
                kind_name(shape)
            );
            let mut f = self.not_allowed(inst, path, why);
            f.by_value = true;
            out.push(f);
        }
    }

    /// A list's own keywords, then each item against its schema.
    fn check_array<'m, 'a: 'm>(
        &self,
        inst: Inst<'m, 'a>,
        node: &super::tree::SchemaNode,
        items: &'a [crate::yaml::Node],
        path: &mut Vec<Seg<'m>>,
        out: &mut Vec<Finding<'a>>,
    ) {
        if let Some(why) = array_keywords(self, node, inst, items, path) {
            out.push(self.not_allowed(inst, path, why));
        }
        if let Some(min) = node.min_items.filter(|min| (items.len() as u64) < *min) {
            let n = items.len();
            let why = format!(
                "has {n} item{}, fewer than the minimum {min}",
                if n == 1 { "" } else { "s" }
            );
            out.push(self.not_allowed(inst, path, why));
        }
        for (i, item) in items.iter().enumerate() {
            let schema_id = node.tuple_items.get(i).copied().or(
                match (node.tuple_items.is_empty(), node.additional_items) {
                    (true, _) => node.items,
                    (false, Additional::Schema(a)) => Some(a),
                    (false, _) => None,
                },
            );
            if let Some(item_id) = schema_id {
                path.push(Seg::Index(i));
                let child = Inst::Raw {
                    file: inst.file(),
                    key: None,
                    node: item,
                };
                self.check(child, item_id, path, false, out);
                path.pop();
            }
        }
    }

    /// `allOf`, `anyOf`, `oneOf`, `if`/`then`/`else` and `not`.
    fn applicators<'m, 'a: 'm>(
        &self,
        inst: Inst<'m, 'a>,
        node: &super::tree::SchemaNode,
        path: &mut Vec<Seg<'m>>,
        fixed: bool,
        out: &mut Vec<Finding<'a>>,
    ) {
        for &sub in &node.all_of {
            self.check(inst, sub, path, fixed, out);
        }
        if !node.any_of.is_empty() {
            self.combinator(inst, &node.any_of, false, path, fixed, out);
        }
        if !node.one_of.is_empty() {
            self.combinator(inst, &node.one_of, true, path, fixed, out);
        }
        if let Some(cond) = node
            .if_
            .filter(|&c| !self.condition_needs_defaults(inst, c, fixed))
        {
            let branch = if self.passes(inst, cond, path, fixed) {
                node.then_
            } else {
                node.else_
            };
            if let Some(b) = branch {
                self.check(inst, b, path, fixed, out);
            }
        }
        if let Some(not) = node.not {
            if self.passes(inst, not, path, fixed) {
                let why = "fits a form the schema rules out (`not`)";
                out.push(self.not_allowed(inst, path, why));
            }
        }
    }

    /// Without the chart's defaults, whether an `if` names a key the value leaves out: the
    /// chart's `values.yaml` may set it (`imagePullSecret.create: false`) and decide the
    /// branch, so neither branch is judged, as required keys on fixed paths are not.
    fn condition_needs_defaults(&self, inst: Inst<'_, '_>, cond: NodeId, fixed: bool) -> bool {
        if self.defaults_known || !fixed || !matches!(inst.shape(), Shape::Object) {
            return false;
        }
        let entries = inst.entries();
        let present = |key: &str| entries.iter().any(|(k, _)| *k == key);
        let cond = self.schema.node(cond);
        cond.properties.iter().any(|(key, _)| !present(key))
            || cond.required.iter().any(|key| !present(key))
    }

    /// Whether the value fits the schema `id` (nothing found).
    fn passes<'m, 'a: 'm>(
        &self,
        inst: Inst<'m, 'a>,
        id: NodeId,
        path: &mut Vec<Seg<'m>>,
        fixed: bool,
    ) -> bool {
        let mut probe = Vec::new();
        self.check(inst, id, path, fixed, &mut probe);
        probe.is_empty()
    }

    /// `minProperties`, `maxProperties`, `propertyNames`, `dependencies`.
    fn object_keywords<'m, 'a: 'm>(
        &self,
        inst: Inst<'m, 'a>,
        node: &super::tree::SchemaNode,
        path: &mut Vec<Seg<'m>>,
        fixed: bool,
        out: &mut Vec<Finding<'a>>,
    ) {
        let no_object_keywords = node.min_properties.is_none()
            && node.max_properties.is_none()
            && node.property_names.is_none()
            && node.dependencies.is_empty();
        if no_object_keywords {
            return;
        }
        let entries = inst.entries();
        let depth = path.len();
        let count = entries.len() as u64;
        let range = inst.key_range().unwrap_or_default();
        let bound = match (node.min_properties, node.max_properties) {
            (Some(min), _) if count < min => {
                Some(format!("has {count} keys, fewer than the minimum {min}"))
            }
            (_, Some(max)) if count > max => {
                Some(format!("has {count} keys, more than the maximum {max}"))
            }
            _ => None,
        };
        if let Some(why) = bound {
            out.push(self.finding(
                Kind::NotAllowed,
                inst.file(),
                range,
                format!("`{}` {why} ({})", path_string(path), self.source),
                depth,
            ));
        }
        if let Some(names) = node.property_names {
            for (key, child) in &entries {
                let name = yaml::Node {
                    range: child.key_range().unwrap_or_default(),
                    props: None,
                    from_alias: false,
                    value: yaml::Value::Scalar(yaml::Scalar {
                        style: yaml::ScalarStyle::DoubleQuoted,
                        text: (*key).into(),
                    }),
                };
                let mut probe = Vec::new();
                let key_inst = Inst::Raw {
                    file: inst.file(),
                    key: None,
                    node: &name,
                };
                // Its own path: the probe's messages are not shown.
                self.check(key_inst, names, &mut Vec::new(), false, &mut probe);
                if !probe.is_empty() {
                    path.push(Seg::Key(key));
                    let mut f = self.finding(
                        Kind::UnknownKey,
                        inst.file(),
                        child.key_range().unwrap_or_default(),
                        if depth == 0 {
                            format!(
                                "unknown key `{key}` at the top level (a name the schema's `propertyNames` rules out) ({})",
                                self.source
                            )
                        } else {
                            format!(
                                "unknown key `{key}` in `{}` (a name the schema's `propertyNames` rules out) ({})",
                                path_string(&path[..depth]),
                                self.source
                            )
                        },
                        depth + 1,
                    );
                    f.by_value = false;
                    out.push(f);
                    path.pop();
                }
            }
        }
        let report_missing = !self.hidden_values && (self.defaults_known || !fixed);
        for (key, dep) in &node.dependencies {
            if !entries.iter().any(|(k, _)| *k == &**key) {
                continue;
            }
            match dep {
                Dependency::Keys(keys) => {
                    let missing: Vec<&str> = keys
                        .iter()
                        .map(|k| &**k)
                        .filter(|k| !entries.iter().any(|(e, _)| e == k))
                        .collect();
                    if !missing.is_empty() && report_missing {
                        let mut f = self.finding(
                            Kind::Missing,
                            inst.file(),
                            range,
                            format!(
                                "{}, which `{key}` needs ({})",
                                missing_message(path, &missing, ""),
                                self.source
                            ),
                            depth,
                        );
                        f.missing = Some(missing.join(","));
                        out.push(f);
                    }
                }
                Dependency::Schema(id) => self.check(inst, *id, path, fixed, out),
            }
        }
    }

    fn type_finding<'m, 'a: 'm>(
        &self,
        inst: Inst<'m, 'a>,
        shape: &Shape<'a>,
        types: super::tree::Types,
        path: &[Seg<'m>],
    ) -> Finding<'a> {
        let file = inst.file();
        let range = inst.value_range().unwrap_or_default();
        let where_ = path_string(path);
        if let (Some(text), Shape::Scalar(v)) = (inst.plain_scalar(), shape) {
            if types.has(super::tree::Types::STRING) && !matches!(v, ScalarValue::Str(_)) {
                let resolved = helm::resolve_yaml11(text);
                let mut f = self.finding(
                    Kind::Coerced,
                    file,
                    range,
                    format!(
                        "helm reads {} as {}, but `{}` must be a string ({})",
                        text,
                        describe_resolved(&resolved),
                        where_,
                        self.source
                    ),
                    path.len(),
                );
                f.fixes.push(quote_fix(file, range, text));
                return f;
            }
        }
        self.finding(
            Kind::WrongType,
            file,
            range,
            format!(
                "`{}` must be {}, not {} ({})",
                where_,
                types_phrase(types),
                kind_name(shape),
                self.source
            ),
            path.len(),
        )
    }

    fn check_object<'m, 'a: 'm>(
        &self,
        inst: Inst<'m, 'a>,
        node: &super::tree::SchemaNode,
        _id: NodeId,
        path: &mut Vec<Seg<'m>>,
        fixed: bool,
        out: &mut Vec<Finding<'a>>,
    ) {
        let entries = inst.entries();
        let report_missing = !self.hidden_values && (self.defaults_known || !fixed);
        if report_missing {
            let missing: Vec<&str> = node
                .required
                .iter()
                .map(|r| &**r)
                .filter(|r| !entries.iter().any(|(k, _)| k == r))
                .collect();
            if !missing.is_empty() {
                // One report for all of them: they are missing at the same place, also when
                // a `then` or `allOf` of the same mapping requires more (the report is made
                // once per place).
                let range = inst.key_range().unwrap_or_default();
                let earlier = out.iter_mut().find(|f| {
                    f.kind == Kind::Missing
                        && f.file == inst.file()
                        && f.range == range
                        && f.depth == path.len()
                        && f.missing.as_deref().is_some_and(|m| !m.is_empty())
                });
                if let Some(f) = earlier {
                    let mut all: Vec<String> = f
                        .missing
                        .as_deref()
                        .unwrap_or("")
                        .split(',')
                        .map(str::to_string)
                        .collect();
                    for key in &missing {
                        if !all.iter().any(|a| a == key) {
                            all.push(key.to_string());
                        }
                    }
                    let keys: Vec<&str> = all.iter().map(String::as_str).collect();
                    f.message = missing_message(path, &keys, self.source);
                    f.missing = Some(all.join(","));
                } else {
                    let mut f = self.finding(
                        Kind::Missing,
                        inst.file(),
                        range,
                        missing_message(path, &missing, self.source),
                        path.len(),
                    );
                    f.missing = Some(missing.join(","));
                    out.push(f);
                }
            }
        }
        for (key, child) in entries {
            let mut matched = false;
            path.push(Seg::Key(key));
            if let Some(pid) = node.property(key) {
                matched = true;
                self.check(child, pid, path, fixed, out);
            }
            for (pattern, pid) in &node.pattern_properties {
                if pattern.matches(key) {
                    matched = true;
                    self.check(child, *pid, path, false, out);
                }
            }
            if !matched {
                match node.additional {
                    Additional::Any => {}
                    Additional::Schema(aid) => self.check(child, aid, path, false, out),
                    Additional::Forbidden => {
                        out.push(self.unknown_key(child, key, node, path));
                    }
                }
            }
            path.pop();
        }
    }

    fn unknown_key<'m, 'a: 'm>(
        &self,
        child: Inst<'m, 'a>,
        key: &str,
        node: &super::tree::SchemaNode,
        path: &[Seg<'m>],
    ) -> Finding<'a> {
        let parent = &path[..path.len() - 1];
        let range = child.key_range().unwrap_or_default();
        let mut message = if parent.is_empty() {
            format!(
                "unknown key `{key}` at the top level (not in the {})",
                self.source
            )
        } else {
            format!(
                "unknown key `{key}` in `{}` (not in the {})",
                path_string(parent),
                self.source
            )
        };
        let mut f = self.finding(
            Kind::UnknownKey,
            child.file(),
            range,
            String::new(),
            path.len(),
        );
        let candidates = node.properties.iter().map(|(k, _)| &**k);
        if let Some(better) = did_you_mean(key, candidates) {
            message.push_str(&format!("; did you mean `{better}`?"));
            if child.key().is_some() {
                f.fixes.push(Fix::unsafe_(
                    format!("Rename `{key}` to `{better}`"),
                    vec![Edit {
                        file: child.file().to_string(),
                        range,
                        replacement: yaml_scalar_text(better),
                    }],
                ));
            }
        } else if !node.pattern_properties.is_empty() {
            let pats: Vec<&str> = node
                .pattern_properties
                .iter()
                .map(|(p, _)| &*p.source)
                .collect();
            message.push_str(&format!("; keys here must match {}", pats.join(" or ")));
        }
        f.message = message;
        f
    }

    /// `anyOf` (`one` false) or `oneOf` (`one` true).
    fn combinator<'m, 'a: 'm>(
        &self,
        inst: Inst<'m, 'a>,
        branches: &[NodeId],
        one: bool,
        path: &mut Vec<Seg<'m>>,
        fixed: bool,
        out: &mut Vec<Finding<'a>>,
    ) {
        let mut results: Vec<Vec<Finding<'a>>> = Vec::with_capacity(branches.len());
        for &b in branches {
            let mut probe = Vec::new();
            self.check(inst, b, path, fixed, &mut probe);
            results.push(probe);
        }
        let passing = results.iter().filter(|r| r.is_empty()).count();
        if passing == 1 || (passing > 1 && (!one || self.hidden_values)) {
            return;
        }
        let depth = path.len();
        let file = inst.file();
        let range = inst.key_range().unwrap_or_default();
        if passing > 1 {
            out.push(self.finding(
                Kind::NotAllowed,
                file,
                range,
                format!(
                    "`{}` fits {} of the alternatives the schema allows, but must fit exactly one ({})",
                    path_string(path),
                    passing,
                    self.source
                ),
                depth,
            ));
            return;
        }
        // The alternatives whose distinguishing values fit: the user meant one of these.
        let meant: Vec<&Vec<Finding<'a>>> = results
            .iter()
            .filter(|r| !r.iter().any(|f| f.by_value && f.depth <= depth + 1))
            .collect();
        if meant.is_empty() {
            out.push(self.finding(
                Kind::NotAllowed,
                file,
                range,
                format!(
                    "`{}` fits none of the alternatives the schema allows ({})",
                    path_string(path),
                    self.source
                ),
                depth,
            ));
            return;
        }
        let only_missing_here = meant.len() > 1
            && meant.iter().all(|r| {
                r.iter()
                    .all(|f| f.kind == Kind::Missing && f.depth == depth)
            });
        if only_missing_here {
            let forms: Vec<String> = meant
                .iter()
                .map(|r| {
                    let keys: Vec<String> = r
                        .iter()
                        .filter_map(|f| f.missing.as_deref())
                        .flat_map(|k| k.split(','))
                        .map(|k| format!("`{k}`"))
                        .collect();
                    if keys.len() == 1 {
                        keys[0].clone()
                    } else {
                        format!("all of {}", keys.join(", "))
                    }
                })
                .collect();
            let mut f = self.finding(
                Kind::Missing,
                file,
                range,
                format!(
                    "`{}` needs {} ({})",
                    path_string(path),
                    forms.join(", or "),
                    self.source
                ),
                depth,
            );
            f.missing = Some(String::new());
            out.push(f);
            return;
        }
        let best = meant
            .into_iter()
            .min_by_key(|r| r.len())
            .expect("not empty");
        out.extend(best.iter().cloned());
    }
}

/// How helm reads a plain scalar, in words: "the number 1.1", "the boolean true".
pub fn describe_resolved(r: &helm::Resolved) -> String {
    match r {
        helm::Resolved::Bool(b) => format!("the boolean {b}"),
        helm::Resolved::Null => "null".into(),
        helm::Resolved::String => "a string".into(),
        _ => format!(
            "the number {}",
            r.helm_rendering().unwrap_or_else(|| "?".into())
        ),
    }
}

/// Quote a plain scalar so helm reads the text as written.
pub fn quote_fix(file: &str, range: TextRange, text: &str) -> Fix {
    let quoted = format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""));
    Fix::safe(
        format!("Quote it: {quoted}"),
        vec![Edit {
            file: file.to_string(),
            range,
            replacement: quoted,
        }],
    )
}

/// A string as a YAML scalar: plain when helm would read it back as the same string.
pub fn yaml_scalar_text(s: &str) -> String {
    let plain_ok = !s.is_empty()
        && helm::resolve_yaml11(s) == helm::Resolved::String
        && s.chars().all(|c| c.is_alphanumeric() || "_-./".contains(c))
        && !s.starts_with(['-', '.']);
    if plain_ok {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

fn show_scalar(v: ScalarValue) -> String {
    match v {
        ScalarValue::Null => "null".into(),
        ScalarValue::Bool(b) => b.to_string(),
        ScalarValue::Number(n) => helm::go_format_float(n),
        ScalarValue::Str(s) => format!("{s:?}"),
    }
}

fn show_json(j: &Json) -> String {
    match j {
        Json::String(s) if s.is_empty() => "\"\"".into(),
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// "`hub.image` is missing the required key `tag`" / "... keys `name`, `tag`" / "the
/// required key `x` is missing at the top level"; `source` appended in parentheses when set.
fn missing_message(path: &[Seg], missing: &[&str], source: &str) -> String {
    let keys = missing
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let noun = if missing.len() == 1 { "key" } else { "keys" };
    let text = if path.is_empty() {
        format!(
            "the required {noun} {keys} {} missing at the top level",
            if missing.len() == 1 { "is" } else { "are" }
        )
    } else {
        format!(
            "`{}` is missing the required {noun} {keys}",
            path_string(path)
        )
    };
    if source.is_empty() {
        text
    } else {
        format!("{text} ({source})")
    }
}

/// JSON equality as JSON Schema means it: numbers by value (`1` equals `1.0`).
pub fn json_equal(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// The number and string keywords a scalar breaks, in words ("is longer than ...").
fn scalar_keywords(node: &super::tree::SchemaNode, v: ScalarValue) -> Option<String> {
    match v {
        ScalarValue::Number(n) => {
            let f = helm::go_format_float;
            if let Some(max) = node.maximum.filter(|m| n > *m) {
                return Some(format!("is {}, above the maximum {}", f(n), f(max)));
            }
            if let Some(min) = node.exclusive_minimum.filter(|m| n <= *m) {
                return Some(format!("is {}, not above {}", f(n), f(min)));
            }
            if let Some(max) = node.exclusive_maximum.filter(|m| n >= *m) {
                return Some(format!("is {}, not below {}", f(n), f(max)));
            }
            if let Some(m) = node.multiple_of {
                // What is left over, with room for binary fractions (0.3 is 3 × 0.1).
                let rest = n - m * (n / m).round();
                if !rest.is_finite() || rest.abs() > 1e-9 * m.abs() {
                    return Some(format!("is {}, not a multiple of {}", f(n), f(m)));
                }
            }
            None
        }
        ScalarValue::Str(s) => {
            let len = s.chars().count() as u64;
            if let Some(min) = node.min_length.filter(|m| len < *m) {
                return Some(format!(
                    "is {len} characters long, shorter than the minimum {min}"
                ));
            }
            if let Some(max) = node.max_length.filter(|m| len > *m) {
                return Some(format!(
                    "is {len} characters long, longer than the maximum {max}"
                ));
            }
            if let Some(p) = node
                .pattern
                .as_ref()
                .filter(|p| p.is_checked() && !p.matches(s))
            {
                return Some(format!(
                    "is {s:?}, which does not match the pattern `{}`",
                    p.source
                ));
            }
            let format = node.format.as_deref()?;
            let what = super::format::violation(format, s)?;
            Some(format!("is {s:?}, not {what} (`format: {format}`)"))
        }
        _ => None,
    }
}

/// `maxItems`, `uniqueItems`, `contains` and `additionalItems: false` broken by a list.
fn array_keywords<'m, 'a: 'm>(
    v: &Validator,
    node: &super::tree::SchemaNode,
    inst: Inst<'m, 'a>,
    items: &'a [crate::yaml::Node],
    path: &mut Vec<Seg<'m>>,
) -> Option<String> {
    let n = items.len();
    if let Some(max) = node.max_items.filter(|m| n as u64 > *m) {
        return Some(format!("has {n} items, more than the maximum {max}"));
    }
    if node.additional_items == Additional::Forbidden
        && !node.tuple_items.is_empty()
        && n > node.tuple_items.len()
    {
        return Some(format!(
            "has {n} items; the schema allows {}",
            node.tuple_items.len()
        ));
    }
    if node.unique_items {
        let json: Vec<Json> = items.iter().map(super::tree::yaml_to_json).collect();
        for i in 0..n {
            if let Some(j) = (i + 1..n).find(|&j| json_equal(&json[i], &json[j])) {
                return Some(format!(
                    "has equal items at {i} and {j}; the schema wants them unique"
                ));
            }
        }
    }
    if let Some(c) = node.contains {
        let file = inst.file();
        let any = items.iter().enumerate().any(|(i, item)| {
            path.push(Seg::Index(i));
            let ok = v.passes(
                Inst::Raw {
                    file,
                    key: None,
                    node: item,
                },
                c,
                path,
                false,
            );
            path.pop();
            ok
        });
        if !any {
            return Some("has no item of the kind the schema's `contains` asks for".into());
        }
    }
    None
}
