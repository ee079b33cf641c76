//! "Did you mean …?" for misspelt keys, enum values, class and trait names.

/// Lower-case without `_` and `-`, so `image_pull_policy`, `imagePullPolicy` and
/// `ImagePullPolicy` compare equal.
fn fold(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
}

/// The candidate closest to `word`, when it is close enough to be a likely typo: the same
/// name spelt in another case or style, or a few edits away (more edits allowed for longer
/// words).
pub fn did_you_mean<'c>(word: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    let chars = word.chars().count();
    let limit = match chars {
        0..=3 => 1,
        4..=8 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &'c str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let d = if fold(c).eq(fold(word)) {
            0
        } else if c.chars().count().abs_diff(chars) > limit {
            // Every edit changes the length by at most one.
            continue;
        } else {
            strsim::osa_distance(word, c)
        };
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Whether `a` and `b` are at most one edit apart (a character inserted, deleted, replaced,
/// or two neighbours swapped): `strsim::osa_distance(a, b) <= 1` without its table.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    if short.len() == long.len() {
        if prefix == short.len() {
            return true;
        }
        let (s, l) = (&short[prefix..], &long[prefix..]);
        // Replaced: the rest after one character agrees; swapped: the next two cross over.
        s[1..] == l[1..] || (s.len() >= 2 && s[0] == l[1] && s[1] == l[0] && s[2..] == l[2..])
    } else {
        // Inserted into the shorter one at the first difference.
        short[prefix..] == long[prefix + 1..]
    }
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

    #[test]
    fn one_edit_agrees_with_osa_distance() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "abc",
            "acb",
            "abd",
            "abcd",
            "bacd",
            "KubeSpawner",
            "KubeSpawnr",
            "KubeSpanwer",
            "KubeSpawners",
            "kubeSpawner",
            "Authenticator",
            "Authentcator",
            "JupyterHub",
            "JupyterHbu",
            "é",
            "éa",
            "aé",
        ];
        for a in words {
            for b in words {
                assert_eq!(
                    within_one_edit(a, b),
                    strsim::osa_distance(a, b) <= 1,
                    "{a:?} {b:?}"
                );
            }
        }
    }
}
