//! Accounts as the dashboard sees them. No secrets live in these types — the
//! password hash has its own backend-only type that cannot be serialized.

use serde::{Deserialize, Serialize};

/// The signed-in user as the dashboard sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub is_admin: bool,
}

/// One row of the admin's user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct UserSummary {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub is_admin: bool,
    pub is_active: bool,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// RFC 3339, UTC; `None` until the first sign-in.
    pub last_login_at: Option<String>,
}

/// The smallest acceptable password length.
pub const MIN_PASSWORD_LEN: usize = 10;

/// Whether `next` is a path on this site that sign-in may send the user back to.
///
/// Only same-site relative paths are followed: `/history?q=x` yes;
/// `//evil.example`, `/\evil`, `https://…` and anything with control characters no.
pub fn is_safe_next(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control() || c == '\\')
        && !next.starts_with("/login")
        && next.len() <= 2000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert!(is_safe_next("/"));
        assert!(is_safe_next("/history?status=failed"));
        assert!(!is_safe_next("//evil.example/"));
        assert!(!is_safe_next("/\\evil.example"));
        assert!(!is_safe_next("https://evil.example/"));
        assert!(!is_safe_next("javascript:alert(1)"));
        assert!(!is_safe_next("/a\nb"));
        assert!(!is_safe_next("/login?next=/"));
        assert!(!is_safe_next(""));
    }
}

/// A sign-in count that makes attempts wait now (Admin → Users).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginLock {
    /// The account the failures were for (none: an address across accounts).
    pub account: Option<String>,
    /// The address they came from (none: an account across addresses).
    pub address: Option<String>,
    pub failures: u32,
    pub seconds_left: u64,
}
