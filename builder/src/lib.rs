//! `hublint build`: builds and pushes a repository's chartpress images safely.
//!
//! Tags are computed exactly as chartpress 2.4 computes them ([`tag`]); the repository is
//! linted first and nothing is built while it has errors; images are built and pushed
//! through a backend with argument vectors ([`backend`]); names and tags are checked against
//! the OCI reference grammar before any process runs (`hublint_core::image_ref`); and values.yaml is
//! edited surgically, only after every push succeeded ([`values_edit`]).

pub mod backend;
pub mod config;
pub mod credentials;
pub mod experiments;
pub mod git;
pub mod history;
pub mod prefetch;
pub mod registry;
pub mod report;
pub mod run;
pub mod tag;
pub mod values_edit;

pub use backend::BackendKind;
pub use report::{BuildRecord, ImageKind, TerminalUi, Ui};
pub use run::{run, BuildOptions, Outcome};
