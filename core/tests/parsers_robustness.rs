//! The requirements and Dockerfile parsers never panic and only return ranges that lie on
//! character boundaries of the input, on random text built from the characters that matter
//! to them (a fixed-seed generator, so a failure reproduces).

use hublint_core::{dockerfile, requirements, TextRange};

const ITER: usize = 4000;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() as usize) % items.len()]
    }
}

const REQ_TOKENS: &[&str] = &[
    "foo",
    "Foo_Bar.baz",
    "==",
    "===",
    ">=",
    "<",
    "~=",
    "!=",
    "1.0",
    "1.*",
    "2!3.4rc1.post2.dev3+l.1",
    "[",
    "]",
    ",",
    ";",
    " ; ",
    "(",
    ")",
    "@",
    " @ ",
    "git+https://",
    "git+ssh://git@",
    "h.example/",
    "org/repo",
    ".git",
    "#egg=",
    "&subdirectory=",
    "#",
    " # c",
    "\\",
    "\\\n",
    "\n",
    "\r\n",
    " ",
    "\t",
    "-r ",
    "-c ",
    "-e ",
    "--hash=sha256:",
    "--hash",
    "-i",
    "--pre",
    "'",
    "\"",
    "python_version",
    " and ",
    " or ",
    " not in ",
    "$",
    "${X}",
    "é",
    "日本",
    "🙂",
    "./",
    "x.whl",
    "=",
    "-",
];

const DF_TOKENS: &[&str] = &[
    "FROM ",
    "from ",
    "RUN ",
    "COPY ",
    "ARG ",
    "ENV ",
    "ONBUILD ",
    "AS ",
    "as ",
    "--platform=",
    "img",
    "quay.io/jupyterhub/k8s-hub",
    ":",
    "4.3.3",
    "@sha256:",
    "0123456789abcdef",
    "$",
    "${",
    "}",
    ":-",
    ":+",
    "-",
    "+",
    "V",
    "=",
    "\"",
    "'",
    "\\",
    "`",
    "\\\n",
    "\n",
    "\r\n",
    " ",
    "\t",
    "#",
    "# escape=`\n",
    "# syntax=x\n",
    "<<",
    "<<-",
    "EOF",
    "\nEOF\n",
    "\tEOF",
    "[",
    "]",
    "é",
    "🙂",
];

fn on_boundaries(text: &str, r: TextRange, what: &str) {
    assert!(
        r.start <= r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end),
        "{what} {r:?} in {text:?}"
    );
}

#[test]
fn requirements_parser_on_random_input() {
    let mut rng = Lcg(0x5eed);
    for _ in 0..ITER {
        let n = (rng.next() % 24) as usize;
        let text: String = (0..n).map(|_| rng.pick(REQ_TOKENS)).collect();
        let f = requirements::parse(&text);
        for e in &f.errors {
            on_boundaries(&text, e.range, "error");
        }
        for r in &f.requirements {
            on_boundaries(&text, r.range, "range");
            on_boundaries(&text, r.name_range, "name");
            for s in &r.specifiers {
                on_boundaries(&text, s.version_range, "version");
            }
            if let Some((_, range)) = r.vcs.as_ref().and_then(|v| v.git_ref.as_ref()) {
                on_boundaries(&text, *range, "ref");
            }
            if let Some((_, range)) = &r.marker {
                on_boundaries(&text, *range, "marker");
            }
        }
        for i in &f.includes {
            on_boundaries(&text, i.path_range, "include");
        }
    }
}

#[test]
fn dockerfile_parser_on_random_input() {
    let mut rng = Lcg(0xd0c);
    for _ in 0..ITER {
        let n = (rng.next() % 32) as usize;
        let text: String = (0..n).map(|_| rng.pick(DF_TOKENS)).collect();
        let df = dockerfile::parse(&text);
        for e in &df.errors {
            on_boundaries(&text, e.range, "error");
        }
        for i in &df.instructions {
            on_boundaries(&text, i.range, "instruction");
            on_boundaries(&text, i.keyword_range, "keyword");
            on_boundaries(&text, i.args_range, "args");
            for h in &i.heredocs {
                on_boundaries(&text, h.body_range, "heredoc");
            }
        }
        for f in &df.froms {
            on_boundaries(&text, f.image_range, "image");
            on_boundaries(&text, f.reference_range, "reference");
            if let Some(r) = f.tag_edit_range {
                on_boundaries(&text, r, "tag");
                // The edit range holds exactly the tag text.
                assert_eq!(Some(&text[r.start..r.end]), f.tag.as_deref(), "{text:?}");
            }
            for (_, r) in &f.unresolved_args {
                on_boundaries(&text, *r, "unresolved");
            }
        }
    }
}
