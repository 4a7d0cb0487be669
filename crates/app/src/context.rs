//! The application as a value: what every use case works over (the store, the file
//! store, the clock, the document renderer, the working calendars and the rules in
//! force), with the per-process caches of reference data. Built once by `motcua serve`,
//! `motcua demo` and the tests, and shared by every adapter.

use crate::cache::TtlCache;
use crate::calendars::{CalendarSources, Calendars};
use crate::names::Names;
use crate::ports::{Clock, DocumentRenderer, FileStore};
use motcua_core::calendar::{DeadlineRules, WorkCalendar};
use motcua_core::ids::DossierCodeFormat;
use motcua_core::time::Instant;
use motcua_store::{AgencyRow, ProcedureRow, SessionUser, Store, StoreError};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// The rules an installation is configured with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub code_format: DossierCodeFormat,
    pub rules: DeadlineRules,
    /// The address citizens reach this installation at, printed in receipts and QR codes.
    pub public_url: String,
    /// A demo installation: messages (with their one-time codes) are also written to the
    /// log and shown at `/hop-thu-demo`.
    pub demo_mailbox: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { code_format: DossierCodeFormat::default(), rules: DeadlineRules::default(), public_url: "http://localhost:8080".into(), demo_mailbox: false }
    }
}

/// Everything the use cases share. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub files: Arc<dyn FileStore>,
    pub clock: Arc<dyn Clock>,
    pub documents: Arc<dyn DocumentRenderer>,
    pub settings: Arc<Settings>,
    /// The working calendars in force (national, and agencies' with local days off).
    pub calendars: Arc<RwLock<Calendars>>,
    /// What the calendars are rebuilt from when an administrator saves a schedule.
    pub calendar_sources: Arc<CalendarSources>,
    pub names: Arc<Names>,
    pub caches: Arc<Caches>,
}

/// Per-process caches of hot reference data (see `cache.rs` for the consistency rule).
pub struct Caches {
    /// Session token and kind (`web`, `api`) → the officer, so a request costs no
    /// session queries. Cleared when an account's grants or state change.
    pub sessions: TtlCache<(String, &'static str), SessionUser>,
    pub procedures: TtlCache<String, Arc<ProcedureRow>>,
    pub agencies: TtlCache<String, Arc<AgencyRow>>,
    pub catalogue: TtlCache<(), Arc<Catalogue>>,
    /// Procedure ids by dossiers received (the home page's "most used").
    pub popular: TtlCache<(), Arc<Vec<i64>>>,
    /// Agencies in force on a day, in Vietnamese order of their names.
    pub agencies_on: TtlCache<String, Arc<Vec<AgencyRow>>>,
    /// Dossiers per state of a scope (the queue's counts): counting a large agency's
    /// index costs tens of milliseconds, and every queue view shows them. Cleared by every
    /// dossier change this instance makes.
    pub state_counts: TtlCache<Vec<i64>, Arc<Vec<(String, i64)>>>,
    /// One reload at a time: when the catalogue expires under load, one request reads it
    /// and the others wait for that copy instead of all reading 5,000 rows at once.
    reload: tokio::sync::Mutex<()>,
}

impl Default for Caches {
    fn default() -> Self {
        Caches {
            sessions: TtlCache::new(Duration::from_secs(10), 100_000),
            procedures: TtlCache::new(Duration::from_secs(60), 10_000),
            agencies: TtlCache::new(Duration::from_secs(60), 10_000),
            catalogue: TtlCache::new(Duration::from_secs(60), 1),
            popular: TtlCache::new(Duration::from_secs(300), 1),
            agencies_on: TtlCache::new(Duration::from_secs(60), 4),
            state_counts: TtlCache::new(Duration::from_secs(5), 10_000),
            reload: tokio::sync::Mutex::new(()),
        }
    }
}

/// The whole procedure catalogue with its search text folded once: every catalogue search
/// and the home page read it, and it changes only on import.
pub struct Catalogue {
    pub rows: Vec<ProcedureRow>,
    pub index: Vec<motcua_core::catalogue::Searchable>,
    /// Fields with their number of procedures, in Vietnamese dictionary order.
    pub fields: Vec<(String, usize)>,
    /// Every kind of agency some procedure is received by.
    pub agency_kinds: std::collections::HashSet<String>,
}

impl Catalogue {
    pub fn new(rows: Vec<ProcedureRow>) -> Catalogue {
        let index = rows.iter().map(|r| motcua_core::catalogue::Searchable::of(&r.procedure)).collect();
        let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for r in &rows {
            *counts.entry(r.procedure.field.as_str()).or_default() += 1;
        }
        let mut fields: Vec<(String, usize)> = counts.into_iter().map(|(f, n)| (f.to_string(), n)).collect();
        fields.sort_by_cached_key(|(f, _)| motcua_core::text::sort_key(f));
        let agency_kinds = rows.iter().flat_map(|r| r.procedure.agency_kinds.iter().cloned()).collect();
        Catalogue { rows, index, fields, agency_kinds }
    }
}

impl App {
    /// The application over a store, with empty caches and the national calendar given
    /// (see [`App::reload_calendars`] for agencies' own).
    pub fn new(store: Store, files: Arc<dyn FileStore>, clock: Arc<dyn Clock>, documents: Arc<dyn DocumentRenderer>, calendar: WorkCalendar, settings: Settings) -> Self {
        App {
            store,
            files,
            clock,
            documents,
            settings: Arc::new(settings),
            calendars: Calendars::only(calendar),
            calendar_sources: Arc::default(),
            names: Arc::default(),
            caches: Arc::default(),
        }
    }

    pub fn now(&self) -> Instant {
        self.clock.now()
    }

    /// Today in Vietnam, as stored dates are written (YYYY-MM-DD).
    pub fn today(&self) -> String {
        motcua_core::time::local_date(self.now()).format("%Y-%m-%d").to_string()
    }

    /// The officer of a session token, from the cache or the database.
    pub async fn session_user(&self, token: &str, kind: &'static str) -> Result<Option<SessionUser>, StoreError> {
        let key = (token.to_string(), kind);
        if let Some(u) = self.caches.sessions.get(&key).filter(|u| u.expires_at > self.now()) {
            return Ok(Some(u));
        }
        let user = self.store.session_user(token, kind, self.now()).await?;
        if let Some(u) = &user {
            self.caches.sessions.put(key, u.clone());
        }
        Ok(user)
    }

    /// Ends a session here and in the database.
    pub async fn end_session(&self, token: &str, kind: &'static str) -> Result<(), StoreError> {
        self.caches.sessions.remove(&(token.to_string(), kind));
        self.store.delete_session(token).await
    }

    /// A procedure by code, cached.
    pub async fn procedure(&self, code: &str) -> Result<Option<Arc<ProcedureRow>>, StoreError> {
        if let Some(p) = self.caches.procedures.get(&code.to_string()) {
            return Ok(Some(p));
        }
        let p = self.store.procedure_by_code(code).await?.map(Arc::new);
        if let Some(p) = &p {
            self.caches.procedures.put(code.to_string(), p.clone());
        }
        Ok(p)
    }

    /// An agency by code, cached.
    pub async fn agency(&self, code: &str) -> Result<Option<Arc<AgencyRow>>, StoreError> {
        if let Some(a) = self.caches.agencies.get(&code.to_string()) {
            return Ok(Some(a));
        }
        let a = self.store.agency_by_code(code).await?.map(Arc::new);
        if let Some(a) = &a {
            self.caches.agencies.put(code.to_string(), a.clone());
        }
        Ok(a)
    }

    /// The whole catalogue, cached.
    pub async fn catalogue(&self) -> Result<Arc<Catalogue>, StoreError> {
        if let Some(c) = self.caches.catalogue.get(&()) {
            return Ok(c);
        }
        let _one = self.caches.reload.lock().await;
        if let Some(c) = self.caches.catalogue.get(&()) {
            return Ok(c);
        }
        let c = Arc::new(Catalogue::new(self.store.search_procedures(&[], None, None, i64::MAX).await?));
        self.caches.catalogue.put((), c.clone());
        Ok(c)
    }

    /// The most used procedures' ids, cached for minutes (a ranking, not a live figure).
    pub async fn popular_procedures(&self) -> Result<Arc<Vec<i64>>, StoreError> {
        if let Some(p) = self.caches.popular.get(&()) {
            return Ok(p);
        }
        let _one = self.caches.reload.lock().await;
        if let Some(p) = self.caches.popular.get(&()) {
            return Ok(p);
        }
        let p = Arc::new(self.store.popular_procedures(8).await?.into_iter().map(|(id, _)| id).collect::<Vec<_>>());
        self.caches.popular.put((), p.clone());
        Ok(p)
    }

    /// The agencies in force today, sorted by name in Vietnamese order, cached.
    pub async fn agencies_today(&self) -> Result<Arc<Vec<AgencyRow>>, StoreError> {
        let today = self.today();
        if let Some(a) = self.caches.agencies_on.get(&today) {
            return Ok(a);
        }
        let _one = self.caches.reload.lock().await;
        if let Some(a) = self.caches.agencies_on.get(&today) {
            return Ok(a);
        }
        let mut rows = self.store.agencies_in_force(&today).await?;
        rows.sort_by_cached_key(|a| motcua_core::text::sort_key(&a.name));
        let rows = Arc::new(rows);
        self.caches.agencies_on.put(today, rows.clone());
        Ok(rows)
    }

    /// Dossiers per state of a scope, cached briefly (see `Caches::state_counts`).
    pub async fn state_counts(&self, scope: &[i64]) -> Result<Arc<Vec<(String, i64)>>, StoreError> {
        let key = scope.to_vec();
        if let Some(c) = self.caches.state_counts.get(&key) {
            return Ok(c);
        }
        let c = Arc::new(self.store.count_by_state(scope).await?);
        self.caches.state_counts.put(key, c.clone());
        Ok(c)
    }

    /// After a dossier changes: the counts of every scope it is in may have.
    pub fn dossiers_changed(&self) {
        self.caches.state_counts.clear();
    }
}
