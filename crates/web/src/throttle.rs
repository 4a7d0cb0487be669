//! Limits on guessing: sign-in failures per account and per address, and the public
//! lookups, sign-up and password reset per address. Counted in this process with the
//! injected clock; a deployment of N servers behind a balancer allows up to N times the
//! limit, which still turns a guessing attack from hours into years.

use crate::state::AppState;
use crate::error::ApiError;
use axum::extract::ConnectInfo;
use motcua_core::time::Instant;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
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
    /// Failed sign-ins per account from one client address: the lock a guesser meets. Per
    /// address, so that a stranger's failures do not lock the officer out everywhere.
    pub sign_in_account: Limiter,
    /// Failed sign-ins per account from every address together: a much higher bound that
    /// keeps a guesser spread over many addresses slow (a lock for everyone only then).
    pub sign_in_account_anywhere: Limiter,
    /// Failed sign-ins per client address, whatever the account.
    pub sign_in_address: Limiter,
    /// Failed public lookups (dossier code + phone/ID, feedback code) per address.
    pub lookup_address: Limiter,
    /// Failed applicant lookups per dossier (or per code typed, when there is none), from
    /// every address: guesses spread over many addresses at one dossier.
    pub lookup_dossier: Limiter,
    /// Failed applicant lookups per phone or ID number, from every address: with a victim's
    /// phone, dossier codes are sequential enough to scan.
    pub lookup_secret: Limiter,
    /// Sign-ups, code requests and password resets per address (each may send an SMS).
    pub messages_address: Limiter,
    /// Anonymous online submissions and complaints per address (signed-in citizens and
    /// officers are not counted: they answer for what they send).
    pub anonymous_address: Limiter,
}

/// How many attempts, in how long.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub sign_in_per_account: u32,
    pub sign_in_per_account_anywhere: u32,
    pub sign_in_per_address: u32,
    pub lookups_per_address: u32,
    pub lookups_per_dossier: u32,
    pub lookups_per_secret: u32,
    pub messages_per_address: u32,
    pub window: chrono::Duration,
    pub anonymous_per_address: u32,
    pub anonymous_window: chrono::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            sign_in_per_account: 5,
            // 50 in 15 minutes is 4,800 guesses a day at most against one account, whose
            // password is at least 10 characters and not among the 10,000 most common.
            sign_in_per_account_anywhere: 50,
            sign_in_per_address: 30,
            lookups_per_address: 20,
            lookups_per_dossier: 10,
            lookups_per_secret: 5,
            messages_per_address: 10,
            window: chrono::Duration::minutes(15),
            anonymous_per_address: 10,
            anonymous_window: chrono::Duration::hours(1),
        }
    }
}

impl Throttles {
    pub fn new(l: Limits) -> Self {
        Throttles {
            sign_in_account: Limiter::new(l.sign_in_per_account, l.window),
            sign_in_account_anywhere: Limiter::new(l.sign_in_per_account_anywhere, l.window),
            sign_in_address: Limiter::new(l.sign_in_per_address, l.window),
            lookup_address: Limiter::new(l.lookups_per_address, l.window),
            lookup_dossier: Limiter::new(l.lookups_per_dossier, l.window),
            lookup_secret: Limiter::new(l.lookups_per_secret, l.window),
            messages_address: Limiter::new(l.messages_per_address, l.window),
            anonymous_address: Limiter::new(l.anonymous_per_address, l.anonymous_window),
        }
    }

    /// Before checking a password: refused while the account is locked for this address
    /// (or, after very many failures, everywhere), whether or not it exists (a lock must
    /// not tell which accounts do).
    pub fn may_sign_in(&self, account: &str, addr: &ClientAddr, now: Instant) -> Result<(), ApiError> {
        self.sign_in_account.check(&format!("{account} {}", addr.0), now)?;
        Ok(self.sign_in_account_anywhere.check(account, now)?)
    }

    /// After checking it: a failure counts towards both locks, a success forgets this
    /// address's failures (not the account-wide count, which only time lowers).
    pub fn signed_in(&self, account: &str, addr: &ClientAddr, ok: bool, now: Instant) {
        let key = format!("{account} {}", addr.0);
        if ok {
            self.sign_in_account.clear(&key);
        } else {
            let _ = self.sign_in_account.hit(&key, now);
            let _ = self.sign_in_account_anywhere.hit(account, now);
        }
    }

    /// An applicant's code and secret: refused while the dossier (or the code typed) or the
    /// secret is over its limit, whatever the answer would be; a failure counts for both.
    /// `dossier` names the dossier found under the code (by id, so its provisional
    /// reference and its code share a counter), `None` when there is none.
    pub fn applicant_guess(&self, code: &str, dossier: Option<i64>, secret: &str, now: Instant, proven: impl FnOnce() -> bool) -> Result<bool, ApiError> {
        let dossier_key = match dossier {
            Some(id) => format!("dossier {id}"),
            None => format!("code {}", code.trim().chars().take(80).collect::<String>().to_uppercase()),
        };
        let secret_key = secret_key(secret);
        self.lookup_dossier.check(&dossier_key, now)?;
        if let Some(k) = &secret_key {
            self.lookup_secret.check(k, now)?;
        }
        let ok = proven();
        if !ok {
            let _ = self.lookup_dossier.hit(&dossier_key, now);
            if let Some(k) = &secret_key {
                let _ = self.lookup_secret.hit(k, now);
            }
        }
        Ok(ok)
    }

    /// Before an anonymous submission or complaint from this address.
    pub fn may_send_anonymously(&self, addr: &ClientAddr, now: Instant) -> Result<(), ApiError> {
        Ok(self.anonymous_address.check(&addr.0, now)?)
    }

    /// After one was accepted.
    pub fn sent_anonymously(&self, addr: &ClientAddr, now: Instant) {
        let _ = self.anonymous_address.hit(&addr.0, now);
    }

    /// Before a lookup made outside the lookup routes (a complaint naming a dossier code):
    /// refused while the address is over the lookup limit, whatever the code.
    pub fn may_look_up(&self, addr: &ClientAddr, now: Instant) -> Result<(), ApiError> {
        Ok(self.lookup_address.check(&addr.0, now)?)
    }

    /// Such a lookup found nothing: it counts as a failed guess.
    pub fn failed_lookup(&self, addr: &ClientAddr, now: Instant) {
        let _ = self.lookup_address.hit(&addr.0, now);
    }
}

/// The counter of a secret: a phone number in its stored form (so spellings of one number
/// share it), else the ID number as typed. None for a blank secret.
fn secret_key(secret: &str) -> Option<String> {
    let s = secret.trim();
    if s.is_empty() {
        return None;
    }
    let s = motcua_core::ids::Phone::parse(s).map(|p| p.as_str().to_string()).unwrap_or_else(|_| s.chars().take(40).collect());
    Some(format!("secret {s}"))
}

impl From<RetryAfter> for ApiError {
    fn from(r: RetryAfter) -> Self {
        ApiError::TooMany(r.0)
    }
}

/// The key of a client address. An IPv6 host is usually given a whole /64, so each of its
/// addresses would otherwise be a fresh counter: the /64 is the unit. IPv4-mapped IPv6
/// addresses count as the IPv4 address they carry.
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{}/64", std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// The client's address: the socket's peer, or, behind a reverse proxy, the header the
/// proxy sets (`--client-ip-header`), which a client could forge if it reached us directly.
fn client_addr(state: &AppState, headers: &axum::http::HeaderMap, extensions: &axum::http::Extensions) -> ClientAddr {
    if let Some(h) = &state.config.client_ip_header {
        if let Some(v) = headers.get(h.as_str()).and_then(|v| v.to_str().ok()) {
            // X-Forwarded-For lists the hops; the proxy appends the client it saw last.
            if let Some(ip) = v.rsplit(',').next().map(str::trim).filter(|s| !s.is_empty()) {
                return ClientAddr(ip.parse::<IpAddr>().map(address_key).unwrap_or_else(|_| ip.chars().take(64).collect()));
            }
        }
    }
    ClientAddr(extensions.get::<ConnectInfo<SocketAddr>>().map(|c| address_key(c.0.ip())).unwrap_or_else(|| "-".into()))
}

/// Where a request comes from, as the limits count it (see [`address_key`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddr(pub String);

impl axum::extract::FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(client_addr(state, &parts.headers, &parts.extensions))
    }
}

/// Which limit a group of routes is under, and which answers count against it.
#[derive(Debug, Clone, Copy)]
pub enum Guard {
    /// Sign-in forms and the API token: a 401 is a failed guess.
    SignIn,
    /// Lookups by code and secret, and one-time codes: a 404, 401, 403 or 422 is a failed
    /// guess (a wrong code and a wrong secret answer alike).
    Lookup,
    /// The API's lookups, where a valid staff token takes the secret's place: its holder
    /// reads as staff and guesses nothing (a dossier outside their scope answers 404 whether
    /// it exists or not), so a stranger's failures at their office address do not stop them.
    /// Without a valid token, as [`Guard::Lookup`].
    LookupOrToken,
    /// Sign-up, code requests and password resets: every submission counts, as each may
    /// send a message to someone's phone.
    Messages,
}

impl Guard {
    fn limiter(self, t: &Throttles) -> &Limiter {
        match self {
            Guard::SignIn => &t.sign_in_address,
            Guard::Lookup | Guard::LookupOrToken => &t.lookup_address,
            Guard::Messages => &t.messages_address,
        }
    }

    fn counts(self, method: &axum::http::Method, status: axum::http::StatusCode) -> bool {
        use axum::http::StatusCode as S;
        match self {
            Guard::SignIn => status == S::UNAUTHORIZED,
            Guard::Lookup | Guard::LookupOrToken => matches!(status, S::NOT_FOUND | S::UNAUTHORIZED | S::FORBIDDEN | S::UNPROCESSABLE_ENTITY),
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
    // Only where the token is what the handler acts on: a public form that ignores it
    // (sign-in, sign-up, the lookup pages) counts whoever calls it.
    if matches!(g, Guard::LookupOrToken) {
        let bearer = req.headers().get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        if let Some(token) = bearer {
            if matches!(state.session_user(token.trim(), "api").await, Ok(Some(_))) {
                return next.run(req).await;
            }
        }
    }
    let limiter = g.limiter(&state.throttles);
    let key = client_addr(&state, req.headers(), req.extensions()).0;
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
    fn ipv6_addresses_in_one_64_share_a_limit() {
        let key = |s: &str| address_key(s.parse().unwrap());
        assert_eq!(key("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:ffff:ffff:ffff:ffff"), key("2001:db8:1:2::1"), "one /64, one counter");
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"), "the next /64 is another");
        assert_eq!(key("::ffff:203.0.113.7"), "203.0.113.7", "an IPv4-mapped address is the IPv4 one");
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
        let l = Limiter::new(2, chrono::Duration::minutes(15));
        let t0 = chrono::Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap();
        for host in ["2001:db8:1:2::1", "2001:db8:1:2::2"] {
            l.hit(&key(host), t0).unwrap();
        }
        assert!(l.check(&key("2001:db8:1:2:abcd::9"), t0).is_err(), "a third address of the /64 is already limited");
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
