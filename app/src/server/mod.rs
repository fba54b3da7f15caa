//! Server-only half of the app: configuration, database, accounts and guards.
//! Compiled only with the `ssr` feature; the browser bundle never sees it.

pub mod banks_sync;
pub mod config;
pub mod db;
pub mod guard;
pub mod jobs;
pub mod links;
pub mod llm;
pub mod offload;
pub mod password;
pub mod s3;
pub mod session_store;
pub mod state;
pub mod storage;
pub mod throttle;
pub mod users;
pub mod worker;

pub use config::Config;
pub use state::AppState;

/// Where uploaded templates are kept.
pub fn uploads_dir(config: &Config) -> std::path::PathBuf {
    config.data_dir.join("uploads").join("templates")
}

/// Resolves a template choice from the form: a sample's file name, or
/// `upload:<generated>.pptx` for an uploaded one. Never a client path.
pub fn template_path(config: &Config, choice: &str) -> Option<std::path::PathBuf> {
    if let Some(file) = choice.strip_prefix("upload:") {
        let ok =
            file.len() == 21 && file.ends_with(".pptx") && file[..16].bytes().all(|b| b.is_ascii_lowercase());
        let path = uploads_dir(config).join(file);
        return (ok && path.is_file()).then_some(path);
    }
    let listed = crate::api::jobs::sample_template_names(&config.sample_templates_dir);
    listed
        .iter()
        .any(|n| n == choice)
        .then(|| config.sample_templates_dir.join(choice))
}
