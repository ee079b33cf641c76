//! Shell words as a POSIX shell splits a simple command: quotes removed, `\`-newline joined,
//! each word with the byte range it was written at. Shared by the readers of `helm upgrade`
//! lines and of `RUN pip install` lines.

use crate::text::TextRange;

/// A word of a command, unquoted, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub text: String,
    pub range: TextRange,
}

/// Shell words from `start` to the end of the command (an unescaped newline, `;`, `&&`,
/// `||`, `|`, `)`, a redirection or a comment), and the offset where the command ended.
pub fn shell_words(text: &str, start: usize) -> (Vec<Word>, usize) {
    let bytes = text.as_bytes();
    let mut words = Vec::new();
    let mut i = start;
    let mut current = String::new();
    let mut word_start: Option<usize> = None;
    let mut quote: Option<u8> = None;
    macro_rules! finish {
        () => {
            if let Some(s) = word_start.take() {
                words.push(Word {
                    text: std::mem::take(&mut current),
                    range: TextRange::new(s, i),
                });
            }
        };
    }
    while i < bytes.len() {
        let c = bytes[i];
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else if c == b'\\' && q == b'"' && i + 1 < bytes.len() {
                i += 1;
                current.push(bytes[i] as char);
            } else {
                let ch = text[i..].chars().next().unwrap_or(' ');
                current.push(ch);
                i += ch.len_utf8();
                continue;
            }
            i += 1;
            continue;
        }
        match c {
            b'\\' if bytes.get(i + 1) == Some(&b'\n') => {
                finish!();
                i += 2;
                continue;
            }
            b'\\' if bytes.get(i + 1) == Some(&b'\r') && bytes.get(i + 2) == Some(&b'\n') => {
                finish!();
                i += 3;
                continue;
            }
            b' ' | b'\t' | b'\r' => finish!(),
            b'\n' | b';' | b'|' | b'&' | b')' | b'>' | b'<' | b'`' => break,
            b'#' if word_start.is_none() => break,
            b'"' | b'\'' => {
                word_start.get_or_insert(i);
                quote = Some(c);
            }
            _ => {
                word_start.get_or_insert(i);
                let ch = text[i..].chars().next().unwrap_or(' ');
                current.push(ch);
                i += ch.len_utf8();
                continue;
            }
        }
        i += 1;
    }
    finish!();
    (words, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_quotes_continuations_and_ends() {
        let text = "pip install 'a>=1' b\\\n  c && echo x";
        let (words, end) = shell_words(text, 0);
        let t: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(t, ["pip", "install", "a>=1", "b", "c"]);
        assert_eq!(&text[words[2].range.start..words[2].range.end], "'a>=1'");
        assert_eq!(&text[end..end + 2], "&&");
    }
}
