//! `motcua`: one binary for a commune laptop (SQLite) or a province (PostgreSQL).

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use motcua::config::{DbArgs, ServerArgs};
use motcua::{audit_cmd, calendar_cmd, demo, generate, import, serve};
use motcua_core::dossier::Role;
use motcua_store::{BlobStore, Store, StoreOptions};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "motcua", version, about = "Hệ thống một cửa giải quyết thủ tục hành chính — one-stop administrative procedure system")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (migrates the database first).
    Serve(ServerArgs),
    /// Create or reuse ./motcua-data with reference data, demo agencies, users and dossiers, then serve.
    Demo {
        #[command(flatten)]
        server: ServerArgs,
        /// Dossiers to create when the database has none.
        #[arg(long, default_value_t = 300)]
        dossiers: usize,
        /// Prepare the data and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Apply database migrations and exit.
    Migrate(DbArgs),
    /// Import reference data.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Working-day calendar and deadlines.
    Calendar {
        #[command(subcommand)]
        what: CalendarWhat,
    },
    /// Generate a large data set for benchmarks (demo agencies and catalogue included).
    Generate {
        /// Number of dossiers to add.
        #[arg(long)]
        dossiers: usize,
        /// Seed of the random generator (use different seeds to add more).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Staff accounts.
    User {
        #[command(subcommand)]
        what: UserWhat,
    },
    /// Copy the database and the file store into DIR, consistently, while the server runs.
    Backup {
        dir: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Restore a backup made by `motcua backup` into a new, empty database and file store
    /// (SQLite or PostgreSQL, whichever the backup came from).
    Restore {
        dir: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Tamper evidence of the stored history.
    Audit {
        #[command(subcommand)]
        what: AuditWhat,
    },
}

#[derive(Subcommand)]
enum AuditWhat {
    /// Check every dossier's event chain and the chain of administrative changes; exits
    /// with status 1 and names the first broken link of each chain if any was tampered with.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// Import or update procedures from a catalogue JSON file (all or nothing; bad rows reported by line).
    Procedures {
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Import or update administrative units from a CSV file in the format of data/admin-units-2025.csv.
    Units {
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum CalendarWhat {
    /// Lunar date of a solar date (D/M/YYYY, " nhuận" for a leap month), or of every day of a range.
    Lunar {
        /// A solar date, YYYY-MM-DD.
        date: Option<String>,
        #[arg(long, requires = "to", conflicts_with = "date")]
        from: Option<String>,
        #[arg(long, requires = "from")]
        to: Option<String>,
    },
    /// Solar date (YYYY-MM-DD) of a lunar date D/M/YYYY.
    Solar {
        lunar: String,
        /// The month is the leap (nhuận) month.
        #[arg(long)]
        leap: bool,
    },
    /// Every non-working weekday and working weekend day of a year: YYYY-MM-DD<TAB>off|work<TAB>reason.
    Holidays {
        year: i32,
        #[arg(long, env = "MOTCUA_CALENDAR_DIR")]
        calendar_dir: Option<PathBuf>,
    },
    /// Due instant of N working days from a reception instant (RFC 3339, +07:00).
    Due {
        /// Reception instant, local time (2026-11-23T09:15) or RFC 3339.
        #[arg(long)]
        from: String,
        /// Working days (half days allowed: 2.5; 0 = within the day).
        #[arg(long)]
        days: f64,
        /// A pause FROM..TO (supplement requested → supplied); repeatable.
        #[arg(long = "pause")]
        pauses: Vec<String>,
        /// Count by the Civil Code rule (reception day not counted) instead of working hours.
        #[arg(long)]
        civil_code: bool,
        /// Explain the result in Vietnamese: skipped days and why.
        #[arg(long)]
        explain: bool,
        #[arg(long, env = "MOTCUA_CALENDAR_DIR")]
        calendar_dir: Option<PathBuf>,
    },
    /// The year's days off as an iCalendar file (to standard output, or --output FILE).
    Ics {
        year: i32,
        #[arg(long)]
        output: Option<PathBuf>,
        #[arg(long, env = "MOTCUA_CALENDAR_DIR")]
        calendar_dir: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum UserWhat {
    /// Create a staff account or reset its password and roles.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// Password (or set MOTCUA_NEW_PASSWORD to keep it out of the shell history).
        #[arg(long, env = "MOTCUA_NEW_PASSWORD")]
        password: String,
        /// ROLE@AGENCY_CODE, e.g. reception@H56.22366; repeatable.
        #[arg(long = "grant", required = true)]
        grants: Vec<String>,
        /// Make the account a system administrator (owns the national catalogue, routes
        /// steps anywhere); only settable here, never from the web. Without it the flag is
        /// removed.
        #[arg(long)]
        system_admin: bool,
        #[command(flatten)]
        db: DbArgs,
    },
}

fn calendar(what: CalendarWhat) -> Result<()> {
    match what {
        CalendarWhat::Lunar { date: Some(d), .. } => println!("{}", calendar_cmd::lunar(&d)?),
        CalendarWhat::Lunar { from: Some(f), to: Some(t), .. } => calendar_cmd::lunar_range(&f, &t, &mut std::io::stdout().lock())?,
        CalendarWhat::Lunar { .. } => anyhow::bail!("cần một ngày (YYYY-MM-DD) hoặc --from và --to"),
        CalendarWhat::Solar { lunar, leap } => println!("{}", calendar_cmd::solar(&lunar, leap)?),
        CalendarWhat::Holidays { year, calendar_dir } => print!("{}", calendar_cmd::holidays(year, calendar_dir.as_deref())?),
        CalendarWhat::Due { from, days, pauses, civil_code, explain, calendar_dir } => {
            let cal = calendar_cmd::calendar(calendar_dir.as_deref())?;
            println!("{}", calendar_cmd::due(&cal, &from, days, &pauses, civil_code, explain)?);
        }
        CalendarWhat::Ics { year, output, calendar_dir } => {
            let ics = calendar_cmd::ics(year, calendar_dir.as_deref(), chrono::Utc::now())?;
            match output {
                Some(path) => std::fs::write(&path, ics).with_context(|| format!("writing {}", path.display()))?,
                None => print!("{ics}"),
            }
        }
    }
    Ok(())
}

async fn open(db: &DbArgs) -> Result<Store> {
    let url = db.database_url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&db.data_dir)?;
    }
    let store = Store::connect(&url, &StoreOptions::default()).await.with_context(|| format!("connecting to {}", serve::redact(&url)))?;
    store.migrate().await?;
    Ok(store)
}

/// Errors are printed as one readable message (with causes), not as a debug dump.
fn main() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Lỗi: không khởi động được: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Lỗi: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()))
        .init();
    match Cli::parse().command {
        Command::Serve(args) => {
            let store = serve::open_store(&args).await?;
            serve::run(serve::app_state(store, &args).await?, &args.listen, args.connection_limits(), |addr| println!("motcua đang chạy tại http://{addr}")).await
        }
        Command::Demo { mut server, dossiers, no_serve } => {
            server.demo_mailbox = true;
            let store = serve::open_store(&server).await?;
            let now = chrono::Utc::now();
            let agencies = demo::seed_reference(&store, now).await?;
            demo::seed_users(&store, now).await?;
            if store.count_dossiers().await? == 0 {
                let cal = calendar_cmd::calendar(server.calendar_dir.as_deref())?;
                // The history is replayed through the use cases, on a clock set to each
                // action's moment.
                let clock = std::sync::Arc::new(motcua_app::ports::ManualClock::new(now));
                let files = std::sync::Arc::new(motcua_store::BlobStore::new(server.files_dir()));
                let app = motcua_app::App::new(store.clone(), files, clock.clone(), std::sync::Arc::new(motcua_app::ports::PdfRenderer), cal, motcua_app::Settings::default());
                let n = demo::seed_dossiers(&app, &clock, &agencies, dossiers, 120, now, 2026).await?;
                println!("Đã tạo {n} hồ sơ mẫu.");
            }
            println!("\nTài khoản mẫu (mật khẩu chung: {}):", demo::DEMO_PASSWORD);
            for u in demo::USERS {
                let roles: Vec<String> = u.grants.iter().map(|(r, a)| format!("{} @ {a}", r.label_vi())).collect();
                println!("  {:<22} {}", u.username, roles.join(", "));
            }
            if no_serve {
                return Ok(());
            }
            serve::run(serve::app_state(store, &server).await?, &server.listen, server.connection_limits(), |addr| {
                println!("\nMở http://{addr}/dang-nhap để đăng nhập; API: http://{addr}/api/openapi.json");
                println!("Hộp thư mẫu (mã một lần gửi cho công dân): http://{addr}/hop-thu-demo");
            })
            .await
        }
        Command::Generate { dossiers, seed, db } => {
            let store = open(&db).await?;
            let now = chrono::Utc::now();
            let agencies = demo::seed_reference(&store, now).await?;
            demo::seed_users(&store, now).await?;
            generate::dossiers(&store, &agencies, &calendar_cmd::calendar(None)?, dossiers, now, seed).await
        }
        Command::Migrate(db) => {
            open(&db).await?;
            println!("Cơ sở dữ liệu đã cập nhật.");
            Ok(())
        }
        Command::Import { what: ImportWhat::Procedures { file, db } } => import::procedures(&open(&db).await?, &file).await,
        Command::Import { what: ImportWhat::Units { file, db } } => import::units(&open(&db).await?, &file).await,
        Command::Calendar { what } => calendar(what),
        Command::Backup { dir, db } => {
            let started = std::time::Instant::now();
            let m = open(&db).await?.backup(&BlobStore::new(db.data_dir.join("files")), &dir, chrono::Utc::now().timestamp_millis()).await?;
            let rows: u64 = m.tables.values().map(|t| t.rows).sum();
            println!("Đã sao lưu {rows} dòng của {} bảng và {} tệp vào {} trong {:.1} s.", m.tables.len(), m.files, dir.display(), started.elapsed().as_secs_f64());
            Ok(())
        }
        Command::Restore { dir, db } => {
            let started = std::time::Instant::now();
            let m = open(&db).await?.restore(&BlobStore::new(db.data_dir.join("files")), &dir).await?;
            let rows: u64 = m.tables.values().map(|t| t.rows).sum();
            println!("Đã khôi phục {rows} dòng và {} tệp từ {} trong {:.1} s. Mọi người cần đăng nhập lại.", m.files, dir.display(), started.elapsed().as_secs_f64());
            Ok(())
        }
        Command::Audit { what: AuditWhat::Verify { db } } => {
            if !audit_cmd::verify(&open(&db).await?).await? {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::User { what: UserWhat::Add { username, name, password, grants, system_admin, db } } => {
            let store = open(&db).await?;
            let mut parsed = Vec::new();
            for g in &grants {
                let (role, code) = g.split_once('@').with_context(|| format!("--grant phải có dạng ROLE@AGENCY: {g}"))?;
                let role = Role::parse(role).with_context(|| format!("vai trò không hợp lệ: {role}"))?;
                let agency = store.agency_by_code(code).await?.with_context(|| format!("không có cơ quan {code}"))?;
                parsed.push((role, agency.id));
            }
            if let Some(problem) = motcua_core::account::password_problem(&password, &username) {
                anyhow::bail!("--password: {problem}");
            }
            let id = store.upsert_user(&username, &name, &password, &parsed, chrono::Utc::now()).await?;
            store.set_system_admin(id, system_admin).await?;
            println!("Đã lưu tài khoản {username}.");
            Ok(())
        }
    }
}
