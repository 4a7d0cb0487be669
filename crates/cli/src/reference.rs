//! Reference data shipped with the binary: administrative units after 1 July 2025 and the
//! procedure catalogue (sources in `data/SOURCES.md`).

use anyhow::{bail, Context, Result};
use motcua_core::catalogue::parse_file;
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
    let rows = parse_file(text, 480).map_err(|(line, msg)| anyhow::anyhow!("dòng {line}: {msg}"))?;
    let mut good = Vec::with_capacity(rows.len());
    let mut bad = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for row in rows {
        match row.result {
            Ok(p) => {
                if let Some(first) = seen.insert(p.code.clone(), row.line) {
                    bad.push(format!("dòng {}: code: mã thủ tục {} trùng với dòng {first}", row.line, p.code));
                }
                good.push(p);
            }
            Err(errs) => {
                for e in errs.0 {
                    bad.push(format!("dòng {}: {}: {}", row.line, if e.path.is_empty() { "(bản ghi)" } else { &e.path }, e.message));
                }
            }
        }
    }
    if !bad.is_empty() {
        bail!("{} lỗi, không nhập thủ tục nào:\n{}", bad.len(), bad.join("\n"));
    }
    store.import_procedures(&good, now).await.context("importing procedures")
}
