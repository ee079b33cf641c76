use super::{Context, Sink};
use crate::diagnostic::{Edit, Fix};
use crate::requirements::pep440::Version;
use crate::text::TextRange;
use crate::workspace::parent;
use std::collections::BTreeMap;

declare_rule! {
    /// ## What it does
    /// Compares the `==` pins of the requirements files that sit in one image directory (the
    /// main image's `requirements.txt` and the experiments' `*-requirements.txt` built from
    /// the same Dockerfile) and reports each pin that is older than the newest pin of the same
    /// package there, pointing at the newer one.
    ///
    /// ## Why
    /// 2i2c-style experimental images are copies of the main image's requirements plus one
    /// change. When the main image moves on (`jupyterhub-fancy-profiles==0.6.0`) and the copy
    /// does not (`==0.4.1`), hubs on the experiment silently run older code than everyone
    /// else, and the experiment no longer tests what it would roll into the main image.
    ///
    /// ## Example
    /// `images/hub/requirements.txt`: `jupyterhub-fancy-profiles==0.6.0`;
    /// `images/hub/authz-helpers-requirements.txt`: `jupyterhub-fancy-profiles==0.4.1`.
    ///
    /// ## Fix
    /// Pin the same version in every file (offered as an unsafe fix: it changes what the
    /// older image installs).
    R006, "version-drift", Warning, fixable: true, check
}

struct Pin<'a> {
    file: &'a str,
    written: &'a str,
    version: Version,
    text: &'a str,
    range: TextRange,
}

fn check(ctx: &Context, sink: &mut Sink) {
    // directory -> package -> pins
    let mut groups: BTreeMap<&str, BTreeMap<&str, Vec<Pin>>> = BTreeMap::new();
    for path in &ctx.model.requirements_files {
        let Some(reqs) = ctx.ws.get(path).and_then(|f| f.requirements()) else {
            continue;
        };
        for r in &reqs.requirements {
            // Marker-specific pins may differ on purpose.
            if r.marker.is_some() {
                continue;
            }
            let (Some(name), Some((text, range))) =
                (r.normalized_name.as_deref(), r.pinned_version())
            else {
                continue;
            };
            let Some(version) = Version::parse(text) else {
                continue;
            };
            groups
                .entry(parent(path))
                .or_default()
                .entry(name)
                .or_default()
                .push(Pin {
                    file: path,
                    written: r.name.as_deref().unwrap_or(name),
                    version,
                    text,
                    range,
                });
        }
    }
    for packages in groups.values() {
        for pins in packages.values() {
            let Some(newest) = pins.iter().max_by(|a, b| a.version.cmp(&b.version)) else {
                continue;
            };
            let newer_files: Vec<&Pin> = pins
                .iter()
                .filter(|p| p.version == newest.version)
                .collect();
            for pin in pins.iter().filter(|p| p.version < newest.version) {
                let files: Vec<&str> = newer_files.iter().map(|p| file_name(p.file)).collect();
                let d = sink.report(
                    pin.file,
                    pin.range,
                    format!(
                        "`{}` is pinned to {} here but to {} in {} in the same image directory",
                        pin.written,
                        pin.text,
                        newest.text,
                        files.join(", ")
                    ),
                );
                for p in &newer_files {
                    d.with_related_in_place(p.file, p.range, format!("{} pinned here", p.text));
                }
                d.add_fix(Fix::unsafe_(
                    format!("Pin {}", newest.text),
                    vec![Edit {
                        file: pin.file.to_string(),
                        range: pin.range,
                        replacement: newest.text.to_string(),
                    }],
                ));
            }
        }
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}
