//! Accounts over real HTTP against a real SQLite file: guards, roles, CSRF,
//! throttling, disabling, and sessions that outlive a restart.

use crate::common;

use std::time::Instant;

use common::{
    create_member, signed_in_member, user_id, Client, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, MEMBER_PASSWORD,
};
use leptos::server_fn::axum::server_fn_paths;

/// Server functions callable without a session. Everything else must answer
/// 401 to a signed-out caller; add to this list only on purpose.
const PUBLIC_FUNCTIONS: &[&str] = &["/api/login", "/api/logout", "/api/setup"];
/// Pages viewable without a session.
const PUBLIC_PAGES: &[&str] = &["/login", "/setup"];

async fn app() -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = TestApp::start_with(common::config(dir.path())).await;
    (app, dir)
}

/// The form of `admin/users/update`.
fn flags<'a>(user_id: &'a str, is_active: &'a str, is_admin: &'a str) -> [(&'static str, &'a str); 3] {
    [
        ("user_id", user_id),
        ("is_active", is_active),
        ("is_admin", is_admin),
    ]
}

/// Claims the first administrator's account on /setup as `who`@example.com
/// with the one-time `code`.
async fn setup(c: &Client, code: &str, who: &str) -> reqwest::Response {
    let email = format!("{who}@example.com");
    let password = format!("{who}-admin-pass");
    let form = [
        ("code", code),
        ("email", &email),
        ("name", who),
        ("password", &password),
    ];
    c.call("/api/setup", &form).await
}

#[tokio::test]
async fn every_route_and_function_needs_a_session_unless_listed_public() {
    let (app, _dir) = app().await;
    let anon = app.client();

    let functions: Vec<_> = server_fn_paths().map(|(p, _)| p.to_string()).collect();
    assert!(functions.len() >= 8, "server functions registered: {functions:?}");
    for path in &functions {
        if PUBLIC_FUNCTIONS.contains(&path.as_str()) {
            continue;
        }
        let res = anon.call(path, &[]).await;
        assert_eq!(
            res.status(),
            401,
            "{path} answered {} without a session",
            res.status()
        );
    }

    let routes = leptos_axum::generate_route_list(app::App);
    assert!(routes.len() >= 6);
    for route in routes {
        let path = route.path().to_string();
        if PUBLIC_PAGES.contains(&path.as_str()) {
            continue;
        }
        let res = anon.get(&path).await;
        assert_eq!(
            res.status(),
            303,
            "{path} answered {} without a session",
            res.status()
        );
        let to = res.headers()["location"].to_str().expect("location");
        assert!(to.starts_with("/login?next="), "{path} redirected to {to}");
    }
    // Unknown paths are not a way around the guard either.
    assert_eq!(anon.status("/no/such/page").await, 303);
    // Public things stay public.
    assert_eq!(anon.status("/health").await, 200);
    assert_eq!(anon.status("/login").await, 200);
    app.stop().await;
}

#[tokio::test]
async fn members_get_403_on_admin_functions_and_pages() {
    let (app, _dir, admin) = common::admin().await;
    let member = signed_in_member(&admin, "member@example.com").await;

    let admin_fns: Vec<_> = server_fn_paths()
        .map(|(p, _)| p.to_string())
        .filter(|p| p.starts_with("/api/admin/"))
        .collect();
    assert!(admin_fns.len() >= 4, "{admin_fns:?}");
    for path in admin_fns {
        let res = member
            .call(
                &path,
                &[("user_id", "1"), ("is_active", "false"), ("is_admin", "false")],
            )
            .await;
        assert_eq!(res.status(), 403, "{path}");
    }
    assert_eq!(member.status("/admin/users").await, 403);
    assert_eq!(member.status("/").await, 200);
    let me: serde_json::Value = member.json("/api/me", &[]).await;
    assert_eq!(me["is_admin"], false);
    // The hash never leaves the server.
    let list = admin.text("/api/admin/users", &[]).await;
    assert!(!list.contains("argon2") && !list.contains("password"), "{list}");
    app.stop().await;
}

#[tokio::test]
async fn cross_origin_posts_are_refused() {
    let (app, _dir, admin) = common::admin().await;
    let foreign = admin
        .http
        .post(app.url("/api/admin/users/create"))
        .header("origin", "https://evil.example")
        .form(&[
            ("email", "x@example.com"),
            ("name", "X"),
            ("password", "long-enough-password"),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(foreign.status(), 403);
    let by_referer = admin
        .http
        .post(app.url("/api/logout"))
        .header("referer", "https://evil.example/page")
        .send()
        .await
        .expect("request");
    assert_eq!(by_referer.status(), 403);
    // Nothing was created, and the session still works.
    let list = admin.text("/api/admin/users", &[]).await;
    assert!(!list.contains("x@example.com"));
    let same = admin
        .http
        .post(app.url("/api/me"))
        .header("origin", &app.base)
        .send()
        .await
        .expect("request");
    assert_eq!(same.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn unknown_email_and_wrong_password_look_the_same() {
    let (app, _dir) = app().await;
    let c = app.client();
    // Warm up (the dummy hash is computed on first use).
    let _ = c.login("warm@example.com", "whatever-password").await;

    let mut unknown = Vec::new();
    let mut wrong = Vec::new();
    let mut bodies = Vec::new();
    for i in 0..4 {
        let t = Instant::now();
        let r = c
            .login(&format!("nobody{i}@example.com"), "wrong-password-1")
            .await;
        unknown.push(t.elapsed());
        assert_eq!(r.status(), 401);
        bodies.push(r.text().await.expect("text"));
        let t = Instant::now();
        let r = c.login(ADMIN_EMAIL, &format!("wrong-password-{i}")).await;
        wrong.push(t.elapsed());
        assert_eq!(r.status(), 401);
        bodies.push(r.text().await.expect("text"));
    }
    assert!(bodies.iter().all(|b| b == &bodies[0]), "{bodies:?}");
    assert!(bodies[0].contains("BadCredentials"));
    // Both paths run one argon2 verification: medians within a factor of 2.5 (the
    // tests run in parallel, so allow for noise).
    unknown.sort();
    wrong.sort();
    let (u, w) = (unknown[2].as_secs_f64(), wrong[2].as_secs_f64());
    assert!(u / w < 2.5 && w / u < 2.5, "unknown {u:.3}s vs wrong {w:.3}s");
    app.stop().await;
}

#[tokio::test]
async fn repeated_failures_are_throttled_and_success_clears_the_count() {
    let (app, _dir) = common::server_on(|s| {
        s.login_max_failures = 3;
    })
    .await;
    let c = app.client();
    for _ in 0..2 {
        assert_eq!(c.login(ADMIN_EMAIL, "wrong-password-x").await.status(), 401);
    }
    // A success before the limit clears the count...
    assert!(c.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.status().is_success());
    for _ in 0..3 {
        assert_eq!(c.login(ADMIN_EMAIL, "wrong-password-x").await.status(), 401);
    }
    // ...but past it even the right password waits.
    let res = c.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), 429);
    let retry: u64 = common::retry_after(&res);
    assert!((1..=900).contains(&retry));
    // Throttling is per email: someone else can still sign in from elsewhere.
    assert_eq!(
        c.login("other@example.com", "wrong-password-x").await.status(),
        401
    );
    app.stop().await;
}

#[tokio::test]
async fn a_disabled_user_is_locked_out_mid_session() {
    let (app, _dir, admin) = common::admin().await;
    let (email, pw) = ("leaver@example.com", MEMBER_PASSWORD);
    let member = signed_in_member(&admin, email).await;
    assert_eq!(member.call("/api/me", &[]).await.status(), 200);

    let id = user_id(&admin, email).await.to_string();
    let res = admin
        .call(
            "/api/admin/users/update",
            &[("user_id", &id), ("is_active", "false"), ("is_admin", "false")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(member.call("/api/me", &[]).await.status(), 401);
    assert_eq!(member.status("/").await, 303);
    let sessions: i64 = backend::on_db!(&app.state.pool, pool => sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
        .bind(id.parse::<i64>().expect("id"))
        .fetch_one(pool)
.await)
        .expect("count");
    assert_eq!(sessions, 0);
    // And cannot sign in again: with the right password they are told why
    // (403); a wrong one gets the usual answer, revealing nothing.
    let res = member.login(email, pw).await;
    assert_eq!(res.status(), 403);
    let body = res.text().await.unwrap_or_default();
    assert!(body.contains("AccountDisabled"), "the reason is given: {body}");
    assert_eq!(member.login(email, "Not-the-password-9").await.status(), 401);
    app.stop().await;
}

/// The account page: a member renames themself (the history shows the new
/// name) and changes their password with the current one — which cannot be
/// guessed there either — and every other session of theirs ends.
#[tokio::test]
async fn members_change_their_own_name_and_password_and_their_other_sessions_end() {
    let (app, _dir, admin) = common::admin().await;
    let email = "renamer@example.com";
    let laptop = signed_in_member(&admin, email).await;
    let phone = Client::signed_in(&app.base, email, MEMBER_PASSWORD).await;
    laptop.start_job(&[("title", "Owned by the renamer")]).await;

    let (got, body) = laptop.field_error("/api/account/name", &[("name", "  ")]).await;
    assert_eq!((got, body.as_str()), (422, "name"));
    let me: serde_json::Value = laptop
        .json("/api/account/name", &[("name", "Rosa Renamed")])
        .await;
    assert_eq!(me["name"], "Rosa Renamed");
    assert_eq!(
        laptop.json::<serde_json::Value>("/api/me", &[]).await["name"],
        "Rosa Renamed"
    );
    assert_eq!(laptop.history(&[]).await[0]["owner_name"], "Rosa Renamed");

    let change = |current: &'static str, new: &'static str| [("current", current), ("new", new)];
    let (got, field) = laptop
        .field_error(
            "/api/account/password",
            &change("Not-my-password-1", "Brand-new-password-2"),
        )
        .await;
    assert_eq!((got, field.as_str()), (422, "current"));
    let (got, field) = laptop
        .field_error("/api/account/password", &change(MEMBER_PASSWORD, "short"))
        .await;
    assert_eq!((got, field.as_str()), (422, "new"));
    // Over-long passwords are refused before any hashing, either field.
    let long = "p".repeat(types::limits::MAX_PASSWORD_BYTES + 1);
    for form in [
        [("current", long.as_str()), ("new", "Brand-new-password-2")],
        [("current", MEMBER_PASSWORD), ("new", long.as_str())],
    ] {
        let res = laptop.call("/api/account/password", &form).await;
        assert_eq!(res.status(), 413, "{}", res.text().await.unwrap_or_default());
    }
    let ended: u64 = laptop
        .json(
            "/api/account/password",
            &change(MEMBER_PASSWORD, "Brand-new-password-2"),
        )
        .await;
    assert_eq!(ended, 1, "the phone's session");
    assert_eq!(laptop.call("/api/me", &[]).await.status(), 200, "this one stays");
    assert_eq!(phone.call("/api/me", &[]).await.status(), 401);
    assert_eq!(phone.login(email, MEMBER_PASSWORD).await.status(), 401);
    assert!(phone
        .login(email, "Brand-new-password-2")
        .await
        .status()
        .is_success());

    // Guessing the current password here is throttled like sign-in.
    let mut last = 0;
    for i in 0..12 {
        let wrong = format!("Wrong-guess-{i}-xx");
        last = laptop
            .call(
                "/api/account/password",
                &[("current", &wrong), ("new", "Another-password-3")],
            )
            .await
            .status()
            .as_u16();
    }
    assert_eq!(last, 429, "guesses are throttled");
    app.stop().await;
}

#[tokio::test]
async fn admins_cannot_disable_or_demote_themselves_or_the_last_admin() {
    let (app, _dir, admin) = common::admin().await;
    let me = user_id(&admin, ADMIN_EMAIL).await.to_string();
    for (active, is_admin) in [("false", "true"), ("true", "false")] {
        let res = admin
            .call(
                "/api/admin/users/update",
                &[("user_id", &me), ("is_active", active), ("is_admin", is_admin)],
            )
            .await;
        assert_eq!(res.status(), 409);
    }
    // A second admin cannot remove the first when the first is the last other one...
    let (email, pw) = create_member(&admin, "second@example.com").await;
    let second_id = user_id(&admin, &email).await.to_string();
    let res = admin
        .call("/api/admin/users/update", &flags(&second_id, "true", "true"))
        .await;
    assert_eq!(res.status(), 200);
    let second = Client::signed_in(&app.base, &email, &pw).await;
    // ...the second may demote the first (two admins exist), but then the first
    // is the only one left and nobody can demote the second.
    let res = second
        .call("/api/admin/users/update", &flags(&me, "true", "false"))
        .await;
    assert_eq!(res.status(), 200);
    let res = second
        .call("/api/admin/users/update", &flags(&second_id, "false", "true"))
        .await;
    assert_eq!(res.status(), 409);
    app.stop().await;
}

#[tokio::test]
async fn weak_passwords_and_duplicate_emails_are_refused_with_field_errors() {
    let (app, _dir, admin) = common::admin().await;
    for (email, pw, field) in [
        ("a@example.com", "short", "password"),
        ("a@example.com", "password123", "password"),
        ("not-an-email", "long-enough-password", "email"),
        ("ADMIN@example.com", "long-enough-password", "email"),
    ] {
        let res = admin
            .call(
                "/api/admin/users/create",
                &[("email", email), ("name", "A"), ("password", pw)],
            )
            .await;
        assert_eq!(res.status(), 422, "{email} {pw}");
        let body: serde_json::Value = res.json().await.expect("json");
        assert_eq!(body["Invalid"]["field"], field);
    }
    app.stop().await;
}

#[tokio::test]
async fn a_session_survives_a_server_restart_and_sign_out_ends_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = TestApp::start_with(common::config(dir.path())).await;
    let c = Client::signed_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let cookie_url: reqwest::Url = app.base.parse().expect("url");
    app.stop().await;

    let app = TestApp::start_with(common::config(dir.path())).await;
    // Same cookie jar, new server process state, new port.
    let c2 = Client::new(app.base.clone());
    let new_url: reqwest::Url = app.base.parse().expect("url");
    use reqwest::cookie::CookieStore;
    let cookies = c.jar.cookies(&cookie_url).expect("cookie");
    for part in cookies.to_str().expect("ascii").split("; ") {
        c2.jar.add_cookie_str(part, &new_url);
    }
    assert_eq!(c2.call("/api/me", &[]).await.status(), 200);
    assert_eq!(c2.call("/api/logout", &[]).await.status(), 200);
    assert_eq!(c2.call("/api/me", &[]).await.status(), 401);
    let left = app
        .count("SELECT COUNT(*) FROM sessions WHERE user_id IS NOT NULL", &[])
        .await;
    assert_eq!(left, 0);
    app.stop().await;
}

#[tokio::test]
async fn setup_page_exists_only_while_there_are_no_users() {
    let (app, _dir) = common::server_on(|s| {
        s.initial_admin_email = None;
        s.initial_admin_password = None;
    })
    .await;
    let c = app.client();
    let res = c.get("/").await;
    assert_eq!(res.headers()["location"], "/setup");
    assert_eq!(c.status("/setup").await, 200);
    let code = app.state.setup_code.to_string();
    // Without the code from the server log, nobody gets to be the admin.
    let res = setup(&c, "guessed-code", "first").await;
    assert_eq!(res.status(), 422);
    let res = setup(&c, code.as_str(), "first").await;
    assert!(res.status().is_success(), "{}", res.status());
    // Gone once a user exists.
    assert_eq!(c.status("/setup").await, 303);
    let again = setup(&c, code.as_str(), "second").await;
    assert_eq!(again.status(), 404);
    assert!(c
        .login("first@example.com", "first-admin-pass")
        .await
        .status()
        .is_success());
    app.stop().await;
}

#[tokio::test]
async fn health_reports_version_and_database() {
    let (app, _dir) = app().await;
    let body: serde_json::Value = reqwest::get(app.url("/health"))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    let res = reqwest::get(app.url("/health")).await.expect("get");
    assert!(res.headers().contains_key("x-request-id"));
    app.stop().await;
}
