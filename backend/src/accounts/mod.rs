//! Accounts: who is signed in on a session, signing in (throttled, always one
//! argon2 check, a fresh session id), first-run set-up, and the
//! administrators' user management with its rules (nobody disables or
//! demotes themself; the last active administrator stays one; disabling or a
//! password reset ends the user's sessions).

pub mod address;
pub mod password;
pub mod throttle;
pub mod tokens;

use std::net::IpAddr;

use tower_sessions::Session;
use types::account::{CurrentUser, UserSummary};
use types::limits::{MAX_EMAIL_BYTES, MAX_PASSWORD_BYTES};
use types::validate::{Email, PersonName};
use types::ApiError;

use crate::db::sessions::{DbSessionStore, USER_ID_KEY};
use crate::db::users;
use crate::{AppState, Result};

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

/// Session key holding when the session was last slid (unix seconds).
pub const TOUCHED_KEY: &str = "touched";

/// How often a session in use is slid forward.
pub const SLIDE_EVERY_SECONDS: i64 = 60;

/// Slides a signed-in session's expiry forward, at most once a minute (most
/// requests write nothing): the session's "touched" time changes, so the
/// session layer saves it — update-only, so a session deleted meanwhile
/// stays deleted — with a new expiry, and sends the cookie with its new
/// lifetime.
pub async fn keep_alive(session: &Session) {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let touched = session.get::<i64>(TOUCHED_KEY).await.ok().flatten().unwrap_or(0);
    if now - touched < SLIDE_EVERY_SECONDS {
        return;
    }
    if let Err(e) = session.insert(TOUCHED_KEY, now).await {
        tracing::warn!(error = %e, "could not slide a session");
    }
}

/// Whether anyone has an account yet (set-up is open only while not).
pub async fn any_users(state: &AppState) -> Result<bool> {
    Ok(users::count(&state.pool).await? > 0)
}

/// Signs `email` in on `session`. Each attempt is counted per email and per
/// client address before any hashing; the error never says which part was
/// wrong (the right password for a disabled account is told so). Over-long input is refused without touching the database or argon2.
pub async fn sign_in(
    state: &AppState,
    session: &Session,
    email: &str,
    password: String,
    client: Option<IpAddr>,
) -> Result<i64> {
    let email = email.trim();
    if email.len() > MAX_EMAIL_BYTES || password.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError::BadCredentials.into());
    }
    if let Err(retry_after) = state.throttle.attempt(email, client) {
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
    let right = password::verify(password, hash).await?;
    let Some(user_id) = id.filter(|_| right) else {
        return Err(ApiError::BadCredentials.into());
    };
    if !active {
        // Counted like a failure; said only to someone with the password.
        return Err(ApiError::AccountDisabled.into());
    }
    state.throttle.succeeded(email, client);
    // A fresh id at sign-in defeats session fixation.
    session.cycle_id().await?;
    session.insert(USER_ID_KEY, user_id).await?;
    session
        .insert(TOUCHED_KEY, time::OffsetDateTime::now_utc().unix_timestamp())
        .await?;
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

/// A fresh set-up code: 20 characters from an unambiguous alphabet (~100 bits).
pub fn new_setup_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..20)
        .map(|_| ALPHABET[rand::random::<usize>() % ALPHABET.len()] as char)
        .collect()
}

/// Creates the first administrator; only while there are no users (atomic,
/// so two racing set-ups cannot both succeed), and only with the set-up code
/// from the server log. `NotFound` afterwards.
pub async fn set_up_first_admin(
    state: &AppState,
    code: &str,
    email: &str,
    name: &str,
    password: String,
) -> Result<i64> {
    if any_users(state).await? {
        return Err(ApiError::NotFound.into());
    }
    let expected = state.setup_code.as_bytes();
    let given = code.trim().as_bytes();
    // Compared in constant time; the code is the only secret an empty install has.
    let same = given.len() == expected.len()
        && given.iter().zip(expected).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if !same {
        tracing::warn!("set-up refused: wrong set-up code");
        return Err(ApiError::invalid(
            "code",
            "That set-up code is not right. The server prints it in its log at start-up.",
        )
        .into());
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

/// Sets a new password for a user and ends their sessions — all of them, or,
/// when administrators reset their own, all but the one they are using.
pub async fn reset_password(
    state: &AppState,
    admin: &CurrentUser,
    admin_session: &Session,
    user_id: i64,
    password: String,
) -> Result<()> {
    password::check_policy(&password)?;
    let hash = password::hash(password).await?;
    if !users::set_password(&state.pool, user_id, &hash).await? {
        return Err(ApiError::NotFound.into());
    }
    let keep = (user_id == admin.id)
        .then(|| admin_session.id().map(|id| id.to_string()))
        .flatten();
    let ended = DbSessionStore::delete_for_user(&state.pool, user_id, keep.as_deref()).await?;
    tracing::info!(by = admin.id, user_id, sessions_ended = ended, "password reset");
    Ok(())
}

/// A user changes their own name (shown in the header, the history and
/// the jobs they own).
pub async fn rename_self(state: &AppState, user: &CurrentUser, name: &str) -> Result<CurrentUser> {
    let name = PersonName::parse(name)?;
    if !users::set_name(&state.pool, user.id, name.as_ref()).await? {
        return Err(ApiError::NotFound.into());
    }
    tracing::info!(user_id = user.id, "name changed by its owner");
    Ok(CurrentUser {
        name: name.as_ref().to_owned(),
        ..user.clone()
    })
}

/// A user changes their own password: the current one first (counted like a
/// sign-in attempt, so it cannot be guessed here either), then the new one
/// by the same policy as every password. Every other session of theirs ends;
/// the one in use stays signed in.
pub async fn change_own_password(
    state: &AppState,
    user: &CurrentUser,
    session: &Session,
    current: String,
    new: String,
    client: Option<IpAddr>,
) -> Result<u64> {
    if current.len() > MAX_PASSWORD_BYTES || new.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError::TooLarge("A password is at most 1,024 bytes.".into()).into());
    }
    if let Err(retry_after) = state.throttle.attempt(&user.email, client) {
        return Err(ApiError::TooManyRequests { retry_after }.into());
    }
    let hash = users::credentials(&state.pool, &user.email)
        .await?
        .map(|c| c.password_hash);
    if !password::verify(current, hash).await? {
        return Err(ApiError::invalid("current", "That is not your current password.").into());
    }
    state.throttle.succeeded(&user.email, client);
    password::check_policy(&new).map_err(|e| match e {
        ApiError::Invalid { message, .. } => ApiError::invalid("new", message),
        other => other,
    })?;
    let hash = password::hash(new).await?;
    users::set_password(&state.pool, user.id, &hash).await?;
    let keep = session.id().map(|id| id.to_string());
    let ended = DbSessionStore::delete_for_user(&state.pool, user.id, keep.as_deref()).await?;
    tracing::info!(
        user_id = user.id,
        sessions_ended = ended,
        "password changed by its owner"
    );
    Ok(ended)
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
        let ended = DbSessionStore::delete_for_user(&state.pool, user_id, None).await?;
        tracing::info!(by = admin.id, user_id, sessions_ended = ended, "user disabled");
    } else {
        tracing::info!(by = admin.id, user_id, is_admin, "user updated");
    }
    Ok(users::get(&state.pool, user_id)
        .await?
        .ok_or(ApiError::NotFound)?)
}
