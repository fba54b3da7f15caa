//! One module per page.

pub mod account;
pub mod admin_users;
pub mod course_edit;
pub mod dashboard;
pub mod history;
pub mod job;
pub mod login;
pub mod new_course;
pub mod not_found;
pub mod setup;
pub mod tokens;
pub mod usage;
pub mod webhooks;
