//! A values schema as a table of nodes: the draft-07 keywords hublint checks, children by
//! index. Built from the compiled-in table (`core/data/schemas/jupyterhub.json`, shared by all
//! releases) or from a schema file in the workspace (YAML or JSON, descriptions kept).

use crate::yaml::{self, Node, Value as YamlValue};
use serde_json::Value as Json;
use std::collections::HashMap;

pub type NodeId = u32;

/// JSON types a node allows, as a bit set; empty means any type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Types(pub u8);

impl Types {
    pub const NULL: u8 = 1;
    pub const BOOLEAN: u8 = 2;
    pub const INTEGER: u8 = 4;
    pub const NUMBER: u8 = 8;
    pub const STRING: u8 = 16;
    pub const ARRAY: u8 = 32;
    pub const OBJECT: u8 = 64;
    const NAMES: [(u8, &'static str); 7] = [
        (Self::OBJECT, "object"),
        (Self::ARRAY, "array"),
        (Self::STRING, "string"),
        (Self::BOOLEAN, "boolean"),
        (Self::INTEGER, "integer"),
        (Self::NUMBER, "number"),
        (Self::NULL, "null"),
    ];

    pub fn is_any(self) -> bool {
        self.0 == 0
    }
    pub fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }
    /// Whether a value of these JSON kinds (bits; a whole number carries both INTEGER and
    /// NUMBER) is allowed.
    pub fn allows(self, value_bits: u8) -> bool {
        self.is_any() || self.0 & value_bits != 0
    }
    /// JSON Schema names of the allowed types (empty for any).
    pub fn names(self) -> Vec<&'static str> {
        Self::NAMES
            .iter()
            .filter(|(b, _)| self.has(*b))
            .map(|(_, n)| *n)
            .collect()
    }
    fn bit(name: &str) -> Option<u8> {
        Self::NAMES
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(b, _)| *b)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Additional {
    /// `additionalProperties` absent or `true`.
    #[default]
    Any,
    /// `additionalProperties: false`.
    Forbidden,
    Schema(NodeId),
}

/// A `pattern` or `patternProperties` regex, read as Helm's Go regexp reads it: Unicode classes
/// (`\p{L}`) expanded to ranges, a `{` that starts no repetition taken as itself. One regex-lite
/// still cannot compile matches every key, so an exotic pattern never causes a false "unknown
/// key".
#[derive(Debug, Clone)]
pub struct Pattern {
    pub source: Box<str>,
    regex: Option<regex_lite::Regex>,
}

impl Pattern {
    fn new(source: &str) -> Pattern {
        Pattern {
            source: source.into(),
            regex: go_regex(source),
        }
    }
    pub fn matches(&self, key: &str) -> bool {
        self.regex.as_ref().is_none_or(|r| r.is_match(key))
    }
    /// Whether regex-lite could compile it.
    pub fn is_checked(&self) -> bool {
        self.regex.is_some()
    }
}

/// A Go (RE2) regular expression as regex-lite, or `None` if it is invalid to either.
pub(super) fn go_regex(source: &str) -> Option<regex_lite::Regex> {
    let expanded = super::unicode::expand(source).ok()?;
    regex_lite::Regex::new(&expanded)
        .or_else(|_| regex_lite::Regex::new(&super::format::literal_braces(&expanded)))
        .ok()
}

/// What `dependencies` asks of an object that has a key.
#[derive(Debug, Clone)]
pub enum Dependency {
    /// These keys too.
    Keys(Vec<Box<str>>),
    /// The object also fits this schema.
    Schema(NodeId),
}

#[derive(Debug, Clone, Default)]
pub struct SchemaNode {
    pub types: Types,
    pub properties: Vec<(Box<str>, NodeId)>,
    pub pattern_properties: Vec<(Pattern, NodeId)>,
    pub additional: Additional,
    pub required: Vec<Box<str>>,
    pub enum_values: Option<Vec<Json>>,
    pub const_value: Option<Json>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: Option<f64>,
    pub exclusive_maximum: Option<f64>,
    pub multiple_of: Option<f64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<Pattern>,
    /// `format`, which helm's validator asserts (see `super::format`).
    pub format: Option<Box<str>>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
    pub contains: Option<NodeId>,
    /// `additionalItems`, for items past a tuple-form `items`.
    pub additional_items: Additional,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    pub property_names: Option<NodeId>,
    pub dependencies: Vec<(Box<str>, Dependency)>,
    pub not: Option<NodeId>,
    pub items: Option<NodeId>,
    /// `items` written as a list: draft-07 checks item `n` against entry `n`.
    pub tuple_items: Vec<NodeId>,
    pub one_of: Vec<NodeId>,
    pub any_of: Vec<NodeId>,
    pub all_of: Vec<NodeId>,
    pub if_: Option<NodeId>,
    pub then_: Option<NodeId>,
    pub else_: Option<NodeId>,
    /// The schema `false`: nothing is valid.
    pub never: bool,
    pub description: Option<Box<str>>,
}

impl SchemaNode {
    pub fn property(&self, name: &str) -> Option<NodeId> {
        self.properties
            .iter()
            .find(|(k, _)| &**k == name)
            .map(|(_, id)| *id)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Schema {
    pub nodes: Vec<SchemaNode>,
    /// While building from JSON: each `$ref` target built once (`None` while being built,
    /// so a reference cycle accepts anything where it closes).
    refs: HashMap<String, Option<NodeId>>,
}

/// Deeper schema files than this are cut off (their deeper parts accept anything).
const MAX_SCHEMA_DEPTH: usize = 64;

impl Schema {
    pub fn node(&self, id: NodeId) -> &SchemaNode {
        &self.nodes[id as usize]
    }

    /// Read the compiled-in table format (see `scripts/gen-schemas.py`). Rows may only refer
    /// to earlier rows, so the graph has no cycles; a row that breaks this is emptied.
    pub fn from_rows(rows: &[Json]) -> Schema {
        let mut patterns: HashMap<String, Pattern> = HashMap::new();
        let mut nodes = Vec::with_capacity(rows.len());
        for (at, row) in rows.iter().enumerate() {
            let child = |v: &Json| -> Option<NodeId> {
                let id = v.as_u64()?;
                ((id as usize) < at).then_some(id as NodeId)
            };
            let ids = |v: Option<&Json>| -> Vec<NodeId> {
                v.and_then(Json::as_array)
                    .map(|a| a.iter().filter_map(child).collect())
                    .unwrap_or_default()
            };
            let pairs = |v: Option<&Json>| -> Vec<(String, NodeId)> {
                v.and_then(Json::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|p| {
                                let p = p.as_array()?;
                                Some((p.first()?.as_str()?.to_string(), child(p.get(1)?)?))
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let mut n = SchemaNode {
                types: Types(row.get("t").and_then(Json::as_u64).unwrap_or(0) as u8),
                properties: pairs(row.get("p"))
                    .into_iter()
                    .map(|(k, id)| (k.into_boxed_str(), id))
                    .collect(),
                pattern_properties: pairs(row.get("pp"))
                    .into_iter()
                    .map(|(k, id)| {
                        let p = patterns
                            .entry(k.clone())
                            .or_insert_with(|| Pattern::new(&k))
                            .clone();
                        (p, id)
                    })
                    .collect(),
                required: row
                    .get("r")
                    .and_then(Json::as_array)
                    .map(|a| a.iter().filter_map(|s| Some(s.as_str()?.into())).collect())
                    .unwrap_or_default(),
                enum_values: row.get("e").and_then(Json::as_array).cloned(),
                const_value: row
                    .get("c")
                    .and_then(Json::as_array)
                    .and_then(|a| a.first().cloned()),
                minimum: row.get("min").and_then(Json::as_f64),
                maximum: row.get("max").and_then(Json::as_f64),
                exclusive_minimum: row.get("xmin").and_then(Json::as_f64),
                exclusive_maximum: row.get("xmax").and_then(Json::as_f64),
                multiple_of: row.get("mo").and_then(Json::as_f64).filter(|m| *m > 0.0),
                min_length: row.get("mnl").and_then(Json::as_u64),
                max_length: row.get("mxl").and_then(Json::as_u64),
                pattern: row.get("pat").and_then(Json::as_str).map(|p| {
                    patterns
                        .entry(p.to_string())
                        .or_insert_with(|| Pattern::new(p))
                        .clone()
                }),
                format: row.get("fmt").and_then(Json::as_str).map(Into::into),
                min_items: row.get("mi").and_then(Json::as_u64),
                max_items: row.get("mxi").and_then(Json::as_u64),
                unique_items: row.get("u").and_then(Json::as_bool).unwrap_or(false),
                contains: row.get("ct").and_then(child),
                additional_items: match row.get("ai") {
                    Some(Json::Bool(false)) => Additional::Forbidden,
                    Some(v) => child(v).map_or(Additional::Any, Additional::Schema),
                    None => Additional::Any,
                },
                min_properties: row.get("mnp").and_then(Json::as_u64),
                max_properties: row.get("mxp").and_then(Json::as_u64),
                property_names: row.get("pn").and_then(child),
                dependencies: row
                    .get("dep")
                    .and_then(Json::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|d| {
                                let d = d.as_array()?;
                                let name: Box<str> = d.first()?.as_str()?.into();
                                let dep = match d.get(1)? {
                                    Json::Array(keys) => Dependency::Keys(
                                        keys.iter()
                                            .filter_map(|k| Some(k.as_str()?.into()))
                                            .collect(),
                                    ),
                                    v => Dependency::Schema(child(v)?),
                                };
                                Some((name, dep))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                not: row.get("not").and_then(child),
                items: row.get("i").and_then(child),
                tuple_items: ids(row.get("it")),
                one_of: ids(row.get("o")),
                any_of: ids(row.get("a")),
                all_of: ids(row.get("al")),
                if_: row.get("if").and_then(child),
                then_: row.get("th").and_then(child),
                else_: row.get("el").and_then(child),
                ..SchemaNode::default()
            };
            n.additional = match row.get("ap") {
                Some(Json::Bool(false)) => Additional::Forbidden,
                Some(v) => child(v).map_or(Additional::Any, Additional::Schema),
                None => Additional::Any,
            };
            nodes.push(n);
        }
        Schema {
            nodes,
            refs: HashMap::new(),
        }
    }

    /// Build from a JSON Schema document (parsed JSON, or YAML turned into JSON). Returns
    /// the schema and its root.
    pub fn from_json(doc: &Json) -> (Schema, NodeId) {
        let mut s = Schema::default();
        let root = s.add_json(doc, doc, 0);
        (s, root)
    }

    fn push(&mut self, n: SchemaNode) -> NodeId {
        self.nodes.push(n);
        (self.nodes.len() - 1) as NodeId
    }

    /// `root` is the whole document, for local `$ref`s (`#/definitions/x`), which are built
    /// in place: a reference cycle ends at the depth limit, accepting anything there.
    fn add_json(&mut self, v: &Json, root: &Json, depth: usize) -> NodeId {
        if let Some(target) = v
            .get("$ref")
            .and_then(Json::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            // In draft-07 a `$ref` replaces its siblings.
            match self.refs.get(target) {
                Some(Some(id)) => return *id,
                Some(None) => return self.push(SchemaNode::default()),
                None => {}
            }
            let Some(doc) = root.pointer(target).filter(|_| depth < MAX_SCHEMA_DEPTH) else {
                return self.push(SchemaNode::default());
            };
            self.refs.insert(target.to_string(), None);
            let id = self.add_json(doc, root, depth + 1);
            self.refs.insert(target.to_string(), Some(id));
            return id;
        }
        let obj = match v {
            Json::Object(o) if depth < MAX_SCHEMA_DEPTH => o,
            Json::Bool(false) => {
                return self.push(SchemaNode {
                    never: true,
                    ..SchemaNode::default()
                })
            }
            _ => return self.push(SchemaNode::default()),
        };
        let mut n = SchemaNode::default();
        let sub = |s: &mut Schema, v: &Json| s.add_json(v, root, depth + 1);
        let list = |s: &mut Schema, v: &Json| -> Vec<NodeId> {
            v.as_array()
                .map(|a| a.iter().map(|x| s.add_json(x, root, depth + 1)).collect())
                .unwrap_or_default()
        };
        for (key, value) in obj {
            match key.as_str() {
                "type" => {
                    let mut bits = 0u8;
                    match value {
                        Json::String(t) => bits |= Types::bit(t).unwrap_or(0),
                        Json::Array(a) => {
                            for t in a.iter().filter_map(Json::as_str) {
                                bits |= Types::bit(t).unwrap_or(0);
                            }
                        }
                        _ => {}
                    }
                    n.types = Types(bits);
                }
                "properties" => {
                    if let Some(o) = value.as_object() {
                        for (k, v) in o {
                            let id = sub(self, v);
                            n.properties.push((k.as_str().into(), id));
                        }
                    }
                }
                "patternProperties" => {
                    if let Some(o) = value.as_object() {
                        for (k, v) in o {
                            let id = sub(self, v);
                            n.pattern_properties.push((Pattern::new(k), id));
                        }
                    }
                }
                "additionalProperties" => {
                    n.additional = match value {
                        Json::Bool(false) => Additional::Forbidden,
                        Json::Bool(true) => Additional::Any,
                        v => Additional::Schema(sub(self, v)),
                    }
                }
                "required" => {
                    n.required = value
                        .as_array()
                        .map(|a| a.iter().filter_map(|s| Some(s.as_str()?.into())).collect())
                        .unwrap_or_default()
                }
                "enum" => n.enum_values = value.as_array().cloned(),
                "const" => n.const_value = Some(value.clone()),
                "minimum" => n.minimum = value.as_f64(),
                "maximum" => n.maximum = value.as_f64(),
                // Draft-04's boolean forms are not draft-07's: ignored, as helm does.
                "exclusiveMinimum" => n.exclusive_minimum = value.as_f64(),
                "exclusiveMaximum" => n.exclusive_maximum = value.as_f64(),
                "multipleOf" => n.multiple_of = value.as_f64().filter(|m| *m > 0.0),
                "minLength" => n.min_length = value.as_u64(),
                "maxLength" => n.max_length = value.as_u64(),
                "pattern" => n.pattern = value.as_str().map(Pattern::new),
                "format" => n.format = value.as_str().map(Into::into),
                "minItems" => n.min_items = value.as_u64(),
                "maxItems" => n.max_items = value.as_u64(),
                "uniqueItems" => n.unique_items = value.as_bool().unwrap_or(false),
                "contains" => n.contains = Some(sub(self, value)),
                "additionalItems" => {
                    n.additional_items = match value {
                        Json::Bool(false) => Additional::Forbidden,
                        Json::Bool(true) => Additional::Any,
                        v => Additional::Schema(sub(self, v)),
                    }
                }
                "minProperties" => n.min_properties = value.as_u64(),
                "maxProperties" => n.max_properties = value.as_u64(),
                "propertyNames" => n.property_names = Some(sub(self, value)),
                "dependencies" => {
                    if let Some(o) = value.as_object() {
                        for (k, v) in o {
                            let dep = match v {
                                Json::Array(keys) => Dependency::Keys(
                                    keys.iter()
                                        .filter_map(|k| Some(k.as_str()?.into()))
                                        .collect(),
                                ),
                                v => Dependency::Schema(sub(self, v)),
                            };
                            n.dependencies.push((k.as_str().into(), dep));
                        }
                    }
                }
                "not" => n.not = Some(sub(self, value)),
                "items" => match value {
                    Json::Array(_) => n.tuple_items = list(self, value),
                    v => n.items = Some(sub(self, v)),
                },
                "oneOf" => n.one_of = list(self, value),
                "anyOf" => n.any_of = list(self, value),
                "allOf" => n.all_of = list(self, value),
                "if" => n.if_ = Some(sub(self, value)),
                "then" => n.then_ = Some(sub(self, value)),
                "else" => n.else_ = Some(sub(self, value)),
                "description" => n.description = value.as_str().map(Into::into),
                // Annotations and keywords hublint does not check.
                _ => {}
            }
        }
        self.push(n)
    }
}

/// A YAML node as the JSON helm would hand to a schema validator (YAML 1.1 scalars).
pub fn yaml_to_json(node: &Node) -> Json {
    match &node.value {
        YamlValue::Mapping(entries) => {
            let mut map = serde_json::Map::new();
            for e in entries {
                let key = e.key.as_str().unwrap_or_default().to_string();
                map.insert(key, yaml_to_json(&e.value));
            }
            Json::Object(map)
        }
        YamlValue::Sequence(items) => Json::Array(items.iter().map(yaml_to_json).collect()),
        YamlValue::Scalar(s) => scalar_to_json(node, s),
    }
}

fn scalar_to_json(node: &Node, s: &yaml::Scalar) -> Json {
    use yaml::helm::{resolve_yaml11, HelmType, Resolved};
    match node.helm_type() {
        HelmType::Null => Json::Null,
        HelmType::String => Json::String(s.text.to_string()),
        _ => match resolve_yaml11(&s.text) {
            Resolved::Bool(b) => Json::Bool(b),
            Resolved::Int(i) => i64::try_from(i)
                .map(Json::from)
                .unwrap_or_else(|_| Json::from(i as f64)),
            Resolved::Float(f) => serde_json::Number::from_f64(f)
                .map(Json::Number)
                .unwrap_or(Json::Null),
            Resolved::Null => Json::Null,
            // A tagged scalar whose text does not resolve: keep the text.
            Resolved::String => Json::String(s.text.to_string()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_refer_only_backwards() {
        let rows: Vec<Json> = serde_json::from_str(
            r#"[{"t":16},{"p":[["a",0],["b",5]],"ap":false,"i":1},{"pp":[[".*",0]],"ap":1}]"#,
        )
        .unwrap();
        let s = Schema::from_rows(&rows);
        assert_eq!(s.node(1).properties.len(), 1, "forward reference dropped");
        assert_eq!(s.node(1).items, None, "self reference dropped");
        assert_eq!(s.node(1).additional, Additional::Forbidden);
        assert_eq!(s.node(2).additional, Additional::Schema(1));
        assert!(s.node(2).pattern_properties[0].0.matches("anything"));
    }

    #[test]
    fn from_yaml_keeps_descriptions_and_types() {
        let doc = yaml::parse(
            "type: object\nproperties:\n  tag:\n    type: [string, \"null\"]\n    description: The tag.\n  mode:\n    enum: [null, yes, 0644]\nadditionalProperties: false\n",
        );
        let (s, root) = Schema::from_json(&yaml_to_json(&doc.docs[0]));
        let r = s.node(root);
        let tag = s.node(r.property("tag").unwrap());
        assert_eq!(tag.types.names(), vec!["string", "null"]);
        assert_eq!(tag.description.as_deref(), Some("The tag."));
        let mode = s.node(r.property("mode").unwrap());
        assert_eq!(
            mode.enum_values.as_ref().unwrap(),
            &vec![Json::Null, Json::Bool(true), Json::from(420)]
        );
    }

    #[test]
    fn bad_patterns_match_everything() {
        let p = Pattern::new("(unclosed");
        assert!(p.matches("x"));
        let p = Pattern::new("^[A-Z].*$");
        assert!(p.matches("KubeSpawner") && !p.matches("kubeSpawner"));
        let p = Pattern::new(r"^\p{Lu}\p{Ll}+$");
        assert!(p.is_checked() && p.matches("Éte") && !p.matches("été"));
        let p = Pattern::new("^{a}$");
        assert!(p.is_checked() && p.matches("{a}") && !p.matches("a"));
    }
}
