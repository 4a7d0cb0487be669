//! Field-level validation errors, shared by every parser of outside input so the web
//! layer can show each message next to its field.

use serde::Serialize;

/// One invalid field: a path such as `applicant.phone` or `documents[2].name`, and a
/// Vietnamese message for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

/// Collects field errors while parsing a whole input, so users see all problems at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError { path: path.into(), message: message.into() });
    }

    /// Records the error of a parse result under `path` and returns the value if any.
    pub fn check<T, E: std::fmt::Display>(&mut self, path: &str, r: Result<T, E>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(path, e.to_string());
                None
            }
        }
    }

    /// Requires a non-blank string of at most `max` characters.
    pub fn text(&mut self, path: &str, value: &str, max: usize) -> Option<String> {
        let t = value.trim();
        if t.is_empty() {
            self.add(path, "Không được để trống");
            None
        } else if t.chars().count() > max {
            self.add(path, format!("Dài quá {max} ký tự"));
            None
        } else {
            Some(t.to_string())
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when no error was recorded.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.0.is_empty() { Ok(value()) } else { Err(self) }
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", e.path, e.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for FieldErrors {}
