//! The deck engine: reads PowerPoint templates and writes course decks.
//!
//! A pure library: no async runtime, no web framework. The web server and the
//! CLI call it from blocking threads. The engine itself arrives with its own
//! issue; for now the crate only fixes its place in the workspace.

/// Version of the engine, reported by `/health` and `courseware --version`.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(test)]
mod tests {
    #[test]
    fn version_is_the_crate_version() {
        assert_eq!(super::ENGINE_VERSION, env!("CARGO_PKG_VERSION"));
    }
}
