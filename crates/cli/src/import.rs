//! `motcua import`: procedures from a catalogue file, administrative units from CSV.

use crate::reference::{import_catalogue, parse_units};
use anyhow::{Context, Result};
use motcua_store::Store;
use std::path::Path;

pub async fn procedures(store: &Store, file: &Path) -> Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let report = import_catalogue(store, &text, chrono::Utc::now()).await?;
    println!("Đã nhập: {} mới, {} cập nhật, {} không đổi.", report.inserted, report.updated, report.unchanged);
    Ok(())
}

pub async fn units(store: &Store, file: &Path) -> Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let units = parse_units(&text)?;
    store.upsert_units(&units).await?;
    println!("Đã nhập {} đơn vị hành chính.", units.len());
    Ok(())
}
