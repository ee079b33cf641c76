//! "Did you mean …?" for misspelt keys, enum values, class and trait names.

/// Lower-case without `_` and `-`, so `image_pull_policy`, `imagePullPolicy` and
/// `ImagePullPolicy` compare equal.
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The candidate closest to `word`, when it is close enough to be a likely typo: the same
/// name spelt in another case or style, or a few edits away (more edits allowed for longer
/// words).
pub fn did_you_mean<'c>(word: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    let folded = fold(word);
    let limit = match word.chars().count() {
        0..=3 => 1,
        4..=8 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &'c str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let d = if fold(c) == folded {
            0
        } else {
            strsim::osa_distance(word, c)
        };
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested() {
        let keys = [
            "profileList",
            "image",
            "extraEnv",
            "imagePullPolicy",
            "storage",
        ];
        let s = |w| did_you_mean(w, keys.iter().copied());
        assert_eq!(s("imgae"), Some("image"));
        assert_eq!(s("extraenv"), Some("extraEnv"));
        assert_eq!(s("image_pull_policy"), Some("imagePullPolicy"));
        assert_eq!(s("profileLst"), Some("profileList"));
        assert_eq!(s("storge"), Some("storage"));
        assert_eq!(s("profiles"), None);
        assert_eq!(s("xyz"), None);
        assert_eq!(s("image"), None, "the word itself is no suggestion");
    }
}
