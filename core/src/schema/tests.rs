//! Unit tests of the schema module.
