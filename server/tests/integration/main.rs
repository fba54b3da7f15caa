//! The server's integration tests, as one test binary: each module tells one
//! part of the product's story against the real app (real HTTP on localhost,
//! a real SQLite file per test, real decks opened by the deck engine).
//!
//! One binary instead of one per file: the app, Leptos and the AWS SDK are
//! linked once, which is most of the suite's build time.

mod common;

mod accounts;
mod ai_writer;
mod api;
mod backups;
mod editing;
mod generate;
mod hostile;
mod jobs;
mod operations;
mod previews;
mod replicas;
mod s3;
mod uploads_downloads;
mod webhooks;
