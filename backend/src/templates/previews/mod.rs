//! Slide previews of a finished deck: LibreOffice (headless) turns the deck
//! into a PDF once, `pdftoppm` turns the PDF into page pictures — the
//! thumbnails in small batches right after (the job page's grid fills as
//! they come, see [`pages`]), a large picture when someone opens a slide —
//! and all of it is kept under `DATA_DIR/previews/<job>/`. A job's previews
//! are drawn as soon as it completes (`PREVIEWS_ON_COMPLETION`), else on
//! first view; kept as long as the job (deleting the job's folder is the
//! janitor's business with the deck).
//!
//! Bounded like every other expensive step: one conversion per core at a
//! time, a time limit (`RENDER_TIMEOUT_SECONDS`) after which the converter
//! is killed, a private LibreOffice profile per conversion (so two never
//! share one and a crashed one leaves nothing behind). A failure — or no
//! LibreOffice on the machine, as in the container image — never touches
//! the job: previews are then "not available" and the deck downloads as
//! ever.

mod contrast;
mod convert;
mod jobs;
mod pages;
pub mod sandbox;
mod store;
mod templates;

pub use convert::drawable;
pub use jobs::{forget_failure, overview, page_file, pdf, prepare, remove, Pdf};
pub use pages::draw_unchecked;
pub use store::{PreviewError, Size};
pub use templates::{
    forget_template_failure, sweep_templates, template_key, template_page, template_pictures, TEMPLATE_PAGES,
};
