//! The value being validated: a node of a hub's merged values (which remembers the file
//! that wrote it) or, below a list, a YAML node of one file. Either way every value knows
//! the file, key and byte range it was written at.

use crate::text::TextRange;
use crate::values::{Merged, MergedKind};
use crate::yaml::helm::{self, HelmType, Resolved};
use crate::yaml::{Node, ScalarStyle, Value};
use serde_json::Value as Json;

use super::tree::Types;

#[derive(Clone, Copy, Debug)]
pub enum Inst<'m, 'a: 'm> {
    Merged(&'m Merged<'a>),
    Raw {
        file: &'a str,
        key: Option<&'a Node>,
        node: &'a Node,
    },
}

/// A scalar as helm hands it to the schema validator (after its JSON round trip).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ScalarValue<'a> {
    Null,
    Bool(bool),
    Number(f64),
    Str(&'a str),
}

impl<'a> ScalarValue<'a> {
    /// JSON type bits: a whole number is both an integer and a number (gojsonschema).
    pub fn type_bits(self) -> u8 {
        match self {
            ScalarValue::Null => Types::NULL,
            ScalarValue::Bool(_) => Types::BOOLEAN,
            ScalarValue::Number(f) if f.fract() == 0.0 && f.is_finite() => {
                Types::INTEGER | Types::NUMBER
            }
            ScalarValue::Number(_) => Types::NUMBER,
            ScalarValue::Str(_) => Types::STRING,
        }
    }

    pub fn equals_json(self, j: &Json) -> bool {
        match (self, j) {
            (ScalarValue::Null, Json::Null) => true,
            (ScalarValue::Bool(a), Json::Bool(b)) => a == *b,
            (ScalarValue::Number(a), Json::Number(b)) => b.as_f64() == Some(a),
            (ScalarValue::Str(a), Json::String(b)) => a == b,
            _ => false,
        }
    }

    pub fn from_node(node: &'a Node) -> Option<ScalarValue<'a>> {
        let s = node.as_scalar()?;
        if node.tag().is_none() {
            if s.style != ScalarStyle::Plain {
                return Some(ScalarValue::Str(&s.text));
            }
            // Resolve once (helm_type() would resolve again below).
            return Some(match helm::resolve_yaml11(&s.text) {
                Resolved::Null => ScalarValue::Null,
                Resolved::Bool(b) => ScalarValue::Bool(b),
                Resolved::Int(i) => ScalarValue::Number(i as f64),
                Resolved::Float(f) => ScalarValue::Number(f),
                Resolved::String => ScalarValue::Str(&s.text),
            });
        }
        Some(match node.helm_type() {
            HelmType::Null => ScalarValue::Null,
            HelmType::String => ScalarValue::Str(&s.text),
            _ => match helm::resolve_yaml11(&s.text) {
                Resolved::Bool(b) => ScalarValue::Bool(b),
                Resolved::Int(i) => ScalarValue::Number(i as f64),
                Resolved::Float(f) => ScalarValue::Number(f),
                Resolved::Null => ScalarValue::Null,
                // `!!int abc` and the like: helm would fail to read the file.
                Resolved::String => ScalarValue::Str(&s.text),
            },
        })
    }
}

/// What a value is, for type checks.
#[derive(Debug, Clone, Copy)]
pub enum Shape<'a> {
    Object,
    Array(&'a [Node]),
    Scalar(ScalarValue<'a>),
}

impl<'m, 'a: 'm> Inst<'m, 'a> {
    pub fn file(&self) -> &'a str {
        match self {
            Inst::Merged(m) => m.file,
            Inst::Raw { file, .. } => file,
        }
    }

    pub fn node(&self) -> Option<&'a Node> {
        match self {
            Inst::Merged(m) => m.node,
            Inst::Raw { node, .. } => Some(node),
        }
    }

    pub fn key(&self) -> Option<&'a Node> {
        match self {
            Inst::Merged(m) => m.key,
            Inst::Raw { key, .. } => *key,
        }
    }

    pub fn shape(&self) -> Shape<'a> {
        if let Inst::Merged(m) = self {
            if m.is_map() {
                return Shape::Object;
            }
        }
        match self.node() {
            Some(n) => match &n.value {
                Value::Mapping(_) => Shape::Object,
                Value::Sequence(items) => Shape::Array(items),
                Value::Scalar(_) => {
                    Shape::Scalar(ScalarValue::from_node(n).unwrap_or(ScalarValue::Null))
                }
            },
            None => Shape::Object,
        }
    }

    /// `shape()` is `Shape::Object`, without resolving a scalar.
    pub fn is_object(&self) -> bool {
        match self {
            Inst::Merged(m) if m.is_map() => true,
            _ => self.node().is_none_or(|n| n.as_mapping().is_some()),
        }
    }

    /// The entries of a mapping, each key once (the last written wins, as helm reads it).
    pub fn entries(&self) -> Vec<(&'m str, Inst<'m, 'a>)> {
        match self {
            Inst::Merged(m) => match &m.kind {
                MergedKind::Map(entries) => entries
                    .iter()
                    .map(|(k, v)| (k.as_ref(), Inst::Merged(v)))
                    .collect(),
                MergedKind::Leaf => match m.node {
                    Some(node) => raw_entries(m.file, node),
                    None => Vec::new(),
                },
            },
            Inst::Raw { file, node, .. } => raw_entries(file, node),
        }
    }

    /// Where a problem with the key is shown: the key, else the value.
    pub fn key_range(&self) -> Option<TextRange> {
        self.key().map(|k| k.range).or_else(|| self.value_range())
    }

    /// Where a problem with the value is shown.
    pub fn value_range(&self) -> Option<TextRange> {
        let node = self.node()?;
        // An empty value (`key:`) has an empty range right after the colon; show the key.
        if node.range.is_empty() {
            return self.key().map(|k| k.range).or(Some(node.range));
        }
        Some(node.range)
    }

    /// The value as the JSON helm validates.
    pub fn to_json(self) -> Json {
        match self {
            Inst::Merged(m) => super::merged_to_json(m),
            Inst::Raw { node, .. } => super::tree::yaml_to_json(node),
        }
    }

    /// A plain, untagged scalar: what helm's YAML 1.1 rules apply to.
    pub fn plain_scalar(&self) -> Option<&'a str> {
        let node = self.node()?;
        let s = node.as_scalar()?;
        (s.style == ScalarStyle::Plain && node.tag().is_none()).then_some(s.text.as_str())
    }
}

fn raw_entries<'m, 'a: 'm>(file: &'a str, node: &'a Node) -> Vec<(&'m str, Inst<'m, 'a>)> {
    let Some(entries) = node.as_mapping() else {
        return Vec::new();
    };
    let mut out: Vec<(&'m str, Inst<'m, 'a>)> = Vec::with_capacity(entries.len());
    for e in entries {
        let Some(k) = e.key.as_str() else { continue };
        let inst = Inst::Raw {
            file,
            key: Some(&e.key),
            node: &e.value,
        };
        match out.iter().position(|(x, _)| *x == k) {
            Some(i) => out[i].1 = inst,
            None => out.push((k, inst)),
        }
    }
    out
}

/// The name of a value's kind in messages, in YAML words.
pub fn kind_name(shape: &Shape) -> &'static str {
    match shape {
        Shape::Object => "a mapping",
        Shape::Array(_) => "a list",
        Shape::Scalar(ScalarValue::Null) => "null",
        Shape::Scalar(ScalarValue::Bool(_)) => "a boolean",
        Shape::Scalar(ScalarValue::Number(f)) if f.fract() == 0.0 => "an integer",
        Shape::Scalar(ScalarValue::Number(_)) => "a number",
        Shape::Scalar(ScalarValue::Str(_)) => "a string",
    }
}

/// JSON Schema type names in YAML words, for "must be …".
pub fn types_phrase(types: Types) -> String {
    let words: Vec<&str> = types
        .names()
        .iter()
        .filter(|n| !(**n == "integer" && types.has(Types::NUMBER)))
        .map(|n| match *n {
            "object" => "a mapping",
            "array" => "a list",
            "string" => "a string",
            "boolean" => "a boolean",
            "integer" => "an integer",
            "number" => "a number",
            _ => "null",
        })
        .collect();
    match words.len() {
        0 => "anything".into(),
        1 => words[0].into(),
        n => format!("{} or {}", words[..n - 1].join(", "), words[n - 1]),
    }
}
