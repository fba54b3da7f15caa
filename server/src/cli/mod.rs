//! The `courseware` commands, one file each (`main.rs` only parses and
//! dispatches): serving, the administrative tools, the deck engine's own
//! tools, and the helpers the server and container run.

pub mod admin;
pub mod backup;
pub mod banks;
pub mod child;
pub mod deck;
pub mod generate;
pub mod legacy;
pub mod mcp;
pub mod migrate;
pub mod serve;
