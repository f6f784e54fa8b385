//! weizhili-core: the domain of building micro-governance as plain Rust.
//!
//! Owns the types that are valid by construction (`Phone`, `BirthYear`, `Tag`, …), the permission policy
//! (`access`), the rules of the wish and event lifecycles (`wish`, `event`), and the pure part of roster import
//! (`roster`). It must not do I/O: no database, no clock reads except through [`clock::Clock`], no network.

pub mod access;
pub mod clock;
pub mod competition;
pub mod event;
pub mod grid;
pub mod notify;
pub mod roster;
pub mod service;
pub mod wish;
