//! The test harness: starts the real app on a free port with a real SQLite
//! file in a temporary directory, and talks to it over real HTTP.

#![allow(dead_code)]

pub mod fake_llm;
pub mod s3_server;
pub mod spawned;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use backend::config::LogFormat;
use backend::Config;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "admin-password-123";
/// The fire-safety sample outline as the start form takes it (JSON).
pub fn sample_outline() -> String {
    let md = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/outlines/workplace-fire-safety.md"
    ))
    .expect("sample");
    serde_json::to_string(&course::parse::parse(&md).expect("parse")).expect("json")
}

/// The password `create_member` gives every member.
pub const MEMBER_PASSWORD: &str = "member-password-123";

/// A running server.
/// An outline of `modules` modules, each one topic with one point.
pub fn small_outline(modules: usize) -> String {
    let modules: Vec<serde_json::Value> = (0..modules)
        .map(|i| serde_json::json!({"title": format!("Module {i}"), "topics": [{"title": "Topic", "points": [{"text": "A point", "level": 0}]}]}))
        .collect();
    serde_json::json!({"title": "Course", "modules": modules}).to_string()
}

pub struct TestApp {
    pub base: String,
    pub data_dir: PathBuf,
    pub state: backend::AppState,
    stop: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<anyhow::Result<()>>>,
}

pub fn config(data_dir: &Path) -> Config {
    Config {
        bind: "127.0.0.1:0".parse().expect("addr"),
        data_dir: data_dir.to_path_buf(),
        database_path: None,
        database_url: postgres_url(data_dir).map(|u| u.as_str().into()),
        site_root: data_dir.join("site"),
        public_url: None,
        cookie_secure: false,
        trusted_proxies: Default::default(),
        metrics_token: None,
        header_timeout_seconds: 10,
        body_timeout_seconds: 120,
        session_idle_minutes: 480,
        login_max_failures: 5,
        login_lockout_seconds: 900,
        shutdown_grace_seconds: 5,
        log_format: LogFormat::Pretty,
        sample_templates_dir: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/templates"),
        day: backend::config::DayPlan {
            day_start: "09:00".into(),
            day_end: "17:00".into(),
            lunch: "12:30/60".into(),
            breaks: "10:30/15,15:00/15".into(),
        },
        banks: backend::config::BankDirs {
            tagged_bank_dir: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("samples/banks/tagged"),
            drill_down_bank_dir: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("samples/banks/drilldown"),
            illustrations_dir: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("samples/illustrations"),
        },
        presigned_url_ttl: 3600,
        // On PostgreSQL (replicas) the start-up checks ask for a key set
        // by the operator and for decks in S3 or a shared data directory:
        // each test server stands alone, so its directory counts as shared.
        secret_key: on_postgres().then(|| "integration-test-key-integration-test-key".into()),
        shared_data_dir: on_postgres(),
        llm: Default::default(),
        s3: Default::default(),
        janitor_interval_seconds: 600,
        upload_retention_hours: 168,
        backup_interval_hours: 0,
        backup_keep: 7,
        backup_dir: None,
        job_retention_days: 0,
        deleted_keep_minutes: 60,
        worker_concurrency: 2,
        max_active_jobs_per_user: types::limits::MAX_ACTIVE_JOBS_PER_USER,
        max_job_starts_per_hour: types::limits::MAX_JOB_STARTS_PER_HOUR,
        job_time_limit: 600,
        job_lease_seconds: 30,
        job_stage_pause_ms: 0,
        webhook_allow_hosts: Default::default(),
        webhook_retry_seconds: 1,
        render_timeout_seconds: 120,
        renders_per_hour: types::limits::MAX_RENDERS_PER_HOUR,
        previews: true,
        // Drawn on first view, so each test decides when LibreOffice runs
        // (previews.rs turns drawing at completion on and times it).
        previews_on_completion: false,
        min_title_pt: 24.0,
        initial_admin_email: Some(ADMIN_EMAIL.into()),
        initial_admin_name: Some("Ada Admin".into()),
        initial_admin_password: Some(ADMIN_PASSWORD.parse().expect("secret")),
    }
}

/// A server on a fresh data folder with `tweak` applied to its settings,
/// and the administrator signed in to it; the folder lives as long as the
/// caller keeps it.
pub async fn admin_on(tweak: impl FnOnce(&mut Config)) -> (TestApp, tempfile::TempDir, Client) {
    let dir = tempfile::tempdir().expect("tmp");
    let mut settings = config(dir.path());
    tweak(&mut settings);
    let app = TestApp::start_with(settings).await;
    let admin = Client::signed_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    (app, dir, admin)
}

/// A server on a fresh data folder with `tweak` applied to its settings, no
/// one signed in; the folder lives as long as the caller keeps it.
pub async fn server_on(tweak: impl FnOnce(&mut Config)) -> (TestApp, tempfile::TempDir) {
    let (dir, mut settings) = settings();
    tweak(&mut settings);
    (TestApp::start_with(settings).await, dir)
}

/// One worker that pauses `pause_ms` between stages: courses that take a
/// while, as real ones do, so a test can act while they run or wait.
pub async fn one_slow_worker(pause_ms: u64) -> (TestApp, tempfile::TempDir, Client) {
    admin_on(|s| (s.worker_concurrency, s.job_stage_pause_ms) = (1, pause_ms)).await
}

/// A fresh data folder and the test settings for a server on it.
pub fn settings() -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().expect("tmp");
    let config = config(dir.path());
    (dir, config)
}

/// A server on a fresh data folder with the default test settings, and the
/// administrator signed in to it.
pub async fn admin() -> (TestApp, tempfile::TempDir, Client) {
    admin_on(|_| {}).await
}

/// With `COURSEWARE_TEST_POSTGRES=postgres://127.0.0.1:5432` (as `make
/// test` sets for its second run of this suite) every test server keeps its
/// tables in PostgreSQL: a database of its own, named after its data
/// directory so a restarted server finds its data again. `scripts/pg-test`
/// drops them afterwards. Unset: SQLite in the data directory.
pub fn postgres_url(data_dir: &Path) -> Option<String> {
    let base = std::env::var("COURSEWARE_TEST_POSTGRES")
        .ok()
        .filter(|b| !b.is_empty())?;
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    data_dir.hash(&mut h);
    Some(format!("{}/cw_t_{:016x}", base.trim_end_matches('/'), h.finish()))
}

/// The environment a `courseware` child process needs to use the test's
/// PostgreSQL database like [`config`] does (nothing on SQLite runs).
pub fn postgres_env(data_dir: &Path) -> Vec<(&'static str, String)> {
    match postgres_url(data_dir) {
        None => Vec::new(),
        Some(url) => vec![
            ("DATABASE_URL", url),
            ("SECRET_KEY", "integration-test-key-integration-test-key".into()),
            ("SHARED_DATA_DIR", "true".into()),
        ],
    }
}

/// Whether this run keeps its tables in PostgreSQL (see [`postgres_url`]).
pub fn on_postgres() -> bool {
    std::env::var("COURSEWARE_TEST_POSTGRES").is_ok_and(|b| !b.is_empty())
}

/// Creates the test's PostgreSQL database unless it exists.
pub async fn ensure_postgres_database(url: &str) {
    use sqlx::Connection;
    let (base, name) = url.rsplit_once('/').expect("database name");
    let mut admin = sqlx::PgConnection::connect(&format!("{base}/postgres"))
        .await
        .expect("PostgreSQL at COURSEWARE_TEST_POSTGRES");
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(name)
        .fetch_one(&mut admin)
        .await
        .expect("pg_database");
    if !exists {
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create database");
    }
}

impl TestApp {
    /// Starts the app on `data_dir` (reusing whatever database is there).
    pub async fn start_with(config: Config) -> TestApp {
        if let Some(url) = config
            .database_url
            .as_ref()
            .filter(|u| u.expose().starts_with("postgres"))
        {
            ensure_postgres_database(url.expose()).await;
        }
        if std::env::var_os("TEST_LOG").is_some() {
            server::telemetry::init(LogFormat::Pretty);
        }
        // PDFs are read by the real binary in a child process (this test
        // executable cannot stand in for it).
        std::env::set_var("COURSEWARE_PDF_HELPER", env!("CARGO_BIN_EXE_courseware"));
        let data_dir = config.data_dir.clone();
        let state = server::prepare(config).await.expect("prepare");
        let listener = server::listen(([127, 0, 0, 1], 0).into()).expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(server::serve(listener, state.clone(), async {
            let _ = rx.await;
        }));
        TestApp {
            base,
            data_dir,
            state,
            stop: Some(tx),
            handle: Some(handle),
        }
    }

    /// A server on `config`, and the administrator signed in to it.
    pub async fn signed_in(config: Config) -> (TestApp, Client) {
        let app = TestApp::start_with(config).await;
        let admin = Client::signed_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        (app, admin)
    }

    /// Stops the server and waits until it has shut down.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            h.await.expect("join").expect("serve");
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A client that keeps cookies and does not follow redirects.
    pub fn client(&self) -> Client {
        Client::new(self.base.clone())
    }

    /// A `SELECT COUNT(*) …` on this server's database, `$1`, `$2`… bound
    /// to `binds` in order.
    pub async fn count(&self, sql: &str, binds: &[&str]) -> i64 {
        backend::on_db!(&self.state.pool, pool => {
            let mut query = sqlx::query_scalar(sql);
            for b in binds {
                query = query.bind(*b);
            }
            query.fetch_one(pool).await
        })
        .expect("count")
    }

    /// Runs a statement on this server's database, binds as for `count`;
    /// the rows it changed.
    pub async fn exec(&self, sql: &str, binds: &[&str]) -> u64 {
        backend::on_db!(&self.state.pool, pool => {
            let mut query = sqlx::query(sql);
            for b in binds {
                query = query.bind(*b);
            }
            query.execute(pool).await.map(|r| r.rows_affected())
        })
        .expect("exec")
    }

    /// Asserts that no job was ever queued on this server.
    pub async fn assert_nothing_queued(&self) {
        assert_eq!(
            self.count("SELECT COUNT(*) FROM jobs", &[]).await,
            0,
            "nothing was queued"
        );
    }

    /// The id of the user signed up as `email`.
    pub async fn user_id(&self, email: &str) -> i64 {
        self.count("SELECT id FROM users WHERE email = $1", &[email])
            .await
    }
}

/// An HTTP client with its own cookie jar, like one browser.
#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
    pub jar: Arc<reqwest::cookie::Jar>,
}

impl Client {
    pub fn new(base: String) -> Self {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Client { base, http, jar }
    }

    /// Calls a server function with form-encoded arguments.
    pub async fn call(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}{}", self.base, path))
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// Starts a course as the New course page does: the fields of `form`
    /// (as the old form sent them; see [`start_body`]) as one spec.
    pub async fn start(&self, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}/api/jobs/start", self.base))
            .json(&start_body(form))
            .send()
            .await
            .expect("request")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .expect("request")
    }

    /// The text a server function answers.
    pub async fn text(&self, path: &str, form: &[(&str, &str)]) -> String {
        self.call(path, form).await.text().await.expect("text")
    }

    /// A GET with one extra header.
    pub async fn get_with(&self, path: &str, name: &str, value: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .header(name, value)
            .send()
            .await
            .expect("request")
    }

    /// Waits until job `id` ends and asserts it completed; the job.
    pub async fn completes(&self, id: &str, limit: Duration) -> serde_json::Value {
        let j = self.wait_for(id, &["complete", "failed"], limit).await;
        assert_eq!(j["job"]["status"], "complete", "{j}");
        j
    }

    /// The body of a GET that must answer 200.
    pub async fn bytes(&self, path: &str) -> Vec<u8> {
        let res = self.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
        res.bytes().await.expect("body").to_vec()
    }

    /// The status of a GET.
    pub async fn status(&self, path: &str) -> reqwest::StatusCode {
        self.get(path).await.status()
    }

    /// Calls a server function that answers JSON, asserting a 200; the body.
    pub async fn json<T: serde::de::DeserializeOwned>(&self, path: &str, form: &[(&str, &str)]) -> T {
        let res = self.call(path, form).await;
        assert_eq!(res.status(), 200, "{path}");
        res.json().await.expect("json")
    }

    /// The first page of the team's history with `filter` (status, search,
    /// cursor): its jobs, newest first.
    pub async fn history(&self, filter: &[(&str, &str)]) -> Vec<serde_json::Value> {
        let page: serde_json::Value = self.json("/api/jobs", filter).await;
        page["jobs"].as_array().cloned().expect("a page of jobs")
    }

    /// Calls a server function expected to refuse a field: its status and
    /// the field the `Invalid` error names ("" when it names none).
    pub async fn field_error(&self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let res = self.call(path, form).await;
        let status = res.status().as_u16();
        let body: serde_json::Value = res.json().await.unwrap_or_default();
        let field = body["Invalid"]["field"].as_str().unwrap_or_default().to_string();
        (status, field)
    }

    /// Posts a file's bytes under `name` to an upload route.
    pub async fn upload(&self, path: &str, name: &str, body: Vec<u8>) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .header("x-file-name", name)
            .body(body)
            .send()
            .await
            .expect("upload")
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.call("/api/login", &[("email", email), ("password", password)])
            .await
    }

    /// Signs in and asserts it worked.
    pub async fn signed_in(base: &str, email: &str, password: &str) -> Client {
        let c = Client::new(base.to_string());
        let res = c.login(email, password).await;
        assert!(res.status().is_success(), "sign-in failed: {}", res.status());
        c
    }

    /// Starts a job from `fields` over the defaults — a one-day English
    /// course on Ocean from the sample outline — and asserts it was queued;
    /// its id.
    pub async fn start_job(&self, fields: &[(&str, &str)]) -> String {
        let outline = sample_outline();
        let mut form: Vec<(&str, &str)> = vec![
            ("title", "Course"),
            ("days", "1"),
            ("language", "en"),
            ("template", "Ocean.pptx"),
            ("outline", &outline),
        ];
        for (name, value) in fields {
            match form.iter_mut().find(|(n, _)| n == name) {
                Some(slot) => slot.1 = value,
                None => form.push((name, value)),
            }
        }
        let res = self.start(&form).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
        res.json::<String>().await.expect("id")
    }

    /// Makes an API token on the API tokens page; a caller that uses it.
    pub async fn api_token(&self, name: &str, scope: &str) -> Api {
        let made: serde_json::Value = self
            .json("/api/tokens/create", &[("name", name), ("scope", scope)])
            .await;
        let token = made["token"].as_str().expect("token shown once");
        assert!(token.starts_with("cw_"), "{made}");
        Api::with_secret(&self.base, token)
    }

    /// Starts the quickest course to build — one module of one topic —
    /// titled `title`; its id.
    pub async fn start_small(&self, title: &str) -> String {
        self.start_job(&[("title", title), ("outline", &small_outline(1))])
            .await
    }

    /// A job with its log, as the job page gets it.
    pub async fn job(&self, id: &str) -> serde_json::Value {
        self.call("/api/jobs/get", &[("id", id)])
            .await
            .json()
            .await
            .expect("job json")
    }

    /// Reads a job's event stream until an update says `complete` (failing
    /// after `limit`); the updates it sent, in order.
    pub async fn stream_until_complete(&self, id: &str, limit: Duration) -> Vec<serde_json::Value> {
        let timed = self.stream_timed_until_complete(id, limit).await;
        timed.into_iter().map(|(_, update)| update).collect()
    }

    /// As `stream_until_complete`, with the moment each update arrived.
    pub async fn stream_timed_until_complete(
        &self,
        id: &str,
        limit: Duration,
    ) -> Vec<(Instant, serde_json::Value)> {
        let mut res = self.get(&format!("/api/jobs/{id}/events")).await;
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/event-stream"));
        let mut updates = Vec::new();
        let mut pending = String::new();
        let read = async {
            while let Some(chunk) = res.chunk().await.expect("chunk") {
                let now = Instant::now();
                pending.push_str(&String::from_utf8_lossy(&chunk));
                // Whole lines only; a partial one waits for the next chunk.
                while let Some(end) = pending.find('\n') {
                    let line: String = pending.drain(..=end).collect();
                    let line = line.trim_end();
                    if let Some(data) = line.strip_prefix("data: ").or_else(|| line.strip_prefix("data:")) {
                        let update: serde_json::Value = serde_json::from_str(data).expect("json");
                        let complete = update["status"] == "complete";
                        updates.push((now, update));
                        if complete {
                            return;
                        }
                    }
                }
            }
        };
        tokio::time::timeout(limit, read)
            .await
            .expect("the stream reached the end of the job in time");
        updates
    }

    /// Polls a job until its status is one of `want`; fails after `limit`.
    pub async fn wait_for(&self, id: &str, want: &[&str], limit: Duration) -> serde_json::Value {
        let started = Instant::now();
        loop {
            let j = self.job(id).await;
            let status = j["job"]["status"].as_str().unwrap_or("").to_owned();
            if want.contains(&status.as_str()) {
                return j;
            }
            assert!(
                started.elapsed() < limit,
                "job {id} still {status} after {limit:?}: {j}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Starts a one-day course from the sample outline on `template` and
    /// waits until it is complete; its id.
    pub async fn finished_job(&self, title: &str, template: &str) -> String {
        let outline = sample_outline();
        let res = self
            .start(&[
                ("title", title),
                ("days", "1"),
                ("language", "en"),
                ("template", template),
                ("outline", &outline),
            ])
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
        let id: String = res.json().await.expect("id");
        self.wait_for(&id, &["complete"], Duration::from_secs(60)).await;
        id
    }

    /// A finished job's slide previews once the server has finished
    /// drawing them, asking again while it says `drawing` as the job page
    /// does (the first look starts the drawing when nothing has).
    pub async fn previews(&self, id: &str) -> serde_json::Value {
        let started = std::time::Instant::now();
        loop {
            let p = self.previews_now(id).await;
            if p["drawing"] != true {
                return p;
            }
            assert!(
                started.elapsed() < Duration::from_secs(180),
                "still drawing after 3 minutes: {p}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// One look at a job's slide previews (never waits for a drawing).
    pub async fn previews_now(&self, id: &str) -> serde_json::Value {
        let res = self.call("/api/jobs/previews", &[("id", id)]).await;
        assert_eq!(res.status(), 200);
        res.json().await.expect("previews json")
    }

    /// Uploads a template's bytes; the answer's status and JSON body.
    pub async fn upload_template(&self, bytes: Vec<u8>) -> (u16, serde_json::Value) {
        let res = self
            .upload("/api/templates/upload", "Brand template.pptx", bytes)
            .await;
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// A signed download link for a complete job.
    pub async fn download_link(&self, id: &str) -> String {
        self.call("/api/jobs/link", &[("id", id)])
            .await
            .json()
            .await
            .expect("link")
    }

    /// Follows the job's signed download link.
    pub async fn download(&self, id: &str) -> reqwest::Response {
        let link = self.download_link(id).await;
        self.get(&link).await
    }
}

/// A job's log lines as "level: message".
pub fn messages(j: &serde_json::Value) -> Vec<String> {
    j["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["level"].as_str().unwrap_or(""),
                e["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// The XML of every slide of a deck, concatenated (for "is this text in it").
/// A response header as text ("" when absent).
pub fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The seconds a 429 asks the client to wait.
pub fn retry_after(res: &reqwest::Response) -> u64 {
    header(res, "retry-after").parse().expect("Retry-After seconds")
}

/// Asserts that a job's updates never go back and end at 100 %.
pub fn assert_progress_climbs(updates: &[serde_json::Value]) {
    let progress: Vec<i64> = updates
        .iter()
        .map(|u| u["progress"].as_i64().expect("progress"))
        .collect();
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
    assert_eq!(progress.last(), Some(&100));
}

pub fn deck_text(bytes: &[u8]) -> String {
    let pkg = deck::opc::Package::from_bytes(bytes, deck::opc::Limits::default()).expect("package");
    let (_, slides) = deck::opc::slides_of(&pkg).expect("slides");
    slides
        .iter()
        .map(|s| String::from_utf8_lossy(pkg.get(s).expect("slide")).to_string())
        .collect()
}

/// Creates a member through the admin API and signs them in.
pub async fn signed_in_member(admin: &Client, email: &str) -> Client {
    let (email, password) = create_member(admin, email).await;
    Client::signed_in(&admin.base, &email, &password).await
}

/// Creates a member through the admin API and returns their credentials.
pub async fn create_member(admin: &Client, email: &str) -> (String, String) {
    let password = MEMBER_PASSWORD.to_string();
    let res = admin
        .call(
            "/api/admin/users/create",
            &[("email", email), ("name", "Mia Member"), ("password", &password)],
        )
        .await;
    assert_eq!(
        res.status(),
        200,
        "create user: {}",
        res.text().await.unwrap_or_default()
    );
    (email.to_string(), password)
}

/// A user's id from the admin list.
pub async fn user_id(admin: &Client, email: &str) -> i64 {
    let list: serde_json::Value = admin
        .call("/api/admin/users", &[])
        .await
        .json()
        .await
        .expect("json");
    list.as_array()
        .expect("array")
        .iter()
        .find(|u| u["email"] == email)
        .and_then(|u| u["id"].as_i64())
        .expect("user listed")
}

/// A REST API caller with a bearer token, as a script would be.
pub struct Api {
    pub base: String,
    http: reqwest::Client,
    token: String,
}

/// An API answer: the status, the headers (lower-case names) and the body
/// as JSON (`Null` when it is not JSON).
pub type Answer = (u16, std::collections::BTreeMap<String, String>, serde_json::Value);

impl Api {
    pub fn with_secret(base: &str, token: &str) -> Api {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Api {
            base: base.to_string(),
            http,
            token: token.to_string(),
        }
    }

    /// The whole token, as shown once when it was made.
    pub fn secret(&self) -> &str {
        &self.token
    }

    async fn answer(&self, req: reqwest::RequestBuilder) -> Answer {
        let res = req.bearer_auth(&self.token).send().await.expect("request");
        let status = res.status().as_u16();
        let headers = res
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let body = res.json().await.unwrap_or(serde_json::Value::Null);
        (status, headers, body)
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.answer(self.http.get(format!("{}{path}", self.base))).await
    }

    pub async fn post(&self, path: &str, body: &serde_json::Value) -> Answer {
        self.answer(self.http.post(format!("{}{path}", self.base)).json(body))
            .await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.answer(self.http.delete(format!("{}{path}", self.base)))
            .await
    }

    /// A POST with an `Idempotency-Key`.
    pub async fn post_once(&self, path: &str, key: &str, body: &serde_json::Value) -> Answer {
        let req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("idempotency-key", key);
        self.answer(req.json(body)).await
    }

    /// A POST of a `multipart/form-data` form: text parts and one file
    /// (part name, file name, bytes).
    pub async fn post_form(
        &self,
        path: &str,
        texts: &[(&str, &str)],
        file: Option<(&str, &str, &[u8])>,
    ) -> Answer {
        const BOUNDARY: &str = "courseware-test-boundary-7d3f";
        let mut body = Vec::new();
        for (name, value) in texts {
            body.extend_from_slice(
                format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        if let Some((name, file_name, bytes)) = file {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        self.post_raw(path, &format!("multipart/form-data; boundary={BOUNDARY}"), body)
            .await
    }

    pub async fn post_raw(&self, path: &str, content_type: &str, body: Vec<u8>) -> Answer {
        let req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body);
        self.answer(req).await
    }

    /// The bytes of a GET that must answer 200.
    pub async fn bytes(&self, path: &str) -> Vec<u8> {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), 200, "{path}");
        res.bytes().await.expect("bytes").to_vec()
    }

    /// Polls a course until it is in `status` (failing on another end or
    /// after `limit`); the course.
    pub async fn wait_until(&self, id: &str, status: &str, limit: Duration) -> serde_json::Value {
        let start = Instant::now();
        loop {
            let (code, _, course) = self.get(&format!("/api/v1/courses/{id}")).await;
            assert_eq!(code, 200, "{course}");
            let now = course["status"].as_str().unwrap_or("").to_string();
            if now == status {
                return course;
            }
            assert!(
                !["complete", "failed", "cancelled"].contains(&now.as_str()),
                "ended {now}, not {status}: {course}"
            );
            assert!(start.elapsed() < limit, "not {status} after {limit:?}: {course}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// The New course page's start body, `{"spec": CourseSpec}`, from form-like
/// fields: `days` a number when it reads as one (else sent as it is, for the
/// server to refuse), `outline` the tree when it is JSON (else the text),
/// the timetable's four parts when any is given.
pub fn start_body(form: &[(&str, &str)]) -> serde_json::Value {
    let get = |k: &str| form.iter().find(|(n, _)| *n == k).map(|(_, v)| *v);
    let mut spec = serde_json::Map::new();
    spec.insert("schema".into(), 1.into());
    for key in ["title", "language", "template"] {
        if let Some(v) = get(key) {
            spec.insert(key.into(), v.into());
        }
    }
    if let Some(days) = get("days") {
        let value = days
            .parse::<i64>()
            .map_or_else(|_| serde_json::Value::from(days), serde_json::Value::from);
        spec.insert("days".into(), value);
    }
    if let Some(outline) = get("outline") {
        let value = serde_json::from_str(outline).unwrap_or_else(|_| serde_json::Value::from(outline));
        spec.insert("outline".into(), value);
    }
    let parts = ["day_start", "day_end", "lunch", "breaks"].map(get);
    if parts.iter().any(Option::is_some) {
        let [start, end, lunch, breaks] = parts.map(Option::unwrap_or_default);
        spec.insert(
            "timetable".into(),
            serde_json::json!({"start": start, "end": end, "lunch": lunch, "breaks": breaks}),
        );
    }
    serde_json::json!({ "spec": spec })
}

/// The `key` text of each item of the JSON list `list` (items without it
/// are left out): a batch's course titles, a job's log messages.
pub fn texts<'a>(list: &'a serde_json::Value, key: &str) -> Vec<&'a str> {
    list.as_array()
        .map(|items| items.iter().filter_map(|item| item[key].as_str()).collect())
        .unwrap_or_default()
}

/// Asserts that a previews answer has no pictures, says why in words that
/// contain `why`, and whether it offers "Try again".
pub fn assert_no_pictures(previews: &serde_json::Value, why: &str, retry: bool) {
    let p = previews;
    assert_eq!(
        (p["pages"].as_u64(), p["retry"].as_bool()),
        (Some(0), Some(retry)),
        "{p}"
    );
    assert!(
        p["unavailable"].as_str().is_some_and(|u| u.contains(why)),
        "{p} should say {why:?}"
    );
}
