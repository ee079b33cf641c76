use super::{Context, Sink};
use crate::diagnostic::{Edit, Fix};

declare_rule! {
    /// ## What it does
    /// Reports a YAML file that does not parse, or that hublint refuses to parse because it is
    /// too large, nested too deeply, or expands aliases past a fixed budget ("billion laughs").
    /// That includes what YAML forbids but a lenient parser would read: a mapping or list on
    /// the same line as its key, a plain value starting with `@` or a backtick, a `: value`
    /// without a key, a value not indented under its key or `-`, an unknown escape in a
    /// double-quoted string (`"^\d+$"`, `"C:\Users"`), a control character.
    ///
    /// ## Why
    /// helm stops at the first YAML error in any `-f` values file, and a chart or chartpress
    /// config that does not parse stops every build. Nothing else in the file can be checked
    /// until it parses.
    ///
    /// ## Example
    /// ```yaml
    /// hub:
    ///   image: [quay.io/org/hub, 1.0
    /// singleuser:
    ///   image: quay.io/org/user: 1.0   # a mapping cannot start on its key's line
    /// ```
    ///
    /// ## Fix
    /// Correct the syntax at the reported position. Where the intent is plain, a quick fix
    /// offers the rewrite (quote a value that starts with `@` or holds `: `, double a
    /// backslash that starts no escape); `--fix` leaves them to the author.
    Y001, "yaml-syntax", Error, fixable: true, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    for file in ctx.yaml_data_files() {
        let Some(yaml) = file.yaml() else { continue };
        for err in &yaml.errors {
            let diagnostic = sink.report(&file.path, err.range, err.message.clone());
            if let Some(fix) = &err.fix {
                diagnostic.fixes.push(Fix::unsafe_(
                    fix.title.clone(),
                    vec![Edit {
                        file: file.path.clone(),
                        range: fix.range,
                        replacement: fix.replacement.clone(),
                    }],
                ));
            }
        }
    }
}
