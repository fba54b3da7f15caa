//! The MCP server for AI assistants: the tools `list_templates`,
//! `parse_outline`, `generate_course`, `course_status` and `download_link`,
//! and the team's finished courses as resources (`courseware://courses/{id}`).
//! Served over stdio by `courseware mcp` and over streamable HTTP at `/mcp`
//! (see `http::mcp`). Every tool calls the same backend functions as the REST
//! API and the pages, with the same allowances for the token's user.

mod handler;
mod server;
mod tools;

pub use server::{Courseware, Credentials, RESOURCE_PREFIX};
