//! Writes the Unicode tables behind `\p{..}` in schema patterns (core/src/schema/unicode.rs):
//! each character's general category and script as Go's regexp sees them (Go's `unicode`
//! package is Unicode 15.0.0, so characters assigned later are unassigned here), from
//! regex-syntax's tables.
//!
//! Output: core/data/unicode/{categories,scripts}.bin, each a list of runs covering U+0000 to
//! U+10FFFF in order: the run's length minus one as a LEB128 number, then a one-byte value
//! (an index into CATEGORIES / SCRIPTS of core/src/schema/unicode.rs; for scripts 0 is none).
use regex_syntax::hir::{Class, HirKind};
use std::path::Path;

/// Must be in the same order as `CATEGORIES` in core/src/schema/unicode.rs.
const CATEGORIES: &[&str] = &[
    "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe",
    "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn",
];

/// Unicode 15.0's scripts whose names are one word: with Go 1.25's loose name matching the
/// others (`Old_Italic`) are not found, so Helm refuses such a pattern. Same order as
/// `SCRIPTS` in core/src/schema/unicode.rs (after its first entry, none).
const SCRIPTS: &[&str] = &[
    "Adlam", "Ahom", "Arabic", "Armenian", "Avestan", "Balinese", "Bamum", "Batak", "Bengali",
    "Bhaiksuki", "Bopomofo", "Brahmi", "Braille", "Buginese", "Buhid", "Carian", "Chakma",
    "Cham", "Cherokee", "Chorasmian", "Common", "Coptic", "Cuneiform", "Cypriot", "Cyrillic",
    "Deseret", "Devanagari", "Dogra", "Duployan", "Elbasan", "Elymaic", "Ethiopic", "Georgian",
    "Glagolitic", "Gothic", "Grantha", "Greek", "Gujarati", "Gurmukhi", "Han", "Hangul",
    "Hanunoo", "Hatran", "Hebrew", "Hiragana", "Inherited", "Javanese", "Kaithi", "Kannada",
    "Katakana", "Kawi", "Kharoshthi", "Khmer", "Khojki", "Khudawadi", "Lao", "Latin", "Lepcha",
    "Limbu", "Lisu", "Lycian", "Lydian", "Mahajani", "Makasar", "Malayalam", "Mandaic",
    "Manichaean", "Marchen", "Medefaidrin", "Miao", "Modi", "Mongolian", "Mro", "Multani",
    "Myanmar", "Nabataean", "Nandinagari", "Newa", "Nko", "Nushu", "Ogham", "Oriya", "Osage",
    "Osmanya", "Palmyrene", "Phoenician", "Rejang", "Runic", "Samaritan", "Saurashtra",
    "Sharada", "Shavian", "Siddham", "SignWriting", "Sinhala", "Sogdian", "Soyombo",
    "Sundanese", "Syriac", "Tagalog", "Tagbanwa", "Takri", "Tamil", "Tangsa", "Tangut",
    "Telugu", "Thaana", "Thai", "Tibetan", "Tifinagh", "Tirhuta", "Toto", "Ugaritic", "Vai",
    "Vithkuqi", "Wancho", "Yezidi", "Yi",
];

fn ranges(property: &str) -> Vec<(u32, u32)> {
    let hir = regex_syntax::parse(&format!(r"\p{{{property}}}")).expect(property);
    match hir.kind() {
        HirKind::Class(Class::Unicode(c)) => c.ranges().iter().map(|r| (r.start() as u32, r.end() as u32)).collect(),
        // A class of one character comes back as that character.
        HirKind::Literal(lit) => {
            let c = std::str::from_utf8(&lit.0).expect("UTF-8").chars().next().unwrap() as u32;
            vec![(c, c)]
        }
        other => panic!("{property}: {other:?}"),
    }
}

fn fill(table: &mut [u8], property: &str, value: u8) {
    for (lo, hi) in ranges(property) {
        for cp in lo..=hi {
            table[cp as usize] = value;
        }
    }
}

fn runs(table: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < table.len() {
        let value = table[start];
        let mut end = start;
        while end + 1 < table.len() && table[end + 1] == value {
            end += 1;
        }
        let mut n = (end - start) as u32;
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
        out.push(value);
        start = end + 1;
    }
    out
}

fn main() {
    const N: usize = 0x110000;
    let mut assigned = vec![false; N];
    for (lo, hi) in ranges("Age=V15_0") {
        for cp in lo..=hi {
            assigned[cp as usize] = true;
        }
    }
    let cn = CATEGORIES.iter().position(|c| *c == "Cn").unwrap() as u8;
    let mut categories = vec![cn; N];
    for (i, c) in CATEGORIES.iter().enumerate() {
        if *c != "Cn" && *c != "Cs" {
            fill(&mut categories, c, i as u8);
        }
    }
    let mut scripts = vec![0u8; N];
    for (i, s) in SCRIPTS.iter().enumerate() {
        fill(&mut scripts, s, i as u8 + 1);
    }
    for cp in 0..N {
        if !assigned[cp] {
            categories[cp] = cn;
            scripts[cp] = 0;
        }
    }
    // Surrogates are no `char`, so regex-syntax has no table for them.
    let cs = CATEGORIES.iter().position(|c| *c == "Cs").unwrap() as u8;
    categories[0xD800..=0xDFFF].fill(cs);
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../core/data/unicode");
    std::fs::create_dir_all(&out).unwrap();
    for (name, table) in [("categories.bin", &categories), ("scripts.bin", &scripts)] {
        let bytes = runs(table);
        std::fs::write(out.join(name), &bytes).unwrap();
        eprintln!("{name}: {} bytes", bytes.len());
    }
}
