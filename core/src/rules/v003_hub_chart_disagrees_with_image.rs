use super::common::k8s_hub_base;
use super::{Context, Sink};
use crate::diagnostic::Severity;
use crate::version::{compare_image_to_chart, Agreement};
use std::collections::BTreeMap;

declare_rule! {
    /// ## What it does
    /// For each hub that deploys with another chart than its image's (a `chart_override` in
    /// cluster.yaml) or runs another image than its chart's default (its own `hub.image`),
    /// finds the image the hub actually runs — its own `hub.image` if a values file sets one,
    /// else the chart's default from values.yaml — and the Dockerfile that chartpress builds it
    /// from, and compares that Dockerfile's `FROM k8s-hub:<tag>` with the `jupyterhub` version
    /// of the chart the hub deploys with.
    ///
    /// ## Why
    /// A `chart_override` moves one hub to another z2jh version for a trial; when the trial ends
    /// (or the default image moves on) the override is easily left behind, and that hub then
    /// runs a hub image built for another chart. In 2i2c's history, `maap/prod` kept an override
    /// to a 4.3.3 dev chart while the default image was still built `FROM k8s-hub:4.0.0`, and
    /// `2i2c-uk/lis` kept a 4.0.0 override after the default image moved to 4.3.3.
    ///
    /// ## Example
    /// ```yaml
    /// # cluster.yaml
    /// - name: prod
    ///   helm_chart: basehub
    ///   chart_override: helm-charts/basehub/Z2jh-4.3.3-chart.yaml   # jupyterhub 4.3.3-0.dev…
    /// ```
    /// with no `hub.image` in prod's values, so it runs the default image `FROM k8s-hub:4.0.0`.
    ///
    /// ## Fix
    /// Point the hub at an image built for its chart (`hub.image`), or remove the override.
    V003, "hub-chart-disagrees-with-image", Error, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    // (file, range) → (severity, message, related, hubs); one report per place, naming hubs.
    type Key = (String, usize, usize);
    type Report = (
        Severity,
        String,
        Vec<(String, crate::TextRange, String)>,
        Vec<String>,
    );
    let mut reports: BTreeMap<Key, Report> = BTreeMap::new();
    for (hub, image) in ctx.model.hubs.iter().zip(&ctx.hub_values().hub_images) {
        let Some(chart_file) = &hub.chart_file else {
            continue;
        };
        let Some(chart) = ctx.model.chart(chart_file) else {
            continue;
        };
        let Some(version) = chart.jupyterhub().and_then(|jh| jh.version.as_ref()) else {
            continue;
        };
        let Some((name, tag)) = image else {
            continue;
        };
        let Some(name_text) = name.as_str() else {
            continue;
        };
        let Some(image) = ctx.model.image_named(name_text) else {
            continue;
        };
        let default_chart = ctx.model.image_chart(image).map(|c| c.file.as_str());
        // A hub on its chart's own main image is V001's business.
        let is_main_image =
            !image.values_paths.is_empty() && default_chart == Some(chart_file.as_str());
        if hub.chart_override.is_none() && is_main_image {
            continue;
        }
        let Some((dockerfile, from, from_tag)) = k8s_hub_base(ctx.ws, image) else {
            continue;
        };
        let (severity, why) = match compare_image_to_chart(from_tag, &version.value) {
            Agreement::Agrees => continue,
            Agreement::Unverifiable(_) => continue,
            Agreement::Suspicious(why) => (Severity::Warning, why),
            Agreement::Disagrees(why) => (Severity::Error, why),
        };
        let (file, range) = match &hub.chart_override {
            Some(o) => (o.file.clone(), o.range),
            None => (
                name.file.to_string(),
                name.node.map(|n| n.range).unwrap_or_default(),
            ),
        };
        let tag_text = tag.as_ref().and_then(|t| t.as_str()).unwrap_or("?");
        let message = format!(
            "hub {} deploys with jupyterhub chart {} ({}) but runs image {name_text}:{tag_text}, built FROM {}:{from_tag} ({}): {why}",
            "{hubs}", version.value, chart.file, from.image, dockerfile.path
        );
        let mut related = vec![
            (
                version.file.clone(),
                version.range,
                format!("jupyterhub chart version {}", version.value),
            ),
            (
                dockerfile.path.clone(),
                from.tag_edit_range.unwrap_or(from.image_range),
                format!("image built FROM {}:{from_tag}", from.image),
            ),
        ];
        if let Some(n) = name.node {
            related.push((
                name.file.to_string(),
                n.range,
                format!("hub.image.name {name_text}"),
            ));
        }
        let entry = reports.entry((file, range.start, range.end)).or_insert((
            severity,
            message,
            related,
            Vec::new(),
        ));
        entry.3.push(hub.label());
    }
    for ((file, start, end), (severity, message, related, hubs)) in reports {
        let d = sink.report(
            &file,
            crate::TextRange::new(start, end),
            message.replace("{hubs}", &hubs.join(", ")),
        );
        d.severity = severity;
        for (f, r, m) in related {
            d.with_related_in_place(&f, r, m);
        }
    }
}
