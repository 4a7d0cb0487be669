//! Limits on guessing: sign-in failures per account and per address, and the public
//! lookups, sign-up and password reset per address. Counted in this process with the
//! injected clock; a deployment of N servers behind a balancer allows up to N times the
//! limit, which still turns a guessing attack from hours into years.

use crate::app::AppState;
use crate::error::ApiError;
use axum::extract::ConnectInfo;
use motcua_core::time::Instant;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;

/// At most `max` events per key in a window of `window`; the window starts at a key's
/// first event, so a locked key opens again `window` after that.
pub struct Limiter {
    max: u32,
    window: chrono::Duration,
    /// Bound on remembered keys: past it, expired windows are dropped first.
    capacity: usize,
    map: Mutex<HashMap<String, (Instant, u32)>>,
}

/// Refused: how long until the key may try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub i64);

impl Limiter {
    pub fn new(max: u32, window: chrono::Duration) -> Self {
        Limiter { max, window, capacity: 100_000, map: Mutex::new(HashMap::new()) }
    }

    /// Whether the key may still try (does not count).
    pub fn check(&self, key: &str, now: Instant) -> Result<(), RetryAfter> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        match map.get(key) {
            Some(&(start, n)) if n >= self.max && now < start + self.window => Err(RetryAfter((start + self.window - now).num_seconds().max(1))),
            _ => Ok(()),
        }
    }

    /// Counts one event for the key, refusing it when the key is over its limit.
    pub fn hit(&self, key: &str, now: Instant) -> Result<(), RetryAfter> {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= self.capacity && !map.contains_key(key) {
            let window = self.window;
            map.retain(|_, (start, _)| now < *start + window);
            if map.len() >= self.capacity {
                // Flooded with distinct keys: forgetting them all is the bounded choice.
                map.clear();
            }
        }
        let entry = map.entry(key.to_string()).or_insert((now, 0));
        if now >= entry.0 + self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.max {
            return Err(RetryAfter((entry.0 + self.window - now).num_seconds().max(1)));
        }
        entry.1 += 1;
        Ok(())
    }

    /// Forgets a key (a successful sign-in clears its account's failures).
    pub fn clear(&self, key: &str) {
        self.map.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }
}

/// The limits a server applies (see `Config::limits` for their sizes).
pub struct Throttles {
    /// Failed sign-ins per account (staff username or citizen login).
    pub sign_in_account: Limiter,
    /// Failed sign-ins per client address, whatever the account.
    pub sign_in_address: Limiter,
    /// Failed public lookups (dossier code + phone/ID, feedback code) per address.
    pub lookup_address: Limiter,
    /// Sign-ups, code requests and password resets per address (each may send an SMS).
    pub messages_address: Limiter,
}

/// How many attempts, in how long.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub sign_in_per_account: u32,
    pub sign_in_per_address: u32,
    pub lookups_per_address: u32,
    pub messages_per_address: u32,
    pub window: chrono::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { sign_in_per_account: 5, sign_in_per_address: 30, lookups_per_address: 20, messages_per_address: 10, window: chrono::Duration::minutes(15) }
    }
}

impl Throttles {
    pub fn new(l: Limits) -> Self {
        Throttles {
            sign_in_account: Limiter::new(l.sign_in_per_account, l.window),
            sign_in_address: Limiter::new(l.sign_in_per_address, l.window),
            lookup_address: Limiter::new(l.lookups_per_address, l.window),
            messages_address: Limiter::new(l.messages_per_address, l.window),
        }
    }

    /// Before checking a password: refused while the account is locked, whether or not it
    /// exists (a lock must not tell which accounts do).
    pub fn may_sign_in(&self, account: &str, now: Instant) -> Result<(), ApiError> {
        Ok(self.sign_in_account.check(account, now)?)
    }

    /// After checking it: a failure counts towards the lock, a success forgets failures.
    pub fn signed_in(&self, account: &str, ok: bool, now: Instant) {
        if ok {
            self.sign_in_account.clear(account);
        } else {
            let _ = self.sign_in_account.hit(account, now);
        }
    }
}

impl From<RetryAfter> for ApiError {
    fn from(r: RetryAfter) -> Self {
        ApiError::TooMany(r.0)
    }
}

/// The client's address: the socket's peer, or, behind a reverse proxy, the header the
/// proxy sets (`--client-ip-header`), which a client could forge if it reached us directly.
fn client_addr(state: &AppState, headers: &axum::http::HeaderMap, extensions: &axum::http::Extensions) -> String {
    if let Some(h) = &state.config.client_ip_header {
        if let Some(v) = headers.get(h.as_str()).and_then(|v| v.to_str().ok()) {
            // X-Forwarded-For lists the hops; the proxy appends the client it saw last.
            if let Some(ip) = v.rsplit(',').next().map(str::trim).filter(|s| !s.is_empty()) {
                return ip.to_string();
            }
        }
    }
    extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_else(|| "-".into())
}

/// Which limit a group of routes is under, and which answers count against it.
#[derive(Debug, Clone, Copy)]
pub enum Guard {
    /// Sign-in forms and the API token: a 401 is a failed guess.
    SignIn,
    /// Lookups by code and secret, and one-time codes: a 404, 401, 403 or 422 is a failed
    /// guess (a wrong code and a wrong secret answer alike).
    Lookup,
    /// Sign-up, code requests and password resets: every submission counts, as each may
    /// send a message to someone's phone.
    Messages,
}

impl Guard {
    fn limiter(self, t: &Throttles) -> &Limiter {
        match self {
            Guard::SignIn => &t.sign_in_address,
            Guard::Lookup => &t.lookup_address,
            Guard::Messages => &t.messages_address,
        }
    }

    fn counts(self, method: &axum::http::Method, status: axum::http::StatusCode) -> bool {
        use axum::http::StatusCode as S;
        match self {
            Guard::SignIn => status == S::UNAUTHORIZED,
            Guard::Lookup => matches!(status, S::NOT_FOUND | S::UNAUTHORIZED | S::FORBIDDEN | S::UNPROCESSABLE_ENTITY),
            Guard::Messages => method == axum::http::Method::POST,
        }
    }
}

/// Middleware: refuses a client address over its limit (429 with Retry-After) and counts
/// the answers that are failed guesses.
pub async fn guard(
    axum::extract::State((state, g)): axum::extract::State<(AppState, Guard)>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    // Staff calling the API with a valid token: their 404s and 422s are work, not guesses,
    // and a lock made by a stranger at the same office address must not stop them.
    let bearer = req.headers().get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    if let Some(token) = bearer {
        if matches!(state.session_user(token.trim(), "api").await, Ok(Some(_))) {
            return next.run(req).await;
        }
    }
    let limiter = g.limiter(&state.throttles);
    let key = client_addr(&state, req.headers(), req.extensions());
    if let Err(r) = limiter.check(&key, state.now()) {
        return ApiError::from(r).into_response();
    }
    let method = req.method().clone();
    let resp = next.run(req).await;
    if g.counts(&method, resp.status()) {
        // Over the limit only from the next request on: this answer is already made.
        let _ = limiter.hit(&key, state.now());
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn locks_after_the_limit_and_opens_after_the_window() {
        let l = Limiter::new(3, chrono::Duration::minutes(15));
        let t0 = chrono::Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap();
        for i in 0..3 {
            assert_eq!(l.hit("a", t0 + chrono::Duration::minutes(i)), Ok(()));
        }
        assert_eq!(l.hit("a", t0 + chrono::Duration::minutes(5)), Err(RetryAfter(600)));
        assert_eq!(l.check("a", t0 + chrono::Duration::minutes(5)), Err(RetryAfter(600)));
        assert_eq!(l.check("b", t0), Ok(()), "another key is not affected");
        assert_eq!(l.hit("a", t0 + chrono::Duration::minutes(15)), Ok(()), "a new window");
        l.clear("a");
        assert_eq!(l.check("a", t0), Ok(()));
    }

    #[test]
    fn stays_bounded_under_a_flood_of_keys() {
        let mut l = Limiter::new(1, chrono::Duration::minutes(1));
        l.capacity = 100;
        let t0 = chrono::Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap();
        for i in 0..1000 {
            l.hit(&i.to_string(), t0).unwrap();
        }
        assert!(l.map.lock().unwrap().len() <= 100);
    }
}
