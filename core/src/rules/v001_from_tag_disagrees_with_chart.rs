use super::common::k8s_hub_base;
use super::{Context, Sink};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::version::{compare_image_to_chart, Agreement, Kind};
use std::collections::HashSet;

declare_rule! {
    /// ## What it does
    /// Compares the tag of the hub image's base, `FROM jupyterhub/k8s-hub:<tag>` (or
    /// `quay.io/jupyterhub/k8s-hub`, `k8s-hub-slim`), with the version of the `jupyterhub`
    /// dependency in the Chart.yaml that the image is deployed with (the chart chartpress writes
    /// the image's tag into, through its `valuesPath`).
    ///
    /// ## Why
    /// The z2jh chart and its hub image are released together: the chart's templates, its
    /// `jupyterhub_config.py` and the hub image's Python packages must match. A custom hub image
    /// built on another k8s-hub release than the chart it runs under starts a hub whose config
    /// and code disagree — the failure shows only when the hub pod crashes after a deploy.
    /// Releases must be equal; for chartpress dev builds (`X.Y.Z-0.dev.git.N.hSHA`) the base
    /// version must be equal and the image must not come from a newer commit than the chart.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM jupyterhub/k8s-hub:3.3.7
    /// ```
    /// while `helm-charts/basehub/Chart.yaml` depends on `jupyterhub` `3.2.1`.
    ///
    /// ## Fix
    /// Set the FROM tag to the chart's version (offered as a safe fix when the chart pins a
    /// release), or set the chart's version to the FROM tag (unsafe: it changes what deploys).
    V001, "from-tag-disagrees-with-chart", Error, fixable: true, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    let mut seen = HashSet::new();
    // Images without a valuesPath (experiments) are not the chart's image: the hubs that run
    // them are checked against their own chart by V003.
    for image in ctx
        .model
        .images
        .iter()
        .filter(|i| !i.values_paths.is_empty())
    {
        let Some((file, from, tag)) = k8s_hub_base(ctx.ws, image) else {
            continue;
        };
        let Some(chart) = ctx.model.image_chart(image) else {
            continue;
        };
        let Some(jh) = chart.jupyterhub() else {
            continue;
        };
        let Some(version) = &jh.version else { continue };
        if !seen.insert((file.path.clone(), chart.file.clone())) {
            continue;
        }
        let (severity, why) = match compare_image_to_chart(tag, &version.value) {
            Agreement::Agrees => continue,
            Agreement::Unverifiable(why) => (Severity::Info, why),
            Agreement::Suspicious(why) => (Severity::Warning, why),
            Agreement::Disagrees(why) => (Severity::Error, why),
        };
        let range = from.tag_edit_range.unwrap_or(from.image_range);
        let d = sink.report(
            &file.path,
            range,
            format!(
                "FROM {}:{tag} disagrees with the jupyterhub chart {} in {}: {why}",
                from.image, version.value, chart.file
            ),
        );
        d.severity = severity;
        d.with_related_in_place(
            &version.file,
            version.range,
            format!("jupyterhub chart version {}", version.value),
        );
        if severity == Severity::Info {
            continue;
        }
        if let Some(tag_range) = from.tag_edit_range {
            let chart_is_release = matches!(Kind::parse(&version.value), Some(Kind::Tag(_)));
            // k8s-hub images are tagged without the `v` a chart version may be written with.
            let image_tag = version.value.strip_prefix('v').unwrap_or(&version.value);
            let fix_from = vec![Edit {
                file: file.path.clone(),
                range: tag_range,
                replacement: image_tag.to_string(),
            }];
            let title = format!("Set the FROM tag to {image_tag}");
            d.add_fix(if chart_is_release {
                Fix::safe(title, fix_from)
            } else {
                Fix::unsafe_(title, fix_from)
            });
        }
        let inner = ctx
            .ws
            .get(&version.file)
            .and_then(|f| f.text())
            .map_or(version.range, |text| version.range.unquoted(text));
        d.add_fix(Fix::unsafe_(
            format!("Set the chart's jupyterhub version to {tag}"),
            vec![Edit {
                file: version.file.clone(),
                range: inner,
                replacement: tag.to_string(),
            }],
        ));
    }
}
