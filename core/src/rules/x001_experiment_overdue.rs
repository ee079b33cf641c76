use super::{Context, Sink};
use crate::config::days_from_iso;
use crate::diagnostic::Severity;
use crate::experiment_history::{experimental_image_names, ExperimentStart};

/// How long an experiment may run, unless `.hublint.yaml` sets `experiment-days`.
const EXPERIMENT_DAYS: i64 = 28;

declare_rule! {
    /// ## What it does
    /// Reports an experimental hub image that hubs have run for more than 4 weeks.
    ///
    /// An image is experimental when `.hublint.yaml` lists it under `experimental-images`, or
    /// when chartpress.yaml builds it without a `valuesPath` (its own entry, pointed at from a
    /// few hubs' `hub.image`, as 2i2c runs experiments). When the experiment started:
    ///
    /// - from git, in `hublint check` and the language server: for each values file that
    ///   selects the image, the commit that made it so (the oldest commit of the unbroken run
    ///   of first-parent history up to HEAD in which the file names the image) and its date.
    ///   The warning names that file, the commit and the date. The server reads the history
    ///   again when HEAD moves.
    /// - from a `since:` date under `experimental-images`, which overrides git: one
    ///   diagnostic for the experiment, on its chartpress entry, naming every hub that runs it.
    ///
    /// Past the limit (28 days; `experiment-days: N` in `.hublint.yaml` sets it) it is a
    /// warning; before, an info with the day count. Without git (the playground, a folder
    /// that is not a repository) and without `since:`, nothing is reported.
    ///
    /// ## Why
    /// An experimental hub image (its own requirements file and chartpress entry, pointed at
    /// from a few hubs' `hub.image`) gets four weeks: by then the change is part of the main
    /// image or taken out. Forgotten experiments keep hubs on images that no longer receive
    /// the main image's updates; 2i2c's history has experiments that ran for more than a year.
    ///
    /// ## Example
    /// ```yaml
    /// # config/clusters/leap/common.values.yaml, changed in a commit of 2023-07-10
    /// jupyterhub:
    ///   hub:
    ///     image:
    ///       name: quay.io/2i2c/experimental-hub
    ///       tag: "0.0.1-0.dev.git.6406.hc1091b1c"
    /// ```
    /// ```yaml
    /// # .hublint.yaml: a start date git cannot see (the history was squashed), and a limit
    /// experimental-images:
    ///   quay.io/2i2c/pkce-experiment: { since: 2024-10-01 }
    /// experiment-days: 42
    /// ```
    ///
    /// ## Fix
    /// Roll the change into the main image (its requirements into `requirements.txt`), move the
    /// hubs back to the default image, and remove the experiment's chartpress entry.
    X001, "experiment-overdue", Warning, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    let Some(today) = ctx.config.today.as_deref().and_then(days_from_iso) else {
        return;
    };
    let limit = ctx.config.experiment_days.unwrap_or(EXPERIMENT_DAYS);
    check_configured_since(ctx, sink, today, limit);
    check_history(ctx, sink, today, limit);
}

fn severity_and_age(today: i64, since: i64, limit: i64) -> (Severity, i64) {
    let age = today - since;
    let severity = if age > limit {
        Severity::Warning
    } else {
        Severity::Info
    };
    (severity, age)
}

/// Experiments with a `since:` date: one diagnostic each, on the chartpress entry.
fn check_configured_since(ctx: &Context, sink: &mut Sink, today: i64, limit: i64) {
    for exp in &ctx.config.experimental_images {
        let Some(since) = exp.since.as_deref().and_then(days_from_iso) else {
            continue;
        };
        let built = ctx.model.images.iter().find(|i| i.full_name == exp.name);
        let mut users = Vec::new();
        for (file, refs) in ctx.values_image_refs() {
            for r in refs {
                if r.name == exp.name {
                    users.push((file.path.clone(), r.name_range));
                }
            }
        }
        if built.is_none() && users.is_empty() {
            continue;
        }
        let (file, range) = match built {
            Some(img) => (img.config_file.clone(), img.key.range),
            None => users[0].clone(),
        };
        let used_in: Vec<&str> = users.iter().map(|(f, _)| f.as_str()).collect();
        let (severity, age) = severity_and_age(today, since, limit);
        let message = if severity == Severity::Warning {
            format!(
                "experimental image `{}` started {} and is {age} days old (limit {limit}): roll it into the main image or remove it{}",
                exp.name,
                exp.since.as_deref().unwrap_or_default(),
                if used_in.is_empty() { String::new() } else { format!("; used in {}", used_in.join(", ")) }
            )
        } else {
            format!("experimental image `{}`: day {age} of {limit}", exp.name)
        };
        let d = sink.report(&file, range, message);
        d.severity = severity;
        for (f, r) in users {
            d.with_related_in_place(&f, r, "runs the experimental image");
        }
    }
}

/// Experiments without a `since:` date: each values file that selects one, from the commit
/// git says made it so.
fn check_history(ctx: &Context, sink: &mut Sink, today: i64, limit: i64) {
    if ctx.config.experiment_history.is_empty() {
        return;
    }
    let experimental = experimental_image_names(ctx.model, ctx.config);
    for (file, refs) in ctx.values_image_refs() {
        for r in refs {
            let has_since = ctx
                .config
                .is_experimental(&r.name)
                .is_some_and(|e| e.since.is_some());
            if has_since || !experimental.contains(&r.name) {
                continue;
            }
            let Some(start) = find_start(&ctx.config.experiment_history, &file.path, &r.name)
            else {
                continue;
            };
            let Some(since) = days_from_iso(&start.date) else {
                continue;
            };
            let (severity, age) = severity_and_age(today, since, limit);
            let message = if severity == Severity::Warning {
                format!(
                    "this hub has run experimental image `{}` since commit {} ({}), {age} days (limit {limit}): roll the change into the main image, or move the hub back to it",
                    r.name, start.commit, start.date
                )
            } else {
                format!(
                    "experimental image `{}` since commit {} ({}): day {age} of {limit}",
                    r.name, start.commit, start.date
                )
            };
            let d = sink.report(&file.path, r.name_range, message);
            d.severity = severity;
            if let Some(img) = ctx.model.images.iter().find(|i| i.full_name == r.name) {
                d.with_related_in_place(
                    &img.config_file,
                    img.key.range,
                    "the experiment's chartpress entry",
                );
            }
        }
    }
}

fn find_start<'a>(
    history: &'a [ExperimentStart],
    file: &str,
    image: &str,
) -> Option<&'a ExperimentStart> {
    history.iter().find(|s| s.file == file && s.image == image)
}
