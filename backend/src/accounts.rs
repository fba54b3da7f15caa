//! Accounts: who is signed in on a session, signing in (throttled, always one
//! argon2 check, a fresh session id), first-run set-up, and the
//! administrators' user management with its rules (nobody disables or
//! demotes themself; the last active administrator stays one; disabling or a
//! password reset ends the user's sessions).

use std::net::IpAddr;

use tower_sessions::Session;
use types::account::{CurrentUser, UserSummary};
use types::validate::{Email, PersonName};
use types::ApiError;

use crate::db::sessions::{SqliteSessionStore, USER_ID_KEY};
use crate::db::users;
use crate::{password, AppState, Result};

/// A request's user as the route guard found them: active and signed in on
/// the request's session. The guard puts it in the request's extensions.
#[derive(Debug, Clone)]
pub struct SignedIn(pub CurrentUser);

/// The active user signed in on `session`, if any.
pub async fn signed_in(state: &AppState, session: &Session) -> Result<Option<CurrentUser>> {
    let Some(id) = session.get::<i64>(USER_ID_KEY).await? else {
        return Ok(None);
    };
    Ok(users::active_user(&state.pool, id).await?)
}

/// Whether anyone has an account yet (set-up is open only while not).
pub async fn any_users(state: &AppState) -> Result<bool> {
    Ok(users::count(&state.pool).await? > 0)
}

/// Signs `email` in on `session`. Failures are counted per email and per
/// client address; the error never says which part was wrong.
pub async fn sign_in(
    state: &AppState,
    session: &Session,
    email: &str,
    password: String,
    client: Option<IpAddr>,
) -> Result<i64> {
    let email = email.trim();
    if let Some(retry_after) = state.throttle.check(email, client) {
        tracing::warn!(?client, "sign-in throttled");
        return Err(ApiError::TooManyRequests { retry_after }.into());
    }
    let creds = users::credentials(&state.pool, email).await?;
    // Always run one argon2 verification, against a dummy hash when the
    // email is unknown, so timing does not reveal which emails exist.
    let (id, active, hash) = match creds {
        Some(c) => (Some(c.id), c.is_active, Some(c.password_hash)),
        None => (None, false, None),
    };
    let ok = password::verify(password, hash).await && active;
    let Some(user_id) = id.filter(|_| ok) else {
        state.throttle.record_failure(email, client);
        return Err(ApiError::BadCredentials.into());
    };
    state.throttle.record_success(email);
    // A fresh id at sign-in defeats session fixation.
    session.cycle_id().await?;
    session.insert(USER_ID_KEY, user_id).await?;
    users::touch_last_login(&state.pool, user_id).await?;
    tracing::info!(user_id, "signed in");
    Ok(user_id)
}

/// Ends the session (deletes it from the store).
pub async fn sign_out(session: &Session) -> Result<()> {
    Ok(session.flush().await?)
}

/// Validated fields of a new account.
struct NewUser {
    email: Email,
    name: PersonName,
    hash: password::PasswordHash,
}

async fn new_user(email: &str, name: &str, password: String) -> Result<NewUser> {
    let email = Email::parse(email)?;
    let name = PersonName::parse(name)?;
    password::check_policy(&password)?;
    let hash = password::hash(password).await?;
    Ok(NewUser { email, name, hash })
}

/// Creates the first administrator; only while there are no users (atomic,
/// so two racing set-ups cannot both succeed). `NotFound` afterwards.
pub async fn set_up_first_admin(state: &AppState, email: &str, name: &str, password: String) -> Result<i64> {
    if any_users(state).await? {
        return Err(ApiError::NotFound.into());
    }
    let u = new_user(email, name, password).await?;
    match users::create_first_admin(&state.pool, u.email.as_ref(), u.name.as_ref(), &u.hash).await? {
        Some(id) => {
            tracing::info!(user_id = id, "first administrator created through /setup");
            Ok(id)
        }
        None => Err(ApiError::NotFound.into()),
    }
}

/// Creates an account (an administrator's action, the CLI and start-up).
pub async fn create_user(
    state: &AppState,
    email: &str,
    name: &str,
    password: String,
    is_admin: bool,
) -> Result<UserSummary> {
    let u = new_user(email, name, password).await?;
    match users::create(&state.pool, u.email.as_ref(), u.name.as_ref(), &u.hash, is_admin).await? {
        users::Created::Id(id) => {
            tracing::info!(user_id = id, is_admin, "user created");
            users::get(&state.pool, id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("user {id} vanished after its insert").into())
        }
        users::Created::EmailTaken => {
            Err(ApiError::invalid("email", "A user with this email already exists.").into())
        }
    }
}

/// Every user (never their password hash).
pub async fn list_users(state: &AppState) -> Result<Vec<UserSummary>> {
    Ok(users::list(&state.pool).await?)
}

/// Sets a new password for a user and ends their sessions (not the
/// administrator's own current one).
pub async fn reset_password(
    state: &AppState,
    admin: &CurrentUser,
    user_id: i64,
    password: String,
) -> Result<()> {
    password::check_policy(&password)?;
    let hash = password::hash(password).await?;
    if !users::set_password(&state.pool, user_id, &hash).await? {
        return Err(ApiError::NotFound.into());
    }
    if user_id != admin.id {
        SqliteSessionStore::delete_for_user(&state.pool, user_id).await?;
    }
    tracing::info!(by = admin.id, user_id, "password reset");
    Ok(())
}

/// Enables or disables a user and grants or removes administrator rights.
pub async fn update_user(
    state: &AppState,
    admin: &CurrentUser,
    user_id: i64,
    is_active: bool,
    is_admin: bool,
) -> Result<UserSummary> {
    if user_id == admin.id && (!is_active || !is_admin) {
        return Err(ApiError::Conflict("You cannot disable or demote yourself.".into()).into());
    }
    if users::get(&state.pool, user_id).await?.is_none() {
        return Err(ApiError::NotFound.into());
    }
    if !users::set_flags(&state.pool, user_id, is_active, is_admin).await? {
        return Err(ApiError::Conflict("At least one active administrator must remain.".into()).into());
    }
    if !is_active {
        let ended = SqliteSessionStore::delete_for_user(&state.pool, user_id).await?;
        tracing::info!(by = admin.id, user_id, sessions_ended = ended, "user disabled");
    } else {
        tracing::info!(by = admin.id, user_id, is_admin, "user updated");
    }
    Ok(users::get(&state.pool, user_id)
        .await?
        .ok_or(ApiError::NotFound)?)
}
