//! Errors of the storage layer.

use motcua_core::validation::FieldErrors;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("file store error: {0}")]
    Io(#[from] std::io::Error),
    #[error("configuration: {0}")]
    Config(String),
    #[error("not found")]
    NotFound,
    /// Someone else changed the record since it was read (optimistic version check).
    #[error("the record was changed by someone else; reload and try again")]
    Conflict,
    /// The idempotency key was already used for a different request.
    #[error("idempotency key reused with a different request")]
    IdempotencyMismatch,
    /// Import rows that failed validation, by line; nothing was written.
    #[error("{} invalid rows", .0.len())]
    InvalidRows(Vec<(usize, FieldErrors)>),
    /// Stored data that does not parse (a bug or tampering).
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Whether the failure is temporary: the database unreachable, restarting, locked by
    /// another process, or out of space, or the file store's disk full. Retrying later may
    /// succeed, so it answers 503 with `Retry-After`; anything else is a defect (500).
    pub fn is_temporary(&self) -> bool {
        match self {
            StoreError::Db(e) => db_error_is_temporary(e),
            StoreError::Io(e) => io_error_is_temporary(e),
            _ => false,
        }
    }

    /// Whether this is a uniqueness violation (a concurrent insert of the same key).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Db(sqlx::Error::Database(e)) => e.is_unique_violation(),
            _ => false,
        }
    }
}

/// See [`StoreError::is_temporary`].
pub fn db_error_is_temporary(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            // SQLite's codes are numbers, PostgreSQL's five-character SQLSTATEs (some all
            // digits), so the driver decides how to read them.
            let code = db.code();
            let code = code.as_deref().unwrap_or("");
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                code.parse::<i32>().is_ok_and(sqlite_code_is_temporary)
            } else if db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>().is_some() {
                sqlstate_is_temporary(code)
            } else {
                false
            }
        }
        _ => false,
    }
}

/// SQLite result codes (extended; the primary code is the low byte) of conditions that pass:
/// BUSY and LOCKED (another process holds the write lock beyond the busy timeout), FULL
/// (disk or quota full), IOERR (a write failed, e.g. no space for the WAL), NOMEM,
/// CANTOPEN (out of file descriptors), PROTOCOL (a WAL lock race). Constraint, schema and
/// misuse codes are defects and stay 500.
pub fn sqlite_code_is_temporary(code: i32) -> bool {
    matches!(code & 0xff, 5 | 6 | 7 | 10 | 13 | 14 | 15)
}

/// PostgreSQL SQLSTATEs of conditions that pass: class 08 (connection lost or refused),
/// 53 (disk full, out of memory, too many connections), 57P01–57P03 (server shutting down,
/// crashed, starting up), 55000/55006/55P03 (database not accepting connections, object in
/// use, lock not available), 40001/40P01 (serialisation failure, deadlock: retry),
/// 57014 (statement timeout), 25006 (a read-only standby after a fail-over), 58xxx (the
/// server's own I/O).
pub fn sqlstate_is_temporary(code: &str) -> bool {
    matches!(code.get(..2), Some("08" | "53" | "58"))
        || matches!(code, "57P01" | "57P02" | "57P03" | "57014" | "55000" | "55006" | "55P03" | "40001" | "40P01" | "25006")
}

/// A disk or quota full (the file store), which passes once space is freed.
fn io_error_is_temporary(e: &std::io::Error) -> bool {
    // ENOSPC and EDQUOT on Linux; StorageFull covers the first on every platform.
    e.kind() == std::io::ErrorKind::StorageFull || matches!(e.raw_os_error(), Some(28 | 122))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outage_sqlstates_are_temporary_and_defects_are_not() {
        for code in ["55000", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08006", "08P01", "53100", "53200", "53300", "40001", "40P01", "57014", "25006", "58030"] {
            assert!(sqlstate_is_temporary(code), "{code} passes: 503");
        }
        for code in ["23505", "23503", "42601", "42P01", "22001", "XX000", "57P04", "0A000"] {
            assert!(!sqlstate_is_temporary(code), "{code} is a defect or bad data: not 503");
        }
    }

    #[test]
    fn busy_locked_and_full_sqlite_codes_are_temporary_and_constraints_are_not() {
        // SQLITE_BUSY, BUSY_SNAPSHOT, LOCKED, FULL, IOERR, IOERR_WRITE, IOERR_FSYNC, NOMEM.
        for code in [5, 517, 6, 13, 10, 778, 1034, 7] {
            assert!(sqlite_code_is_temporary(code), "{code}");
        }
        // SQLITE_ERROR, CONSTRAINT_UNIQUE, CONSTRAINT_FOREIGNKEY, CORRUPT, MISMATCH, READONLY.
        for code in [1, 2067, 787, 11, 20, 8] {
            assert!(!sqlite_code_is_temporary(code), "{code}");
        }
    }

    #[test]
    fn a_full_disk_for_files_is_temporary() {
        assert!(StoreError::Io(std::io::Error::from_raw_os_error(28)).is_temporary());
        assert!(StoreError::Io(std::io::Error::from(std::io::ErrorKind::StorageFull)).is_temporary());
        assert!(!StoreError::Io(std::io::Error::from(std::io::ErrorKind::PermissionDenied)).is_temporary());
        assert!(!StoreError::NotFound.is_temporary());
        assert!(StoreError::Db(sqlx::Error::PoolTimedOut).is_temporary());
    }
}
