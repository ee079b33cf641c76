use super::{Context, Sink};
use crate::version::is_version_range;

declare_rule! {
    /// ## What it does
    /// Reports a `jupyterhub` dependency in a Chart.yaml (or a hub's `chart_override` file) whose
    /// `version` is a range (`^4.0.0`, `~4.3`, `>=4 <5`, `4.x`) instead of one exact version.
    ///
    /// ## Why
    /// `helm dependency update` resolves a range to whatever is newest on the day it runs, so the
    /// chart that deploys changes without a commit, while the hub image's `FROM k8s-hub:<tag>`
    /// stays put. hublint (and people) can then no longer tell which chart a hub runs, and the
    /// image/chart agreement (V001, V003) cannot be checked.
    ///
    /// ## Example
    /// ```yaml
    /// dependencies:
    ///   - name: jupyterhub
    ///     version: ^4.0.0
    /// ```
    ///
    /// ## Fix
    /// Pin the exact version the hub image is built for.
    V002, "chart-version-range", Warning, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    for chart in &ctx.model.charts {
        let Some(jh) = chart.jupyterhub() else {
            continue;
        };
        match &jh.version {
            Some(v) if is_version_range(&v.value) => {
                sink.report(
                    &v.file,
                    v.range,
                    format!(
                        "jupyterhub chart version `{}` is a range, not one exact version",
                        v.value
                    ),
                );
            }
            None => {
                sink.report(
                    &jh.name.file,
                    jh.name.range,
                    "jupyterhub dependency has no version: helm takes whatever is newest",
                );
            }
            _ => {}
        }
    }
}
