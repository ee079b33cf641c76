//! Packages a Dockerfile installs with `RUN pip install …` (also `pip3`, `python -m pip`,
//! `uv pip`): read as a requirements file whose ranges are the Dockerfile's own, so the
//! pinning rules (R002–R004) report them at their column.

use crate::dockerfile::Dockerfile;
use crate::requirements::{self, RequirementsFile};
use crate::shell::shell_words;

/// pip install options that take a value (the value is not a package).
const VALUE_OPTIONS: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--trusted-host",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--progress-bar",
    "--cache-dir",
    "--src",
    "--upgrade-strategy",
    "--root-user-action",
    "--report",
    "--python",
    "-p",
    "--log",
    "--proxy",
    "--retries",
    "--timeout",
    "--exists-action",
    "--cert",
    "--client-cert",
    "--only-binary",
    "--no-binary",
    "--config-settings",
    "-C",
    "--global-option",
];

/// Build tools upgraded in place (`pip install -U pip`): not the image's packages.
pub const BUILD_TOOLS: &[&str] = &["pip", "setuptools", "wheel", "uv"];

/// Where `install` is when the command runs pip: `pip install`, `pip3 install`,
/// `python3 -m pip install`, `uv pip install` (after `sudo`/`env` and `VAR=value`s).
fn pip_install_at(words: &[crate::shell::Word]) -> Option<usize> {
    let base = |i: usize| -> &str {
        words
            .get(i)
            .map_or("", |w| w.text.rsplit('/').next().unwrap_or(&w.text))
    };
    let mut at = 0;
    while matches!(base(at), "sudo" | "env") || base(at).contains('=') {
        at += 1;
    }
    let program = base(at);
    let install = if program == "pip" || program.starts_with("pip3") {
        at + 1
    } else if program.starts_with("python") && base(at + 1) == "-m" && base(at + 2) == "pip" {
        at + 3
    } else if program == "uv" && base(at + 1) == "pip" {
        at + 2
    } else {
        return None;
    };
    (base(install) == "install").then_some(install)
}

pub fn requirements_in_dockerfile(text: &str, df: &Dockerfile) -> RequirementsFile {
    // A text as long as the Dockerfile, blank but for the package words, each on a line of
    // its own (the blank before a word becomes a newline): parsed ranges are Dockerfile ranges.
    let mut virtual_text = vec![b' '; text.len()];
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            virtual_text[i] = b'\n';
        }
    }
    let mut any = false;
    for ins in df
        .instructions
        .iter()
        .filter(|i| i.keyword.eq_ignore_ascii_case("RUN"))
    {
        if df.escape != '\\' || ins.args.trim_start().starts_with('[') {
            continue;
        }
        let mut pos = ins.args_range.start;
        while pos < ins.args_range.end {
            let (words, end) = shell_words(text, pos);
            pos = end.max(pos) + 1;
            let Some(install) = pip_install_at(&words) else {
                continue;
            };
            let mut i = install + 1;
            while i < words.len() {
                let w = &words[i];
                i += 1;
                if w.text.starts_with('-') {
                    if VALUE_OPTIONS.contains(&w.text.as_str()) {
                        i += 1;
                    }
                    continue;
                }
                let local = w.text.starts_with(['.', '/', '$']) || w.text.contains("${");
                if local || w.range.start == 0 {
                    continue;
                }
                // The word's text without its quotes, where it was written.
                let raw = &text[w.range.start..w.range.end];
                let (start, end) =
                    if raw.len() >= 2 && raw.starts_with(['"', '\'']) && raw.ends_with(&raw[..1]) {
                        (w.range.start + 1, w.range.end - 1)
                    } else {
                        (w.range.start, w.range.end)
                    };
                if text[start..end] != w.text {
                    continue;
                }
                virtual_text[start..end].copy_from_slice(&text.as_bytes()[start..end]);
                virtual_text[w.range.start - 1] = b'\n';
                any = true;
            }
        }
    }
    if !any {
        return requirements::parse("");
    }
    requirements::parse(&String::from_utf8(virtual_text).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_of_run_pip_install_keep_their_dockerfile_ranges() {
        let text = "FROM x:1\nRUN python3 -m pip install --no-cache jupyterhub-ltiauthenticator==1.5.1\nRUN pip install -U pip && \\\n    pip install -r /tmp/r.txt 'oauthenticator>=16' git+https://github.com/o/r@main\nRUN echo pip install nothing\n";
        let df = crate::dockerfile::parse(text);
        let reqs = requirements_in_dockerfile(text, &df);
        let names: Vec<(&str, &str)> = reqs
            .requirements
            .iter()
            .map(|r| {
                (
                    r.name.as_deref().unwrap_or(""),
                    &text[r.name_range.start..r.name_range.end],
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                ("jupyterhub-ltiauthenticator", "jupyterhub-ltiauthenticator"),
                ("pip", "pip"),
                ("oauthenticator", "oauthenticator"),
                ("r", "r"),
            ]
        );
    }
}
