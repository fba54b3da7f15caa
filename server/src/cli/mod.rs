//! Command-line tools beside `serve`: generating a deck without the server
//! and the deck engine's own tools.

pub mod deck;
pub mod generate;
