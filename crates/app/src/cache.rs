//! Small in-process caches with a time to live, for data read on every request that
//! changes rarely (sessions, procedures, agencies). Each instance of a multi-server
//! deployment caches on its own, so a change elsewhere shows within the TTL; a change
//! made through this instance invalidates its own entry at once.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct TtlCache<K, V> {
    ttl: Duration,
    max: usize,
    map: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash, V: Clone> TtlCache<K, V> {
    pub fn new(ttl: Duration, max: usize) -> Self {
        TtlCache { ttl, max, map: Mutex::new(HashMap::new()) }
    }

    pub fn get(&self, k: &K) -> Option<V> {
        let map = self.map.lock().ok()?;
        map.get(k).filter(|(at, _)| at.elapsed() < self.ttl).map(|(_, v)| v.clone())
    }

    pub fn put(&self, k: K, v: V) {
        if let Ok(mut map) = self.map.lock() {
            if map.len() >= self.max {
                // Crude but bounded: drop expired entries, and everything if still full.
                let ttl = self.ttl;
                map.retain(|_, (at, _)| at.elapsed() < ttl);
                if map.len() >= self.max {
                    map.clear();
                }
            }
            map.insert(k, (Instant::now(), v));
        }
    }

    /// Forgets everything (after an administrative change that touches many entries).
    pub fn clear(&self) {
        if let Ok(mut map) = self.map.lock() {
            map.clear();
        }
    }

    pub fn remove(&self, k: &K) {
        if let Ok(mut map) = self.map.lock() {
            map.remove(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_size_is_bounded() {
        let c = TtlCache::new(Duration::from_millis(30), 2);
        c.put(1, "a");
        assert_eq!(c.get(&1), Some("a"));
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(c.get(&1), None);
        c.put(2, "b");
        c.put(3, "c");
        c.put(4, "d");
        assert_eq!(c.get(&4), Some("d"));
        assert!(c.map.lock().unwrap().len() <= 2);
        c.remove(&4);
        assert_eq!(c.get(&4), None);
    }
}
