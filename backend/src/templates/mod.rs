//! Templates: which ones a job can use ([`catalogue`]: the samples and the
//! uploads), what the template page shows of each ([`intake`]), pictures of
//! them and of finished decks ([`previews`]), and the slide banks
//! ([`banks`]).

pub mod banks;
pub mod catalogue;
pub mod intake;
pub mod previews;

pub use catalogue::{
    check_template, resolve, sample_names, store_upload, upload_name, upload_name_file, uploads_dir,
};
pub use intake::{cards, describe, pictures, report};
