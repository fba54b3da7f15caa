//! The backend's one error type. A user-facing outcome (not found, a field
//! that failed validation, a conflict) is carried as the [`ApiError`] it
//! will become; everything else is an internal cause that enters through
//! `#[from]` and `?`. Converting to [`ApiError`] logs an internal cause once
//! and gives the client only a generic message.

use types::ApiError;

/// What a backend operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An outcome the user is told about as it is.
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("storage: {0}")]
    Io(#[from] std::io::Error),
    #[error("session: {0}")]
    Session(#[from] tower_sessions::session::Error),
    /// Anything else, with the context of what was being done.
    #[error("{0:#}")]
    Other(#[from] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::Api(api) => api,
            internal => {
                tracing::error!(error = %internal, "internal error");
                ApiError::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_facing_errors_pass_through_and_internal_causes_stay_hidden() {
        let e: ApiError = Error::from(ApiError::NotFound).into();
        assert_eq!(e, ApiError::NotFound);
        let e: ApiError = Error::from(sqlx::Error::RowNotFound).into();
        assert_eq!(e, ApiError::Internal);
        assert!(!e.to_string().contains("row"));
    }
}
