#![doc = include_str!("../README.md")]

mod adapter;
mod authorizer;
pub mod password;
pub mod policy;

pub use authorizer::{Authorizer, AuthzError};
