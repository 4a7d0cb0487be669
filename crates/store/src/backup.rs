//! Backup and restore, the same for SQLite and PostgreSQL (and from one to the other: a
//! commune moving onto its province's server). A backup is a folder:
//!
//! - `tables/<table>.jsonl`: the column names, then one JSON array per row, all read in one
//!   read-only transaction, so the copy is consistent while the server keeps writing;
//! - `files/<sha256>`: every file the `blobs` table of that snapshot lists, its hash checked
//!   as it is copied (files are written before the rows that name them, so all are there);
//! - `manifest.json`: row counts and the hash of every table file, checked before a restore
//!   touches anything.
//!
//! Sessions and one-time codes are left out: after a restore everyone signs in again.

use crate::{Backend, BlobStore, Store, StoreError};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::Path;

/// Every table a backup holds, parents before children (the order of a restore).
pub const BACKUP_TABLES: &[&str] = &[
    "admin_units",
    "agencies",
    "procedures",
    "users",
    "user_grants",
    "citizens",
    "dossiers",
    "dossier_agencies",
    "blobs",
    "dossier_documents",
    "dossier_events",
    "dossier_receptions",
    "outbox",
    "daily_counts",
    "code_sequences",
    "idempotency_keys",
    "ratings",
    "feedback",
    "submission_drafts",
    "audit_log",
    "audit_head",
    "calendar_schedules",
    "step_routes",
];

/// Tables deliberately not backed up (secrets that only make sense for minutes or hours).
pub const EPHEMERAL_TABLES: &[&str] = &["sessions", "citizen_sessions", "one_time_codes", "dossier_codes"];

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub created_at_ms: i64,
    pub backend: String,
    /// The latest migration applied to the source.
    pub schema_version: i64,
    /// Per table: rows and the SHA-256 of its file.
    pub tables: BTreeMap<String, TableEntry>,
    pub files: u64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct TableEntry {
    pub rows: u64,
    pub sha256: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("bản sao lưu không hợp lệ: {0}")]
    Invalid(String),
    #[error("cơ sở dữ liệu đích đã có dữ liệu (hồ sơ hoặc tài khoản); chỉ khôi phục vào cơ sở dữ liệu mới")]
    NotEmpty,
}

impl From<sqlx::Error> for BackupError {
    fn from(e: sqlx::Error) -> Self {
        BackupError::Store(e.into())
    }
}

fn invalid(m: impl Into<String>) -> BackupError {
    BackupError::Invalid(m.into())
}

impl Store {
    /// The tables of the current schema (without sqlx's own).
    pub async fn table_names(&self) -> Result<Vec<String>, StoreError> {
        let sql = match self.backend {
            Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
            Backend::Postgres => {
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
                 AND table_name <> '_sqlx_migrations' ORDER BY table_name"
            }
        };
        Ok(sqlx::query_scalar(sql).fetch_all(&self.read).await?)
    }

    /// Columns of a table with whether each holds integers (the schema has only BIGINT and
    /// TEXT columns).
    async fn columns(&self, conn: &mut sqlx::AnyConnection, table: &str) -> Result<Vec<(String, bool)>, StoreError> {
        let rows: Vec<(String, String)> = match self.backend {
            Backend::Sqlite => sqlx::query_as("SELECT name, type FROM pragma_table_info($1) ORDER BY cid").bind(table).fetch_all(&mut *conn).await?,
            Backend::Postgres => {
                sqlx::query_as(
                    "SELECT column_name::text, data_type::text FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                )
                .bind(table)
                .fetch_all(&mut *conn)
                .await?
            }
        };
        Ok(rows.into_iter().map(|(name, ty)| (name, ty.to_ascii_lowercase().contains("int"))).collect())
    }

    async fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success").fetch_one(&self.read).await?)
    }

    /// Writes a consistent backup of the database and its files into `dir` (which must not
    /// exist yet or be empty). Returns the manifest written.
    pub async fn backup(&self, blobs: &BlobStore, dir: &Path, now_ms: i64) -> Result<Manifest, BackupError> {
        if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
            return Err(invalid(format!("thư mục {} đã có nội dung", dir.display())));
        }
        std::fs::create_dir_all(dir.join("tables"))?;
        std::fs::create_dir_all(dir.join("files"))?;
        let mut tx = self.read.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY").execute(&mut *tx).await?;
        }
        let mut tables = BTreeMap::new();
        let mut shas: Vec<String> = Vec::new();
        for table in BACKUP_TABLES {
            let columns = self.columns(&mut tx, table).await?;
            let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
            let path = dir.join("tables").join(format!("{table}.jsonl"));
            let mut out = HashingWriter::new(std::io::BufWriter::new(std::fs::File::create(&path)?));
            serde_json::to_writer(&mut out, &names).map_err(std::io::Error::from)?;
            out.write_all(b"\n")?;
            let order = if names.contains(&"id") { " ORDER BY id" } else { "" };
            let sql = format!("SELECT {} FROM {table}{order}", names.join(", "));
            let mut rows = sqlx::query(&sql).fetch(&mut *tx);
            let mut n = 0u64;
            while let Some(row) = rows.try_next().await? {
                let mut values = Vec::with_capacity(columns.len());
                for (i, (_, int)) in columns.iter().enumerate() {
                    values.push(if *int {
                        row.try_get::<Option<i64>, _>(i)?.map(Value::from).unwrap_or(Value::Null)
                    } else {
                        row.try_get::<Option<String>, _>(i)?.map(Value::from).unwrap_or(Value::Null)
                    });
                }
                if *table == "blobs" {
                    if let Some(Value::String(s)) = names.iter().position(|n| *n == "sha256").map(|i| &values[i]) {
                        shas.push(s.clone());
                    }
                }
                serde_json::to_writer(&mut out, &values).map_err(std::io::Error::from)?;
                out.write_all(b"\n")?;
                n += 1;
            }
            drop(rows);
            tables.insert(table.to_string(), TableEntry { rows: n, sha256: out.finish()? });
        }
        tx.rollback().await?;
        for sha in &shas {
            let bytes = blobs.get(sha).await?;
            if hex::encode(Sha256::digest(&bytes)) != *sha {
                return Err(invalid(format!("tệp {sha} trong kho tệp không khớp mã băm của nó")));
            }
            std::fs::write(dir.join("files").join(sha), &bytes)?;
        }
        let manifest = Manifest {
            format: 1,
            created_at_ms: now_ms,
            backend: format!("{:?}", self.backend).to_lowercase(),
            schema_version: self.schema_version().await?,
            tables,
            files: shas.len() as u64,
        };
        std::fs::write(dir.join("manifest.json"), serde_json::to_vec_pretty(&manifest).map_err(std::io::Error::from)?)?;
        Ok(manifest)
    }

    /// Restores a backup into this (migrated, empty) database and `blobs`: the manifest and
    /// every table file are checked first, then the files are stored (hash-checked) and
    /// every row goes in one transaction, so a failed restore leaves the database as it was.
    pub async fn restore(&self, blobs: &BlobStore, dir: &Path) -> Result<Manifest, BackupError> {
        let manifest: Manifest = serde_json::from_slice(&std::fs::read(dir.join("manifest.json"))?).map_err(|e| invalid(format!("manifest.json: {e}")))?;
        if manifest.format != 1 {
            return Err(invalid(format!("định dạng {} chưa được hỗ trợ", manifest.format)));
        }
        if manifest.schema_version > self.schema_version().await? {
            return Err(invalid("bản sao lưu từ phiên bản mới hơn; hãy cập nhật motcua trước"));
        }
        for (table, entry) in &manifest.tables {
            if !BACKUP_TABLES.contains(&table.as_str()) {
                return Err(invalid(format!("bảng lạ {table}")));
            }
            let bytes = std::fs::read(dir.join("tables").join(format!("{table}.jsonl")))?;
            if hex::encode(Sha256::digest(&bytes)) != entry.sha256 {
                return Err(invalid(format!("tệp của bảng {table} đã bị thay đổi hoặc hỏng")));
            }
        }
        // Files before rows, each read once: the store files it under the hash of what it
        // read, so a damaged file is refused by name and harms nothing (no row names that
        // hash), and a restore that fails after this can simply be run again.
        let mut files = 0u64;
        for f in std::fs::read_dir(dir.join("files"))? {
            let f = f?;
            let name = f.file_name().to_string_lossy().into_owned();
            if blobs.put(&std::fs::read(f.path())?).await?.sha256 != name {
                return Err(invalid(format!("tệp {name} hỏng")));
            }
            files += 1;
        }
        if files != manifest.files {
            return Err(invalid(format!("thiếu tệp: có {files}, cần {}", manifest.files)));
        }
        let mut tx = self.write.begin().await?;
        let used: i64 = sqlx::query_scalar("SELECT (SELECT COUNT(*) FROM dossiers) + (SELECT COUNT(*) FROM users)").fetch_one(&mut *tx).await?;
        if used > 0 {
            return Err(BackupError::NotEmpty);
        }
        // Rows the migrations seeded (the audit chain's head) give way to the backup's.
        for table in BACKUP_TABLES.iter().rev() {
            sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *tx).await?;
        }
        for table in BACKUP_TABLES.iter().filter(|t| manifest.tables.contains_key(**t)) {
            let target: BTreeMap<String, bool> = self.columns(&mut tx, table).await?.into_iter().collect();
            let file = std::io::BufReader::new(std::fs::File::open(dir.join("tables").join(format!("{table}.jsonl")))?);
            let mut lines = file.lines();
            let header = lines.next().ok_or_else(|| invalid(format!("{table}: tệp rỗng")))??;
            let names: Vec<String> = serde_json::from_str(&header).map_err(|e| invalid(format!("{table}: {e}")))?;
            let kinds: Vec<bool> = names
                .iter()
                .map(|n| target.get(n).copied().ok_or_else(|| invalid(format!("{table}.{n}: cột không có trong cơ sở dữ liệu đích"))))
                .collect::<Result<_, _>>()?;
            let mut batch: Vec<Vec<Value>> = Vec::new();
            for line in lines {
                let row: Vec<Value> = serde_json::from_str(&line?).map_err(|e| invalid(format!("{table}: {e}")))?;
                if row.len() != names.len() {
                    return Err(invalid(format!("{table}: số cột không khớp")));
                }
                batch.push(row);
                if batch.len() * names.len() >= 2_000 {
                    insert_rows(&mut tx, table, &names, &kinds, std::mem::take(&mut batch)).await?;
                }
            }
            insert_rows(&mut tx, table, &names, &kinds, batch).await?;
            if self.backend == Backend::Postgres && names.iter().any(|n| n == "id") {
                sqlx::query(&format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(manifest)
    }
}

async fn insert_rows(tx: &mut sqlx::AnyConnection, table: &str, names: &[String], kinds: &[bool], rows: Vec<Vec<Value>>) -> Result<(), BackupError> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut q = crate::sql::SqlBuilder::new(&format!("INSERT INTO {table} ({}) VALUES ", names.join(", ")));
    for (r, row) in rows.into_iter().enumerate() {
        q.push(if r == 0 { "(" } else { ", (" });
        for (i, (v, int)) in row.into_iter().zip(kinds).enumerate() {
            if i > 0 {
                q.push(", ");
            }
            match (v, int) {
                (Value::Null, true) => q.bind(None::<i64>),
                (Value::Null, false) => q.bind(None::<String>),
                (Value::Number(n), true) => q.bind(n.as_i64().ok_or_else(|| invalid(format!("{table}: số không hợp lệ")))?),
                (Value::String(s), false) => q.bind(s),
                _ => return Err(invalid(format!("{table}: kiểu giá trị không khớp cột"))),
            };
        }
        q.push(")");
    }
    sqlx::query_with(&q.sql, q.args).execute(&mut *tx).await?;
    Ok(())
}

/// A writer that hashes what passes through it.
struct HashingWriter<W: Write> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> HashingWriter<W> {
    fn new(inner: W) -> Self {
        HashingWriter { inner, hash: Sha256::new() }
    }

    fn finish(mut self) -> std::io::Result<String> {
        self.inner.flush()?;
        Ok(hex::encode(self.hash.finalize()))
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
