use super::{Context, Sink};
use crate::model::is_requirements_name;

declare_rule! {
    /// ## What it does
    /// Reports a path in chartpress.yaml that does not exist: an image's `contextPath`, its
    /// `dockerfilePath` (or the default `<contextPath>/Dockerfile`), a chart's directory, or a
    /// file named by a build arg (`buildArgs.REQUIREMENTS_FILE: requirements.txt`, looked up in
    /// the build context).
    ///
    /// ## Why
    /// chartpress does not check these: a missing context or Dockerfile fails the build, and a
    /// missing build-arg file fails it only at the `COPY` step, after minutes of building — or
    /// never, for an image nobody rebuilds until the day it is urgent. In 2i2c's history the
    /// `hub` image's `requirements.txt` was deleted while chartpress.yaml still named it, and
    /// main stayed unbuildable for seven weeks.
    ///
    /// ## Example
    /// ```yaml
    /// images:
    ///   hub:
    ///     buildArgs:
    ///       REQUIREMENTS_FILE: requirements.txt   # images/hub/requirements.txt is gone
    /// ```
    ///
    /// ## Fix
    /// Restore the file, or point the entry at the one that replaced it.
    C001, "chartpress-missing-file", Error, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    for cp in &ctx.model.chartpress {
        for chart in &cp.charts {
            if !ctx.ws.is_dir(&chart.chart_dir)
                && !ctx.ws.contains(&format!("{}/Chart.yaml", chart.chart_dir))
            {
                sink.report(
                    &cp.file,
                    chart.name.range,
                    format!("chart directory `{}` does not exist", chart.chart_dir),
                );
            }
        }
    }
    for image in &ctx.model.images {
        let key = &image.key.value;
        if !ctx.ws.is_dir(&image.context_path.value) {
            sink.report(
                &image.config_file,
                image.context_path.range,
                format!(
                    "image `{key}`: build context `{}` does not exist",
                    image.context_path.value
                ),
            );
            continue;
        }
        if !ctx.ws.contains(&image.dockerfile_path.value) {
            sink.report(
                &image.config_file,
                image.dockerfile_path.range,
                format!(
                    "image `{key}`: Dockerfile `{}` does not exist",
                    image.dockerfile_path.value
                ),
            );
        }
        for arg in &image.build_args {
            let looks_like_file = is_requirements_name(&arg.value.value)
                || [
                    ".txt", ".in", ".yaml", ".yml", ".json", ".toml", ".cfg", ".sh", ".py",
                ]
                .iter()
                .any(|e| arg.value.value.ends_with(e));
            if looks_like_file && !ctx.ws.contains(&arg.context_file) {
                sink.report(
                    &image.config_file,
                    arg.value.range,
                    format!("image `{key}`: build arg {} names `{}`, which does not exist in the build context", arg.name, arg.context_file),
                );
            }
        }
    }
}
