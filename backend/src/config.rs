//! Configuration, parsed once at start-up from the environment (and `.env`)
//! into a typed struct. Every variable here is documented in `.env.example`;
//! with none of them set the server runs on one machine with embedded defaults.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Log output style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines, for development.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Everything the server needs to start. Built by clap from flags and environment.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address and port to listen on.
    #[arg(long, env = "COURSEWARE_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,

    /// Directory for the database and stored files.
    #[arg(long, env = "DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// SQLite database file; defaults to `<DATA_DIR>/courseware.db`.
    #[arg(long, env = "DATABASE_PATH")]
    pub database_path: Option<PathBuf>,

    /// `postgres://user:password@host/db` puts every table in PostgreSQL;
    /// `sqlite://path` (or unset) keeps the embedded SQLite file.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<crate::secret::Secret>,

    /// Directory holding the built browser bundle (`pkg/`) and public files.
    #[arg(long, env = "SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// The public origin users reach the server at, e.g. `https://courseware.example.com`.
    /// Used for the cross-site request check; when unset the request's `Host` is trusted.
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Mark the session cookie `Secure` (serve over HTTPS when true).
    #[arg(long, env = "COOKIE_SECURE", default_value_t = false, action = clap::ArgAction::Set)]
    pub cookie_secure: bool,

    /// Sign users out after this many minutes without a request.
    #[arg(long, env = "SESSION_IDLE_MINUTES", default_value_t = 480)]
    pub session_idle_minutes: u32,

    /// Reverse proxies whose `X-Forwarded-For` is believed (comma-separated
    /// addresses or networks, e.g. `127.0.0.1,10.0.0.0/8`). Empty: the
    /// connection's address is the client's.
    #[arg(long, env = "TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: crate::accounts::address::TrustedProxies,

    /// Seconds a client has to send a request's headers.
    #[arg(long, env = "HEADER_TIMEOUT_SECONDS", default_value_t = 10)]
    pub header_timeout_seconds: u64,

    /// Seconds a client has to send a request's body (uploads included).
    #[arg(long, env = "BODY_TIMEOUT_SECONDS", default_value_t = 120)]
    pub body_timeout_seconds: u64,

    /// Bearer token `/metrics` asks for. Unset: only loopback clients may read it.
    #[arg(long, env = "METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<crate::secret::Secret>,

    /// Failed sign-ins allowed per email (and, times four, per client) before throttling.
    #[arg(long, env = "LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: u32,

    /// How long a throttled email or client waits, in seconds.
    #[arg(long, env = "LOGIN_LOCKOUT_SECONDS", default_value_t = 900)]
    pub login_lockout_seconds: u64,

    /// Seconds running requests get to finish after SIGINT/SIGTERM.
    #[arg(long, env = "SHUTDOWN_GRACE_SECONDS", default_value_t = 20)]
    pub shutdown_grace_seconds: u64,

    /// Folder of the sample templates offered on the New course form.
    #[arg(
        long,
        env = "SAMPLE_TEMPLATES_DIR",
        default_value = "server/samples/templates"
    )]
    pub sample_templates_dir: PathBuf,

    /// Lifetime of download links, in seconds.
    #[arg(long, env = "PRESIGNED_URL_TTL", default_value_t = 3600)]
    pub presigned_url_ttl: u64,

    /// Key that signs download links. Unset: a random key is made once and
    /// kept in `<DATA_DIR>/secret.key`, so links survive restarts.
    #[arg(long, env = "SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<crate::secret::Secret>,

    /// On PostgreSQL: every replica sees the same DATA_DIR (a shared
    /// volume), so decks may stay there instead of in S3.
    #[arg(long, env = "SHARED_DATA_DIR", default_value_t = false)]
    pub shared_data_dir: bool,

    /// Bank folders the course planner draws on.
    #[command(flatten)]
    pub banks: BankDirs,

    /// The timetable of each course day.
    #[command(flatten)]
    pub day: DayPlan,

    /// Object storage (off unless S3_BUCKET is set).
    #[command(flatten)]
    pub s3: crate::storage::s3::S3Config,

    /// Seconds between janitor passes (old temporary outputs and uploads).
    #[arg(long, env = "JANITOR_INTERVAL_SECONDS", default_value_t = 600)]
    pub janitor_interval_seconds: u64,

    /// Uploaded templates older than this many hours are deleted (unless a waiting job needs one).
    #[arg(long, env = "UPLOAD_RETENTION_HOURS", default_value_t = 168)]
    pub upload_retention_hours: u64,

    /// Hours between scheduled backups of the database (0: none).
    #[arg(long, env = "BACKUP_INTERVAL_HOURS", default_value_t = 0)]
    pub backup_interval_hours: u64,

    /// Scheduled backups kept (the newest).
    #[arg(long, env = "BACKUP_KEEP", default_value_t = 7)]
    pub backup_keep: usize,

    /// Folder of scheduled backups; defaults to `<DATA_DIR>/backups`.
    #[arg(long, env = "BACKUP_DIR")]
    pub backup_dir: Option<PathBuf>,

    /// A deleted course is kept, hidden, this many minutes so its owner can
    /// undo the delete; then the janitor removes it with its deck (0: a
    /// delete is immediate and cannot be undone).
    #[arg(long, env = "DELETED_KEEP_MINUTES", default_value_t = 60)]
    pub deleted_keep_minutes: u64,

    /// Finished jobs older than this many days are deleted with their decks by
    /// the janitor (0: kept forever). Daily activity and token totals stay.
    #[arg(long, env = "JOB_RETENTION_DAYS", default_value_t = 0)]
    pub job_retention_days: u64,

    /// AI writer settings (off unless LLM_PROVIDER is set).
    #[command(flatten)]
    pub llm: super::llm::LlmConfig,

    /// Number of job workers.
    #[arg(long, env = "WORKER_CONCURRENCY", default_value_t = 2)]
    pub worker_concurrency: usize,

    /// Courses one user may have queued or running at once.
    #[arg(long, env = "MAX_ACTIVE_JOBS_PER_USER", default_value_t = types::limits::MAX_ACTIVE_JOBS_PER_USER)]
    pub max_active_jobs_per_user: i64,

    /// Courses one user may start per hour.
    #[arg(long, env = "MAX_JOB_STARTS_PER_HOUR", default_value_t = types::limits::MAX_JOB_STARTS_PER_HOUR)]
    pub max_job_starts_per_hour: i64,

    /// A job running longer than this many seconds fails.
    #[arg(long, env = "JOB_TIME_LIMIT", default_value_t = 600)]
    pub job_time_limit: u64,

    /// How long a claimed job stays with its worker without a heartbeat
    /// (renewed every third of it); when it lapses, any server — another
    /// replica too — re-queues the job. Seconds, at least 3.
    #[arg(long, env = "JOB_LEASE_SECONDS", default_value_t = 30)]
    pub job_lease_seconds: u64,

    /// Seconds a slide-preview conversion (LibreOffice, pdftoppm) may take
    /// before it is stopped.
    #[arg(long, env = "RENDER_TIMEOUT_SECONDS", default_value_t = 120)]
    pub render_timeout_seconds: u64,

    /// Preview drawings (LibreOffice runs) one user may cause per hour;
    /// views of pictures already drawn are free.
    #[arg(long, env = "RENDERS_PER_HOUR", default_value_t = types::limits::MAX_RENDERS_PER_HOUR)]
    pub renders_per_hour: u32,

    /// Slide previews and PDF export (needs LibreOffice and pdftoppm).
    #[arg(long, env = "PREVIEWS", default_value_t = true, action = clap::ArgAction::Set)]
    pub previews: bool,

    /// Draw a deck's previews as soon as its job completes (the thumbnails
    /// first, page by page), so the job page shows them within seconds;
    /// `false` draws them on first view.
    #[arg(long, env = "PREVIEWS_ON_COMPLETION", default_value_t = true, action = clap::ArgAction::Set)]
    pub previews_on_completion: bool,

    /// The smallest size (pt) a slide title may shrink to: a longer title
    /// moves to a layout with a wider title box, or is shortened with the
    /// rest moved to the body or subtitle.
    #[arg(long, env = "MIN_TITLE_PT", default_value_t = 24.0, value_parser = min_title_pt)]
    pub min_title_pt: f64,

    /// Hosts webhooks may be sent to even though they resolve to loopback,
    /// private or link-local addresses (comma-separated host names or
    /// addresses as written in the endpoint's URL). Empty: none.
    #[arg(long, env = "WEBHOOK_ALLOW_HOSTS", default_value = "", value_parser = host_list)]
    pub webhook_allow_hosts: HostList,

    /// Seconds before the first retry of a webhook delivery; each later
    /// retry waits twice as long (at most an hour), for 24 hours.
    #[arg(long, env = "WEBHOOK_RETRY_SECONDS", default_value_t = 10)]
    pub webhook_retry_seconds: u64,

    /// Pause between pipeline stages, in milliseconds (0; for demos and tests).
    #[arg(long, env = "JOB_STAGE_PAUSE_MS", default_value_t = 0)]
    pub job_stage_pause_ms: u64,

    /// Log style: pretty or json.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value = "pretty")]
    pub log_format: LogFormat,

    /// First administrator, created at start-up when the database has no users.
    #[arg(long, env = "INITIAL_ADMIN_EMAIL")]
    pub initial_admin_email: Option<String>,
    /// Display name of the first administrator.
    #[arg(long, env = "INITIAL_ADMIN_NAME")]
    pub initial_admin_name: Option<String>,
    /// Password of the first administrator (never logged).
    #[arg(long, env = "INITIAL_ADMIN_PASSWORD", hide_env_values = true)]
    pub initial_admin_password: Option<crate::secret::Secret>,
}

/// `MIN_TITLE_PT`: a point size a title can be read at, 8–96.
fn min_title_pt(v: &str) -> Result<f64, String> {
    let pt: f64 = v
        .parse()
        .map_err(|_| format!("{v:?} is not a number of points"))?;
    if (8.0..=96.0).contains(&pt) {
        Ok(pt)
    } else {
        Err(format!("{pt} pt is outside 8–96"))
    }
}

impl Config {
    /// Makes every folder and file setting absolute against the current
    /// directory, once, at start-up: `make run` serves with `DATA_DIR=./data`,
    /// and a relative path handed to another program (LibreOffice takes its
    /// profile as a `file://` URL) means something else there, or nothing.
    pub fn make_paths_absolute(&mut self) -> std::io::Result<()> {
        fn abs(p: &mut PathBuf) -> std::io::Result<()> {
            if p.is_relative() {
                *p = std::path::absolute(&*p)?;
            }
            Ok(())
        }
        abs(&mut self.data_dir)?;
        abs(&mut self.site_root)?;
        abs(&mut self.sample_templates_dir)?;
        if let Some(p) = self.database_path.as_mut() {
            abs(p)?;
        }
        if let Some(p) = self.backup_dir.as_mut() {
            abs(p)?;
        }
        abs(&mut self.banks.tagged_bank_dir)?;
        abs(&mut self.banks.drill_down_bank_dir)?;
        abs(&mut self.banks.illustrations_dir)?;
        abs(&mut self.s3.banks_root)
    }

    /// The SQLite file in use (when the database is SQLite).
    pub fn database_path(&self) -> PathBuf {
        match self.database_url.as_ref().map(|u| u.expose()) {
            Some(url) if url.starts_with("sqlite://") => PathBuf::from(&url["sqlite://".len()..]),
            _ => self
                .database_path
                .clone()
                .unwrap_or_else(|| self.data_dir.join("courseware.db")),
        }
    }

    /// Which database to open: `DATABASE_URL` when it names PostgreSQL,
    /// else the SQLite file. An address of any other kind is an error.
    pub fn database(&self) -> anyhow::Result<crate::db::Target> {
        match self.database_url.as_ref().map(|u| u.expose()) {
            None => Ok(crate::db::Target::Sqlite(self.database_path())),
            Some(url) if url.starts_with("sqlite://") => Ok(crate::db::Target::Sqlite(self.database_path())),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(crate::db::Target::Postgres(url.to_owned()))
            }
            Some(_) => anyhow::bail!("DATABASE_URL must start with postgres:// or sqlite://"),
        }
    }
}

/// The timetable of a course day, shared by the server's configuration and
/// `courseware generate`: start, end, lunch and breaks.
#[derive(Debug, Clone, clap::Args)]
pub struct DayPlan {
    /// When each course day starts (HH:MM).
    #[arg(long, env = "COURSE_DAY_START", default_value = "09:00")]
    pub day_start: String,
    /// When each course day ends (HH:MM).
    #[arg(long, env = "COURSE_DAY_END", default_value = "17:00")]
    pub day_end: String,
    /// Lunch as HH:MM/minutes; empty for none.
    #[arg(long, env = "COURSE_LUNCH", default_value = "12:30/60")]
    pub lunch: String,
    /// Breaks as HH:MM/minutes, comma-separated; empty for none.
    #[arg(long, env = "COURSE_BREAKS", default_value = "10:30/15,15:00/15")]
    pub breaks: String,
}

impl DayPlan {
    /// As a course spec and a job keep it.
    pub fn timetable(&self) -> types::spec::Timetable {
        types::spec::Timetable {
            start: self.day_start.clone(),
            end: self.day_end.clone(),
            lunch: self.lunch.clone(),
            breaks: self.breaks.clone(),
        }
    }

    /// From a course spec's or a job's timetable.
    pub fn from_timetable(t: &types::spec::Timetable) -> DayPlan {
        DayPlan {
            day_start: t.start.clone(),
            day_end: t.end.clone(),
            lunch: t.lunch.clone(),
            breaks: t.breaks.clone(),
        }
    }

    /// The checked schedule, or what is wrong with it.
    pub fn schedule(&self) -> Result<course::schedule::Schedule, String> {
        course::schedule::Schedule::parse(&self.day_start, &self.day_end, &self.lunch, &self.breaks)
    }
}

/// The bank folders, shared by the server's configuration and
/// `courseware generate`.
#[derive(Debug, Clone, clap::Args)]
pub struct BankDirs {
    /// Tagged infographic bank: a folder with decks and a catalogue.json.
    #[arg(long, env = "TAGGED_BANK_DIR", default_value = "server/samples/banks/tagged")]
    pub tagged_bank_dir: PathBuf,

    /// Drill-down cards: a folder with decks and a catalogue.json.
    #[arg(
        long,
        env = "DRILL_DOWN_BANK_DIR",
        default_value = "server/samples/banks/drilldown"
    )]
    pub drill_down_bank_dir: PathBuf,

    /// Illustrations: a folder with images and a catalogue.json.
    #[arg(
        long,
        env = "ILLUSTRATIONS_DIR",
        default_value = "server/samples/illustrations"
    )]
    pub illustrations_dir: PathBuf,
}

impl BankDirs {
    /// Loads the three catalogues (a missing one leaves that bank empty).
    pub fn load(&self) -> course::banks::Banks {
        course::banks::Banks::load(
            &self.tagged_bank_dir,
            &self.drill_down_bank_dir,
            &self.illustrations_dir,
        )
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        config: super::Config,
    }

    #[test]
    fn no_secret_reaches_debug_output() {
        let cli = Cli::try_parse_from([
            "courseware",
            "--secret-key",
            "link-signing-secret-value",
            "--initial-admin-password",
            "first-admin-secret-value",
            "--anthropic-api-key",
            "sk-ant-secret-value",
            "--openai-api-key",
            "sk-openai-secret-value",
        ])
        .expect("parse");
        let shown = format!("{:?}", cli.config);
        assert!(!shown.contains("secret-value"), "{shown}");
        assert_eq!(
            cli.config.secret_key.as_ref().map(|k| k.expose()),
            Some("link-signing-secret-value")
        );
    }
}

/// Host names, lower-cased (`WEBHOOK_ALLOW_HOSTS`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostList(pub Vec<String>);

impl HostList {
    pub fn allows(&self, host: &str) -> bool {
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        self.0.contains(&host)
    }
}

fn host_list(text: &str) -> Result<HostList, String> {
    Ok(HostList(
        text.split(',')
            .map(|h| {
                h.trim()
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_ascii_lowercase()
            })
            .filter(|h| !h.is_empty())
            .collect(),
    ))
}
