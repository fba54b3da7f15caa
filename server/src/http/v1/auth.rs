//! Who is calling the REST API: `Authorization: Bearer cw_…`, checked on
//! every request (see `backend::accounts::tokens`). Handlers take [`Reader`]
//! or [`Writer`]; nothing under `/api/v1` reads the session cookie, so the
//! browser's same-origin rule does not apply here and a page elsewhere
//! cannot act with a signed-in user's rights.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use backend::accounts::tokens::{self, TokenCaller};
use backend::AppState;
use types::tokens::TokenScope;

use super::problem::Problem;

/// A caller with a working token of either scope.
pub struct Reader(pub TokenCaller);

/// A caller with a working `write` token.
pub struct Writer(pub TokenCaller);

/// Longest `Authorization` header looked at (a token is 52 characters).
const MAX_HEADER: usize = 200;

pub(crate) async fn caller(parts: &Parts, state: &AppState) -> Result<TokenCaller, Problem> {
    let unauthorized = || {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "A valid API token is required: send `Authorization: Bearer cw_…` (make one on the API tokens page).",
        )
    };
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Err(unauthorized());
    };
    let value = value.to_str().map_err(|_| unauthorized())?;
    if value.len() > MAX_HEADER {
        return Err(unauthorized());
    }
    let token = match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => return Err(unauthorized()),
    };
    match tokens::authenticate(state, token).await {
        Ok(Some(caller)) => Ok(caller),
        Ok(None) => Err(unauthorized()),
        Err(e) => Err(e.into()),
    }
}

impl<S> FromRequestParts<S> for Reader
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        caller(parts, &AppState::from_ref(state)).await.map(Reader)
    }
}

impl<S> FromRequestParts<S> for Writer
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let caller = caller(parts, &AppState::from_ref(state)).await?;
        if caller.scope != TokenScope::Write {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "This token may only read: use a token with the write scope to change courses.",
            ));
        }
        Ok(Writer(caller))
    }
}
