//! `hublint build`: builds and pushes a repository's chartpress images safely.
pub mod git;
pub mod reference;
pub mod tag;
pub mod values_edit;
