//! A small SQL builder for queries whose shape depends on filters. sqlx's `QueryBuilder`
//! writes `?` placeholders for the `Any` driver, which PostgreSQL rejects; this one writes
//! `$N`, which both PostgreSQL and SQLite understand.

use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, Encode, Type};

pub(crate) struct SqlBuilder {
    pub sql: String,
    pub args: AnyArguments<'static>,
    count: usize,
    /// Where each statement after the first starts, for batches of several statements.
    starts: Vec<usize>,
}

impl SqlBuilder {
    pub fn new(sql: &str) -> Self {
        SqlBuilder { sql: sql.to_string(), args: AnyArguments::default(), count: 0, starts: Vec::new() }
    }

    /// Starts another statement of a batch (numbering of placeholders continues).
    pub fn next_statement(&mut self) -> &mut Self {
        if !self.sql.trim().is_empty() {
            self.starts.push(self.sql.len());
        }
        self
    }

    /// Runs every statement of the batch in one round trip: SQLite executes a
    /// multi-statement string (placeholders `$N` index the whole argument list), and
    /// PostgreSQL, which prepares one statement at a time, runs them as data-modifying
    /// common table expressions of one statement. Statements must be independent of each
    /// other's effects (PostgreSQL runs them on one snapshot).
    pub async fn execute_batch(self, conn: &mut sqlx::AnyConnection, backend: crate::Backend) -> Result<(), sqlx::Error> {
        let mut bounds = vec![0];
        bounds.extend(self.starts.iter().copied());
        bounds.push(self.sql.len());
        let parts: Vec<&str> = bounds.windows(2).map(|w| self.sql[w[0]..w[1]].trim()).filter(|p| !p.is_empty()).collect();
        let sql = match (backend, parts.len()) {
            (_, 0) => return Ok(()),
            (_, 1) => parts[0].to_string(),
            (crate::Backend::Sqlite, _) => parts.join(";\n"),
            (crate::Backend::Postgres, _) => {
                let ctes: Vec<String> = parts.iter().enumerate().map(|(i, p)| format!("s{i} AS ({p})")).collect();
                format!("WITH {} SELECT 1", ctes.join(", "))
            }
        };
        sqlx::query_with(&sql, self.args).execute(conn).await?;
        Ok(())
    }

    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'static + Send + Encode<'static, Any> + Type<Any>,
    {
        self.count += 1;
        self.sql.push('$');
        self.sql.push_str(&self.count.to_string());
        // Encoding plain integers and strings into AnyArguments cannot fail.
        let _ = self.args.add(value);
        self
    }
}
