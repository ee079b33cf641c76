//! hublint core: parses the files of a JupyterHub-on-Kubernetes deployment repository with
//! exact spans, links them into a model of charts, images and hubs, and runs the rules.
//!
//! No I/O happens here: front ends (CLI, language server, browser) fill a [`Workspace`] with
//! file texts and render the [`Diagnostic`]s that [`check`] returns.

pub mod check;
pub mod config;
pub mod config_schema;
pub mod deployments;
pub mod diagnostic;
pub mod dockerfile;
pub mod experiment_history;
pub mod files;
pub mod fix;
pub mod glob;
pub mod image_ref;
pub mod k8s_hub;
pub mod model;
pub mod output;
pub mod pip_install;
pub mod project;
pub mod requirements;
pub mod rules;
pub mod schema;
pub mod shell;
pub mod text;
pub mod values;
pub mod version;
pub mod workspace;
pub mod yaml;

pub use check::check;
pub use config::Config;
pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Related, Severity};
pub use project::Project;
pub use text::{ColumnUnit, LineCol, LineIndex, TextRange};
pub use workspace::Workspace;
