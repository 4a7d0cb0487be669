//! A small SQL builder for queries whose shape depends on filters. sqlx's `QueryBuilder`
//! writes `?` placeholders for the `Any` driver, which PostgreSQL rejects; this one writes
//! `$N`, which both PostgreSQL and SQLite understand.

use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, Encode, Type};

pub(crate) struct SqlBuilder {
    pub sql: String,
    pub args: AnyArguments<'static>,
    count: usize,
}

impl SqlBuilder {
    pub fn new(sql: &str) -> Self {
        SqlBuilder { sql: sql.to_string(), args: AnyArguments::default(), count: 0 }
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
