//! Reference data shipped with the binary: administrative units after 1 July 2025 and the
//! procedure catalogue (sources in `data/SOURCES.md`).

use anyhow::{bail, Context, Result};
use motcua_core::time::Instant;
use motcua_store::{ImportReport, Store, UnitRow};

pub const ADMIN_UNITS_CSV: &str = include_str!("../../../data/admin-units-2025.csv");
pub const PROCEDURES_JSON: &str = include_str!("../../../data/procedures.json");

/// The reorganisation that created today's units.
pub const REORGANISATION_DAY: &str = "2025-07-01";

/// Parses the units file: one row per commune-level unit, with its province.
pub fn parse_units(csv: &str) -> Result<Vec<UnitRow>> {
    let mut units = Vec::new();
    let mut provinces = std::collections::BTreeMap::new();
    for (i, line) in csv.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(',').collect();
        if f.len() < 8 {
            bail!("admin units line {}: expected 10 columns", i + 1);
        }
        provinces.entry(f[6].to_string()).or_insert_with(|| (f[1].to_string(), f[2].to_string()));
        units.push(UnitRow {
            code: f[7].to_string(),
            name: f[4].to_string(),
            kind: f[5].to_string(),
            parent_code: Some(f[6].to_string()),
            valid_from: REORGANISATION_DAY.into(),
            valid_to: None,
        });
    }
    let mut all: Vec<UnitRow> = provinces
        .into_iter()
        .map(|(code, (name, kind))| UnitRow { code, name, kind, parent_code: None, valid_from: REORGANISATION_DAY.into(), valid_to: None })
        .collect();
    all.extend(units);
    Ok(all)
}

/// Loads the shipped units.
pub async fn load_units(store: &Store) -> Result<usize> {
    let units = parse_units(ADMIN_UNITS_CSV)?;
    store.upsert_units(&units).await?;
    Ok(units.len())
}

/// Imports a catalogue file: every row is validated first and any bad row stops the
/// whole import (reported by line), so nothing is half-applied.
pub async fn import_catalogue(store: &Store, text: &str, now: Instant) -> Result<ImportReport> {
    let good = motcua_core::catalogue::parse_for_import(text, 480).map_err(|bad| anyhow::anyhow!("{} lỗi, không nhập thủ tục nào:\n{}", bad.len(), bad.join("\n")))?;
    store.import_procedures(&good, now, None).await.context("importing procedures")
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_store::StoreOptions;

    async fn store() -> Store {
        let path = std::env::temp_dir().join(format!("motcua-ref-{:016x}.db", rand::random::<u64>()));
        let s = Store::connect(&format!("sqlite://{}", path.display()), &StoreOptions::default()).await.unwrap();
        s.migrate().await.unwrap();
        s
    }

    #[test]
    fn units_file_has_34_provinces_and_3321_communes() {
        let units = parse_units(ADMIN_UNITS_CSV).unwrap();
        assert_eq!(units.iter().filter(|u| u.parent_code.is_none()).count(), 34);
        assert_eq!(units.iter().filter(|u| u.parent_code.is_some()).count(), 3321);
        assert!(units.iter().any(|u| u.code == "22366" && u.name == "Phường Nha Trang" && u.parent_code.as_deref() == Some("56")));
    }

    #[tokio::test]
    async fn shipped_catalogue_imports_and_a_bad_row_applies_nothing() {
        let s = store().await;
        let report = import_catalogue(&s, PROCEDURES_JSON, chrono::Utc::now()).await.unwrap();
        assert!(report.inserted >= 22, "{report:?}");
        let before = s.count_procedures().await.unwrap();
        // One good new procedure and one bad row: the good one must not be imported.
        let file = r#"{"procedures": [
{"code": "8.000001", "name": "Thủ tục mới", "field": "Thử", "level": "xã", "agency": "UBND xã",
 "processing_working_days": 2, "online": "full", "result": "Giấy", "legal_basis": "Luật"},
{"code": "8.000002", "name": "", "field": "Thử", "level": "huyện", "agency": "UBND xã",
 "processing_working_days": -1, "online": "full", "result": "Giấy", "legal_basis": "Luật"}
]}"#;
        let err = import_catalogue(&s, file, chrono::Utc::now()).await.unwrap_err().to_string();
        assert!(err.contains("dòng 4: name"), "{err}");
        assert!(err.contains("dòng 4: level"), "{err}");
        assert!(err.contains("dòng 4: processing_working_days"), "{err}");
        assert_eq!(s.count_procedures().await.unwrap(), before);
        assert!(s.procedure_by_code("8.000001").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn duplicate_codes_in_one_file_are_refused() {
        let s = store().await;
        let row = r#"{"code": "8.1", "name": "A", "field": "F", "level": "xã", "agency": "UBND xã", "processing_working_days": 1, "online": "none", "result": "R", "legal_basis": "L"}"#;
        let err = import_catalogue(&s, &format!("[\n{row},\n{row}\n]"), chrono::Utc::now()).await.unwrap_err().to_string();
        assert!(err.contains("trùng với dòng 2"), "{err}");
        assert_eq!(s.count_procedures().await.unwrap(), 0);
    }
}
