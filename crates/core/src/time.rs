//! Instants and the Vietnamese civil time zone.
//!
//! Instants are stored and passed as UTC; rules about days and sessions work in
//! Asia/Ho_Chi_Minh, which has been a fixed UTC+7 without daylight saving since 1975.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// An instant, always UTC.
pub type Instant = DateTime<Utc>;

/// UTC+7, Vietnam's civil time.
pub fn vn_offset() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("7h is a valid offset")
}

/// The local (Vietnam) wall-clock time of an instant.
pub fn to_local(at: Instant) -> NaiveDateTime {
    at.with_timezone(&vn_offset()).naive_local()
}

/// The instant of a Vietnamese wall-clock time.
pub fn from_local(local: NaiveDateTime) -> Instant {
    vn_offset()
        .from_local_datetime(&local)
        .single()
        .expect("a fixed offset maps every local time to one instant")
        .with_timezone(&Utc)
}

/// The local calendar date of an instant.
pub fn local_date(at: Instant) -> NaiveDate {
    to_local(at).date()
}

/// Formats an instant as RFC 3339 in Vietnamese time (`2026-11-23T09:15:00+07:00`).
pub fn rfc3339_vn(at: Instant) -> String {
    at.with_timezone(&vn_offset()).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// A source of the current instant. Injected so tests control time.
pub trait Clock: Send + Sync {
    fn now(&self) -> Instant;
}
