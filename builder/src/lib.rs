//! placeholder until this crate's issue is taken
