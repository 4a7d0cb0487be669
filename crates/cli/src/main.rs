//! `motcua`: one binary for a commune laptop (SQLite) or a province (PostgreSQL).

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use motcua::config::{DbArgs, ServerArgs};
use motcua::{calendar_cmd, demo, generate, import, serve};
use motcua_core::dossier::Role;
use motcua_store::{Store, StoreOptions};
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
    /// Print the due instant of N working days from a reception instant.
    Due {
        /// Reception instant, local time (2026-11-23T09:15) or RFC 3339.
        #[arg(long)]
        from: String,
        /// Working days (half days allowed: 2.5).
        #[arg(long)]
        days: f64,
        /// A pause FROM..TO (supplement requested → supplied); repeatable.
        #[arg(long = "pause")]
        pauses: Vec<String>,
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
        #[command(flatten)]
        db: DbArgs,
    },
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

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()))
        .init();
    match Cli::parse().command {
        Command::Serve(args) => {
            let store = serve::open_store(&args).await?;
            serve::run(serve::app_state(store, &args), &args.listen, |addr| println!("motcua đang chạy tại http://{addr}")).await
        }
        Command::Demo { server, dossiers, no_serve } => {
            let store = serve::open_store(&server).await?;
            let now = chrono::Utc::now();
            let agencies = demo::seed_reference(&store, now).await?;
            demo::seed_users(&store, now).await?;
            if store.count_dossiers().await? == 0 {
                let n = demo::seed_dossiers(&store, &agencies, dossiers, 120, now, 2026).await?;
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
            serve::run(serve::app_state(store, &server), &server.listen, |addr| {
                println!("\nMở http://{addr}/dang-nhap để đăng nhập; API: http://{addr}/api/openapi.json");
            })
            .await
        }
        Command::Generate { dossiers, seed, db } => {
            let store = open(&db).await?;
            let now = chrono::Utc::now();
            let agencies = demo::seed_reference(&store, now).await?;
            demo::seed_users(&store, now).await?;
            generate::dossiers(&store, &agencies, dossiers, now, seed).await
        }
        Command::Migrate(db) => {
            open(&db).await?;
            println!("Cơ sở dữ liệu đã cập nhật.");
            Ok(())
        }
        Command::Import { what: ImportWhat::Procedures { file, db } } => import::procedures(&open(&db).await?, &file).await,
        Command::Import { what: ImportWhat::Units { file, db } } => import::units(&open(&db).await?, &file).await,
        Command::Calendar { what: CalendarWhat::Due { from, days, pauses } } => {
            println!("{}", calendar_cmd::due(&from, days, &pauses)?);
            Ok(())
        }
        Command::User { what: UserWhat::Add { username, name, password, grants, db } } => {
            let store = open(&db).await?;
            let mut parsed = Vec::new();
            for g in &grants {
                let (role, code) = g.split_once('@').with_context(|| format!("--grant phải có dạng ROLE@AGENCY: {g}"))?;
                let role = Role::parse(role).with_context(|| format!("vai trò không hợp lệ: {role}"))?;
                let agency = store.agency_by_code(code).await?.with_context(|| format!("không có cơ quan {code}"))?;
                parsed.push((role, agency.id));
            }
            if password.chars().count() < 10 {
                anyhow::bail!("mật khẩu phải có ít nhất 10 ký tự");
            }
            store.upsert_user(&username, &name, &password, &parsed, chrono::Utc::now()).await?;
            println!("Đã lưu tài khoản {username}.");
            Ok(())
        }
    }
}
