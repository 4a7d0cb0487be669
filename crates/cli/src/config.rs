//! Settings shared by `serve` and `demo`: flags, or `MOTCUA_*` environment variables.

use clap::Args;
use std::path::PathBuf;

/// Where to listen and where the data lives.
#[derive(Debug, Clone, Args)]
pub struct ServerArgs {
    /// Address to listen on.
    #[arg(long, env = "MOTCUA_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB. Default: SQLite in the data directory.
    #[arg(long, env = "MOTCUA_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Directory for the SQLite database and uploaded files.
    #[arg(long, env = "MOTCUA_DATA_DIR", default_value = "./motcua-data")]
    pub data_dir: PathBuf,
    /// Database connections per process (more only adds lock waiting on a small machine).
    #[arg(long, env = "MOTCUA_DB_CONNECTIONS", default_value_t = 8)]
    pub db_connections: u32,
    /// Directory of official yearly schedules (`YYYY.txt`, the format of `motcua calendar
    /// holidays`) that add to or replace the shipped ones.
    #[arg(long, env = "MOTCUA_CALENDAR_DIR")]
    pub calendar_dir: Option<PathBuf>,
    /// Working sessions of a day, local time.
    #[arg(long, env = "MOTCUA_WORK_SESSIONS", default_value = "07:30-11:30,13:00-17:00")]
    pub work_sessions: String,
    /// How working days are counted: working-hours (from the reception instant) or
    /// civil-code (the reception day not counted, ending at the end of the last day).
    #[arg(long, env = "MOTCUA_COUNTING", default_value = "working-hours")]
    pub counting: String,
    /// Same-day procedures received after this local time are due the next working day.
    #[arg(long, env = "MOTCUA_SAME_DAY_CUTOFF", default_value = "15:00")]
    pub same_day_cutoff: String,
    /// An open dossier is "due soon" within this many working hours of its due time.
    #[arg(long, env = "MOTCUA_DUE_SOON_HOURS", default_value_t = 8)]
    pub due_soon_hours: u32,
    /// Send cookies only over HTTPS (set behind a TLS proxy).
    #[arg(long, env = "MOTCUA_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,
    /// Address citizens reach the portal at, printed on receipts and in QR codes.
    /// Default: http:// and the listen address.
    #[arg(long, env = "MOTCUA_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Show queued SMS and e-mail (one-time codes included) at /hop-thu-demo and in the
    /// log. For demonstrations and tests only; `motcua demo` turns it on.
    #[arg(long, env = "MOTCUA_DEMO_MAILBOX", default_value_t = false)]
    pub demo_mailbox: bool,
    /// Behind a reverse proxy: the header holding the client's address (e.g.
    /// X-Forwarded-For or X-Real-IP), used to limit guessing per address. Set it only when
    /// clients cannot reach this server except through the proxy.
    #[arg(long, env = "MOTCUA_CLIENT_IP_HEADER")]
    pub client_ip_header: Option<String>,
    /// Seconds a client has to send a request's headers, counted from when the connection
    /// is ready for a request, so it also closes keep-alive connections left idle that long.
    /// A client that sends half its headers and goes silent holds nothing for longer.
    #[arg(long, env = "MOTCUA_HEADER_TIMEOUT_SECS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_secs: u64,
    /// On SIGTERM or Ctrl-C: seconds to let requests in flight finish before the remaining
    /// connections are closed and the process exits.
    #[arg(long, env = "MOTCUA_SHUTDOWN_GRACE_SECS", default_value_t = 20)]
    pub shutdown_grace_secs: u64,
    /// Addresses or networks allowed to read /metrics, comma-separated (e.g.
    /// 127.0.0.1,::1,10.0.0.0/8). Default: this machine only.
    #[arg(long, env = "MOTCUA_METRICS_ALLOW", default_value = "127.0.0.1,::1")]
    pub metrics_allow: String,
    /// A bearer token that also opens /metrics (`Authorization: Bearer TOKEN`), for a
    /// Prometheus elsewhere.
    #[arg(long, env = "MOTCUA_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
}

impl ServerArgs {
    /// The database URL, defaulting to `DATA_DIR/motcua.db`.
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("motcua.db").display()))
    }

    pub fn public_url(&self) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.listen))
    }

    pub fn files_dir(&self) -> PathBuf {
        self.data_dir.join("files")
    }

    pub fn connection_limits(&self) -> crate::serve::ConnectionLimits {
        crate::serve::ConnectionLimits {
            header_timeout: std::time::Duration::from_secs(self.header_timeout_secs),
            shutdown_grace: std::time::Duration::from_secs(self.shutdown_grace_secs),
        }
    }
}

/// Just the database, for commands that do not serve.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    #[arg(long, env = "MOTCUA_DATABASE_URL")]
    pub database_url: Option<String>,
    #[arg(long, env = "MOTCUA_DATA_DIR", default_value = "./motcua-data")]
    pub data_dir: PathBuf,
}

impl DbArgs {
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("motcua.db").display()))
    }
}
