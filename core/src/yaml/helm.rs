//! How helm reads a plain scalar: go-yaml v2's YAML 1.1 resolution, next to YAML 1.2's core
//! schema.
//!
//! helm parses values with `sigs.k8s.io/yaml`, i.e. go-yaml v2 followed by a JSON round trip.
//! No Rust crate resolves scalars that way, and the differences are what break hubs:
//! `tag: 1.10` is the float 1.1, `enabled: yes` a bool, `mode: 0644` the integer 420, an
//! all-digit commit SHA a number. Quoted and block scalars are always strings.

use super::{Node, Scalar, ScalarStyle};
use std::borrow::Cow;

/// A value's type after helm read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelmType {
    Null,
    Bool,
    Int,
    Float,
    String,
    Mapping,
    Sequence,
}

impl HelmType {
    pub fn name(self) -> &'static str {
        match self {
            HelmType::Null => "null",
            HelmType::Bool => "boolean",
            HelmType::Int => "integer",
            HelmType::Float => "number",
            HelmType::String => "string",
            HelmType::Mapping => "mapping",
            HelmType::Sequence => "sequence",
        }
    }
    pub fn is_number(self) -> bool {
        matches!(self, HelmType::Int | HelmType::Float)
    }
}

/// A resolved plain scalar.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    /// An integer that fits i64/u64.
    Int(i128),
    Float(f64),
    String,
}

impl Resolved {
    pub fn helm_type(&self) -> HelmType {
        match self {
            Resolved::Null => HelmType::Null,
            Resolved::Bool(_) => HelmType::Bool,
            Resolved::Int(_) => HelmType::Int,
            Resolved::Float(_) => HelmType::Float,
            Resolved::String => HelmType::String,
        }
    }

    /// How helm's templates print it (Go's `%v` of the float64 it became in JSON), when it
    /// is a number: `1.10` → `1.1`, `3806521` → `3.806521e+06`.
    pub fn helm_rendering(&self) -> Option<String> {
        let f = match self {
            Resolved::Int(i) => *i as f64,
            Resolved::Float(f) => *f,
            Resolved::Bool(b) => return Some(b.to_string()),
            Resolved::Null => return Some("<nil>".to_string()),
            Resolved::String => return None,
        };
        Some(go_format_float(f))
    }
}

/// Which rules to resolve by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolver {
    /// go-yaml v2 (YAML 1.1), what helm and the hub pod see.
    Helm,
    /// YAML 1.2 core schema, what most editors and schema checkers see.
    Yaml12,
}

/// Type of a scalar node given its tag and style.
pub fn scalar_type(s: &Scalar, tag: Option<&str>, resolver: Resolver) -> HelmType {
    if let Some(tag) = tag {
        return match tag {
            "!!str" | "!" => HelmType::String,
            "!!int" => HelmType::Int,
            "!!float" => HelmType::Float,
            "!!bool" => HelmType::Bool,
            "!!null" => HelmType::Null,
            // Any other tag (a collection tag on a scalar, a local `!x`, `!!binary`,
            // `!!timestamp`): helm ends up with the text.
            _ => HelmType::String,
        };
    }
    if s.style != ScalarStyle::Plain {
        return HelmType::String;
    }
    resolve(&s.text, resolver).helm_type()
}

/// A tag as written, with the verbatim form of the YAML 1.1 core tags
/// (`!<tag:yaml.org,2002:str>`) in the short form (`!!str`) go-yaml also reads it as.
pub fn short_tag(tag: &str) -> String {
    match tag
        .strip_prefix("!<tag:yaml.org,2002:")
        .and_then(|t| t.strip_suffix('>'))
    {
        Some(name) => format!("!!{name}"),
        None => tag.to_string(),
    }
}

pub fn resolve(plain: &str, resolver: Resolver) -> Resolved {
    match resolver {
        Resolver::Helm => resolve_yaml11(plain),
        Resolver::Yaml12 => resolve_yaml12(plain),
    }
}

/// go-yaml v2's `resolve()` for an untagged plain scalar.
pub fn resolve_yaml11(s: &str) -> Resolved {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Resolved::Bool(false)
        }
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let first = s.as_bytes()[0];
    if first == b'.' {
        // Go's ParseFloat on the text as written.
        return match go_parse_float(s) {
            Some(f) => Resolved::Float(f),
            None => Resolved::String,
        };
    }
    if !(first.is_ascii_digit() || first == b'+' || first == b'-') {
        return Resolved::String;
    }
    // A timestamp-looking value would be tried first, but decoded into helm's untyped
    // values it stays the original string, and no timestamp passes the number checks
    // below either, so skipping that step changes no outcome.
    // Most numbers have no `_`: no copy for them.
    let plain: std::borrow::Cow<str> = if s.contains('_') {
        s.chars().filter(|&c| c != '_').collect::<String>().into()
    } else {
        s.into()
    };
    if let Some(i) = go_parse_int_base0(&plain) {
        return Resolved::Int(i);
    }
    if is_yaml_style_float(&plain) {
        if let Some(f) = go_parse_float(&plain) {
            return Resolved::Float(f);
        }
    }
    Resolved::String
}

/// YAML 1.2 core schema resolution.
pub fn resolve_yaml12(s: &str) -> Resolved {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "true" | "True" | "TRUE" => return Resolved::Bool(true),
        "false" | "False" | "FALSE" => return Resolved::Bool(false),
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let (sign, digits) = match s.as_bytes()[0] {
        b'-' => (-1i128, &s[1..]),
        b'+' => (1, &s[1..]),
        _ => (1, s),
    };
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return digits
            .parse::<i128>()
            .map(|v| Resolved::Int(sign * v))
            .unwrap_or(Resolved::Float(f64::INFINITY));
    }
    if let Some(oct) = s.strip_prefix("0o") {
        if !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            return i128::from_str_radix(oct, 8)
                .map(Resolved::Int)
                .unwrap_or(Resolved::String);
        }
    }
    if let Some(hex) = s.strip_prefix("0x") {
        if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return i128::from_str_radix(hex, 16)
                .map(Resolved::Int)
                .unwrap_or(Resolved::String);
        }
    }
    if is_yaml_style_float(s) {
        if let Some(f) = go_parse_float(s) {
            return Resolved::Float(f);
        }
    }
    Resolved::String
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseInt(s, 0, 64)`, falling back to `ParseUint(s, 0, 64)` as go-yaml does.
fn go_parse_int_base0(s: &str) -> Option<i128> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) =
        if let Some(d) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (16, d)
        } else if let Some(d) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
            (8, d)
        } else if let Some(d) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            (2, d)
        } else if body.len() > 1 && body.starts_with('0') {
            (8, &body[1..])
        } else {
            (10, body)
        };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = i128::from_str_radix(digits, radix).ok()?;
    let v = if neg { -v } else { v };
    // ParseInt: int64 range; ParseUint (no sign allowed): uint64 range.
    let fits_i64 = v >= i64::MIN as i128 && v <= i64::MAX as i128;
    let fits_u64 = !neg && s.as_bytes()[0] != b'+' && v >= 0 && v <= u64::MAX as i128;
    (fits_i64 || fits_u64).then_some(v)
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal input (what can reach it here).
fn go_parse_float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let ok = !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !ok {
        return None;
    }
    // Go accepts out-of-range values as ±Inf with an error; go-yaml then keeps a string.
    let f: f64 = s.parse().ok()?;
    f.is_finite().then_some(f)
}

/// Go's `%v` for a float64 (strconv 'g' with the shortest digits): exponent form when the
/// decimal exponent is below -4 or at least 6, e.g. `1e+06`, `3.806521e+06`, `123456`.
pub fn go_format_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    // Rust's `{:e}` is the shortest round-trip form, e.g. "3.806521e6".
    let s = format!("{f:e}");
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if f != 0.0 && !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", exp.abs());
    }
    format!("{f}")
}

/// The key helm makes of a mapping key: go-yaml reads it (YAML 1.1), then sigs.k8s.io/yaml
/// turns it into a JSON string (`y` → `true`, `0x1F` → `31`, `1.50` → `1.5`). `None` for
/// keys helm refuses (null, a mapping or list).
pub fn helm_key(key: &Node) -> Option<Cow<'_, str>> {
    let text = key.as_str()?;
    let resolved = match key.helm_type() {
        HelmType::String => return Some(Cow::Borrowed(text)),
        HelmType::Null | HelmType::Mapping | HelmType::Sequence => return None,
        _ => resolve_yaml11(text),
    };
    Some(match resolved {
        Resolved::Bool(b) => Cow::Owned(b.to_string()),
        Resolved::Int(i) => Cow::Owned(i.to_string()),
        Resolved::Float(f) => Cow::Owned(match go_format_float(f).as_str() {
            "+Inf" => ".inf".to_string(),
            "-Inf" => "-.inf".to_string(),
            "NaN" => ".nan".to_string(),
            other => other.to_string(),
        }),
        Resolved::Null => return None,
        Resolved::String => Cow::Borrowed(text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> HelmType {
        resolve_yaml11(s).helm_type()
    }

    /// Table from domain.md §4 (go-yaml v2 behaviour).
    #[test]
    fn yaml11_table() {
        use HelmType::*;
        let cases: &[(&str, HelmType)] = &[
            ("y", Bool),
            ("Y", Bool),
            ("yes", Bool),
            ("Yes", Bool),
            ("YES", Bool),
            ("on", Bool),
            ("On", Bool),
            ("ON", Bool),
            ("true", Bool),
            ("True", Bool),
            ("TRUE", Bool),
            ("n", Bool),
            ("N", Bool),
            ("no", Bool),
            ("NO", Bool),
            ("off", Bool),
            ("Off", Bool),
            ("OFF", Bool),
            ("false", Bool),
            ("FALSE", Bool),
            ("yEs", String),
            ("oN", String),
            ("tRue", String),
            ("", Null),
            ("~", Null),
            ("null", Null),
            ("Null", Null),
            ("NULL", Null),
            ("nULL", String),
            (".inf", Float),
            (".Inf", Float),
            ("+.INF", Float),
            ("-.inf", Float),
            (".nan", Float),
            (".NaN", Float),
            (".5", Float),
            (".5e3", Float),
            (".", String),
            (".x", String),
            ("0x1F", Int),
            ("0o17", Int),
            ("0b101", Int),
            ("0123", Int),
            ("1_000", Int),
            ("+5", Int),
            ("-7", Int),
            ("1.10", Float),
            ("4.0", Float),
            ("1e3", Float),
            ("089", Float),
            ("0e1234", Float),
            ("1234e56", Float),
            ("1.", Float),
            ("-1.5e-3", Float),
            ("1.2.3", String),
            ("1:20", String),
            ("123abc", String),
            ("-", String),
            ("+", String),
            ("0x", String),
            ("2024-03-18", String),
            ("2024-03-18T10:00:00Z", String),
            ("4.3.3", String),
            ("0.0.1-0.dev.git.16609.hb23fbd448", String),
            ("8fbdaf8ce82e245a", String),
            ("1e", String),
            ("e3", String),
            ("0xG", String),
        ];
        for (input, want) in cases {
            assert_eq!(t(input), *want, "{input:?}");
        }
    }

    #[test]
    fn yaml11_values() {
        assert_eq!(resolve_yaml11("0123"), Resolved::Int(83));
        assert_eq!(resolve_yaml11("0x1F"), Resolved::Int(31));
        assert_eq!(resolve_yaml11("0o17"), Resolved::Int(15));
        assert_eq!(resolve_yaml11("0b101"), Resolved::Int(5));
        assert_eq!(resolve_yaml11("1_000"), Resolved::Int(1000));
        assert_eq!(resolve_yaml11("089"), Resolved::Float(89.0));
        assert_eq!(resolve_yaml11("1.10"), Resolved::Float(1.1));
        assert_eq!(
            resolve_yaml11("18446744073709551615"),
            Resolved::Int(u64::MAX as i128)
        );
        // Past uint64: a float (all digits match the float pattern).
        assert_eq!(
            resolve_yaml11("18446744073709551616").helm_type(),
            HelmType::Float
        );
        assert_eq!(
            resolve_yaml11("-9223372036854775808"),
            Resolved::Int(i64::MIN as i128)
        );
    }

    #[test]
    fn yaml12_differs_where_it_should() {
        use HelmType::*;
        for (input, y11, y12) in [
            ("yes", Bool, String),
            ("on", Bool, String),
            ("y", Bool, String),
            ("0123", Int, Int),
            ("1_000", Int, String),
            ("0o17", Int, Int),
            ("1:20", String, String),
            ("0b101", Int, String),
            ("True", Bool, Bool),
        ] {
            assert_eq!(resolve_yaml11(input).helm_type(), y11, "1.1 {input}");
            assert_eq!(resolve_yaml12(input).helm_type(), y12, "1.2 {input}");
        }
        assert_eq!(resolve_yaml12("0123"), Resolved::Int(123));
    }

    #[test]
    fn go_rendering_of_numbers() {
        assert_eq!(resolve_yaml11("1.10").helm_rendering().unwrap(), "1.1");
        assert_eq!(resolve_yaml11("1.0").helm_rendering().unwrap(), "1");
        assert_eq!(
            resolve_yaml11("3806521").helm_rendering().unwrap(),
            "3.806521e+06"
        );
        assert_eq!(
            resolve_yaml11("87940363").helm_rendering().unwrap(),
            "8.7940363e+07"
        );
        assert_eq!(resolve_yaml11("0123").helm_rendering().unwrap(), "83");
        assert_eq!(resolve_yaml11("12").helm_rendering().unwrap(), "12");
    }
}
