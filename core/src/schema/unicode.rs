//! Unicode classes (`\pL`, `\p{Greek}`, `\P{Lu}`, `[\p{N}_]`) in schema patterns, read as
//! Helm's validator reads them (Go's regexp, Go 1.25: Unicode 15.0.0, names matched ignoring
//! case, spaces, `_` and `-`) and rewritten into the explicit ranges they stand for, which
//! regex-lite understands. regex-lite itself has no Unicode tables (that keeps the WebAssembly
//! module small); these come from scripts/gen-unicode-classes, ~11 KB.

use std::borrow::Cow;

/// Each character's general category, as runs: the run's length minus one (LEB128), then an
/// index into [`CATEGORIES`].
static CATEGORY_RUNS: &[u8] = include_bytes!("../../data/unicode/categories.bin");
/// Each character's script, as runs: an index into [`SCRIPTS`].
static SCRIPT_RUNS: &[u8] = include_bytes!("../../data/unicode/scripts.bin");

/// In the generator's order.
const CATEGORIES: [&str; 30] = [
    "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe", "Pi",
    "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn",
];

/// In the generator's order, after "" (no script: unassigned). Only one-word names: Go 1.25
/// does not find the others (`\p{Old_Italic}` is an invalid pattern to Helm).
const SCRIPTS: &[&str] = &[
    "",
    "Adlam",
    "Ahom",
    "Arabic",
    "Armenian",
    "Avestan",
    "Balinese",
    "Bamum",
    "Batak",
    "Bengali",
    "Bhaiksuki",
    "Bopomofo",
    "Brahmi",
    "Braille",
    "Buginese",
    "Buhid",
    "Carian",
    "Chakma",
    "Cham",
    "Cherokee",
    "Chorasmian",
    "Common",
    "Coptic",
    "Cuneiform",
    "Cypriot",
    "Cyrillic",
    "Deseret",
    "Devanagari",
    "Dogra",
    "Duployan",
    "Elbasan",
    "Elymaic",
    "Ethiopic",
    "Georgian",
    "Glagolitic",
    "Gothic",
    "Grantha",
    "Greek",
    "Gujarati",
    "Gurmukhi",
    "Han",
    "Hangul",
    "Hanunoo",
    "Hatran",
    "Hebrew",
    "Hiragana",
    "Inherited",
    "Javanese",
    "Kaithi",
    "Kannada",
    "Katakana",
    "Kawi",
    "Kharoshthi",
    "Khmer",
    "Khojki",
    "Khudawadi",
    "Lao",
    "Latin",
    "Lepcha",
    "Limbu",
    "Lisu",
    "Lycian",
    "Lydian",
    "Mahajani",
    "Makasar",
    "Malayalam",
    "Mandaic",
    "Manichaean",
    "Marchen",
    "Medefaidrin",
    "Miao",
    "Modi",
    "Mongolian",
    "Mro",
    "Multani",
    "Myanmar",
    "Nabataean",
    "Nandinagari",
    "Newa",
    "Nko",
    "Nushu",
    "Ogham",
    "Oriya",
    "Osage",
    "Osmanya",
    "Palmyrene",
    "Phoenician",
    "Rejang",
    "Runic",
    "Samaritan",
    "Saurashtra",
    "Sharada",
    "Shavian",
    "Siddham",
    "SignWriting",
    "Sinhala",
    "Sogdian",
    "Soyombo",
    "Sundanese",
    "Syriac",
    "Tagalog",
    "Tagbanwa",
    "Takri",
    "Tamil",
    "Tangsa",
    "Tangut",
    "Telugu",
    "Thaana",
    "Thai",
    "Tibetan",
    "Tifinagh",
    "Tirhuta",
    "Toto",
    "Ugaritic",
    "Vai",
    "Vithkuqi",
    "Wancho",
    "Yezidi",
    "Yi",
];

/// Unicode's long names of the general categories (PropertyValueAliases.txt), which Go 1.25
/// accepts too, lower case without `_`.
const CATEGORY_ALIASES: &[(&str, &str)] = &[
    ("other", "C"),
    ("control", "Cc"),
    ("cntrl", "Cc"),
    ("format", "Cf"),
    ("unassigned", "Cn"),
    ("privateuse", "Co"),
    ("surrogate", "Cs"),
    ("letter", "L"),
    ("casedletter", "LC"),
    ("lowercaseletter", "Ll"),
    ("modifierletter", "Lm"),
    ("otherletter", "Lo"),
    ("titlecaseletter", "Lt"),
    ("uppercaseletter", "Lu"),
    ("mark", "M"),
    ("combiningmark", "M"),
    ("spacingmark", "Mc"),
    ("enclosingmark", "Me"),
    ("nonspacingmark", "Mn"),
    ("number", "N"),
    ("decimalnumber", "Nd"),
    ("digit", "Nd"),
    ("letternumber", "Nl"),
    ("othernumber", "No"),
    ("punctuation", "P"),
    ("punct", "P"),
    ("connectorpunctuation", "Pc"),
    ("dashpunctuation", "Pd"),
    ("closepunctuation", "Pe"),
    ("finalpunctuation", "Pf"),
    ("initialpunctuation", "Pi"),
    ("otherpunctuation", "Po"),
    ("openpunctuation", "Ps"),
    ("symbol", "S"),
    ("currencysymbol", "Sc"),
    ("modifiersymbol", "Sk"),
    ("mathsymbol", "Sm"),
    ("othersymbol", "So"),
    ("separator", "Z"),
    ("lineseparator", "Zl"),
    ("paragraphseparator", "Zp"),
    ("spaceseparator", "Zs"),
];

/// What a `\p{name}` stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Property {
    /// A set of general categories (bit i: `CATEGORIES[i]`).
    Categories(u32),
    Script(u8),
    Ascii,
}

const ALL_CATEGORIES: u32 = (1 << CATEGORIES.len()) - 1;

/// The categories a code names: `Lu`, or a one-letter major class (`L`), or `LC`.
fn category_mask(code: &str) -> Option<u32> {
    if code.eq_ignore_ascii_case("LC") {
        return Some(category_mask("Lu")? | category_mask("Ll")? | category_mask("Lt")?);
    }
    let mask = CATEGORIES
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.eq_ignore_ascii_case(code) || (code.len() == 1 && c[..1].eq_ignore_ascii_case(code))
        })
        .fold(0, |mask, (i, _)| mask | 1 << i);
    (mask != 0).then_some(mask)
}

fn property(name: &str) -> Option<Property> {
    let key: String = name
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    match key.as_str() {
        "any" => return Some(Property::Categories(ALL_CATEGORIES)),
        "ascii" => return Some(Property::Ascii),
        "assigned" => return Some(Property::Categories(ALL_CATEGORIES & !category_mask("Cn")?)),
        _ => {}
    }
    if let Some(mask) = category_mask(&key) {
        return Some(Property::Categories(mask));
    }
    if let Some((_, code)) = CATEGORY_ALIASES.iter().find(|(alias, _)| *alias == key) {
        return category_mask(code).map(Property::Categories);
    }
    let script = SCRIPTS[1..]
        .iter()
        .position(|s| s.eq_ignore_ascii_case(&key))?;
    Some(Property::Script(script as u8 + 1))
}

/// The code point ranges (inclusive, in order) of the characters in `runs` whose value `wanted`.
fn ranges_in(runs: &[u8], wanted: impl Fn(u8) -> bool) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = Vec::new();
    let mut start = 0u32;
    let mut bytes = runs.iter();
    while let Some(&first) = bytes.next() {
        let (mut len, mut shift, mut byte) = (0u32, 0, first);
        loop {
            len |= u32::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                break;
            }
            shift += 7;
            byte = *bytes
                .next()
                .expect("a run's length is followed by its value");
        }
        let value = *bytes
            .next()
            .expect("a run's length is followed by its value");
        let end = start + len;
        if wanted(value) {
            match out.last_mut() {
                Some(last) if last.1 + 1 == start => last.1 = end,
                _ => out.push((start, end)),
            }
        }
        start = end + 1;
    }
    out
}

fn ranges(property: Property) -> Vec<(u32, u32)> {
    match property {
        Property::Ascii => vec![(0, 0x7f)],
        Property::Categories(mask) => ranges_in(CATEGORY_RUNS, |c| mask & 1 << c != 0),
        Property::Script(script) => ranges_in(SCRIPT_RUNS, |s| s == script),
    }
}

fn complement(ranges: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(ranges.len() + 1);
    let mut next = 0;
    for &(lo, hi) in ranges {
        if lo > next {
            out.push((next, lo - 1));
        }
        next = hi + 1;
    }
    if next <= 0x10FFFF {
        out.push((next, 0x10FFFF));
    }
    out
}

/// Writes the ranges as a class body; surrogates, which no string holds, are left out.
fn push_ranges(ranges: &[(u32, u32)], out: &mut String) {
    use std::fmt::Write;
    for &(lo, hi) in ranges {
        for (lo, hi) in [(lo, hi.min(0xD7FF)), (lo.max(0xE000), hi)] {
            if lo > hi {
                continue;
            }
            let _ = write!(out, "\\x{{{lo:X}}}");
            if hi > lo {
                let _ = write!(out, "-\\x{{{hi:X}}}");
            }
        }
    }
}

/// A `\p` name Go's regexp does not know: the pattern is invalid to Helm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownClass(pub String);

/// `pattern` with every `\pX`, `\p{Name}`, `\P…` and `\p{^Name}` written as the ranges it
/// stands for (inside or outside a bracket class); the rest as written.
pub fn expand(pattern: &str) -> Result<Cow<'_, str>, UnknownClass> {
    if !pattern.contains("\\p") && !pattern.contains("\\P") {
        return Ok(Cow::Borrowed(pattern));
    }
    let mut out = String::with_capacity(pattern.len() + 64);
    let mut chars = pattern.char_indices().peekable();
    let mut in_class = false;
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                let Some((_, escaped)) = chars.next() else {
                    out.push(c);
                    break;
                };
                if escaped != 'p' && escaped != 'P' {
                    out.push(c);
                    out.push(escaped);
                    continue;
                }
                let rest = &pattern[i + 2..];
                let name = if let Some(braced) = rest.strip_prefix('{') {
                    let end = braced
                        .find('}')
                        .ok_or_else(|| UnknownClass(rest.to_string()))?;
                    &braced[..end]
                } else {
                    let one = rest
                        .chars()
                        .next()
                        .ok_or_else(|| UnknownClass(String::new()))?;
                    &rest[..one.len_utf8()]
                };
                let skip = if rest.starts_with('{') {
                    name.chars().count() + 2
                } else {
                    1
                };
                for _ in 0..skip {
                    chars.next();
                }
                let (negated, bare) = match name.strip_prefix('^') {
                    Some(bare) => (escaped == 'p', bare),
                    None => (escaped == 'P', name),
                };
                let prop = property(bare).ok_or_else(|| UnknownClass(name.to_string()))?;
                let mut set = ranges(prop);
                if negated {
                    set = complement(&set);
                }
                if in_class {
                    push_ranges(&set, &mut out);
                } else if set.is_empty() {
                    out.push_str("[^\\x{0}-\\x{10FFFF}]");
                } else {
                    out.push('[');
                    push_ranges(&set, &mut out);
                    out.push(']');
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                if let Some((_, '^')) = chars.peek() {
                    out.push('^');
                    chars.next();
                }
                // A `]` first in a class is itself.
                if let Some((_, ']')) = chars.peek() {
                    out.push_str("\\]");
                    chars.next();
                }
            }
            '[' if chars.peek().is_some_and(|(_, n)| *n == ':') => {
                // `[:alpha:]` inside a class, copied whole.
                let end = pattern[i..].find(":]").map_or(pattern.len(), |e| i + e + 2);
                out.push_str(&pattern[i..end]);
                while chars.peek().is_some_and(|(j, _)| *j < end) {
                    chars.next();
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            c => out.push(c),
        }
    }
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, s: &str) -> bool {
        regex_lite::Regex::new(&expand(pattern).unwrap())
            .unwrap()
            .is_match(s)
    }

    #[test]
    fn categories_scripts_and_negation() {
        assert!(matches(r"^\p{L}+$", "héllo日本語"));
        assert!(!matches(r"^\p{L}+$", "a1"));
        assert!(matches(r"^\pL\pN$", "a٣"));
        assert!(matches(r"^\p{Lu}", "Éa") && !matches(r"^\p{Lu}", "éa"));
        assert!(matches(r"^\P{L}$", "1") && !matches(r"^\P{L}$", "a"));
        assert!(matches(r"^\p{^Greek}$", "a") && !matches(r"^\p{^Greek}$", "α"));
        assert!(matches(r"^\P{^Greek}$", "α"));
        assert!(matches(r"^\p{Greek}+$", "αβγ") && !matches(r"\p{Greek}", "abc"));
        assert!(matches(r"^\p{Han}$", "日"));
        assert!(matches(r"^[\p{Nd}x]+$", "x٣4") && !matches(r"^[\p{Nd}x]+$", "y"));
        assert!(matches(r"^[^\p{L}]$", "1") && !matches(r"^[^\p{L}]$", "a"));
        assert!(!matches(r"^[\P{L}]$", "a"));
        assert!(matches(r"^[]\p{N}]+$", "]1"));
        assert!(matches(r"^[[:alpha:]\p{N}]+$", "a1"));
        assert!(matches(r"\\p", "\\p"), "an escaped backslash is no class");
        // Assigned in Unicode 16.0, after Go's 15.0: not a letter to Helm.
        assert!(!matches(r"\p{L}", "\u{10D4A}"));
        assert!(matches(r"\p{Cn}", "\u{0378}") && matches(r"\p{C}", "\u{0378}"));
        assert!(matches(r"\p{Kawi}", "\u{11F00}"));
    }

    #[test]
    fn names_as_go_1_25_reads_them() {
        for name in [
            "L",
            "l",
            "Letter",
            "cased letter",
            "Cased_Letter",
            "LC",
            "GREEK",
            "greek",
            "Any",
            "ascii",
            "Assigned",
            "digit",
            "punct",
            "Other_Letter",
            "otherletter",
            "Nko",
        ] {
            assert!(property(name).is_some(), "{name}");
        }
        // Unknown to Go: aliases of scripts, binary properties, multi-word scripts, Unicode 16.
        for name in [
            "Grek",
            "sc=Greek",
            "L&",
            "IsGreek",
            "Alphabetic",
            "White_Space",
            "Old_Italic",
            "Unknown",
            "Garay",
            "Katakana_Or_Hiragana",
            "",
        ] {
            assert!(property(name).is_none(), "{name}");
        }
        assert!(expand(r"\p{Garay}").is_err());
        assert!(expand(r"\p{L").is_err());
        assert!(matches!(expand("^[a-z]+$"), Ok(Cow::Borrowed(_))));
    }

    /// Every pairing of awkward pieces: an answer (or a refusal), never a panic.
    #[test]
    fn odd_patterns_never_panic() {
        let pieces = [
            "\\", "p", "P", "{", "}", "^", "[", "]", ":", "L", "é", "\\p", "\\P{", "[:",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let pattern = format!("{a}{b}{c}");
                    if let Ok(expanded) = expand(&pattern) {
                        let _ = regex_lite::Regex::new(&expanded);
                    }
                }
            }
        }
    }

    #[test]
    fn tables_cover_every_code_point() {
        for runs in [CATEGORY_RUNS, SCRIPT_RUNS] {
            let all = ranges_in(runs, |_| true);
            assert_eq!(all, vec![(0, 0x10FFFF)]);
        }
        assert_eq!(
            complement(&ranges(Property::Categories(ALL_CATEGORIES))),
            vec![]
        );
        // The names here and the generator's are one list: every script has characters.
        for (script, name) in SCRIPTS.iter().enumerate().skip(1) {
            assert!(!ranges(Property::Script(script as u8)).is_empty(), "{name}");
        }
        assert!(ranges_in(SCRIPT_RUNS, |s| usize::from(s) >= SCRIPTS.len()).is_empty());
    }
}
