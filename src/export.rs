//! Rows as data: the JSON and CSV that `list`, `members` and the dashboard's `:save` write,
//! written once.

use crate::model::{InvitationRecord, MemberRecord};

/// A format rows are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

impl Format {
    /// The format a file name asks for by its extension, if it asks.
    pub fn of_path(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

fn csv_text(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<String, String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).map_err(|e| e.to_string())?;
    for row in rows {
        writer.write_record(&row).map_err(|e| e.to_string())?;
    }
    let bytes = writer.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

fn json_text(value: &impl serde::Serialize) -> Result<String, String> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    text.push('\n');
    Ok(text)
}

pub fn invitations(records: &[InvitationRecord], format: Format) -> Result<String, String> {
    match format {
        Format::Json => json_text(&records),
        Format::Csv => {
            let header = [
                "service",
                "region",
                "profile",
                "account_id",
                "account_name",
                "administrator_id",
                "invitation_id",
                "graph_arn",
                "invited_at",
                "status",
                "state",
                "details",
            ];
            let rows = records.iter().map(|r| {
                vec![
                    r.service.to_owned(),
                    r.region.to_owned(),
                    r.profile.to_owned(),
                    r.account_id.unwrap_or("").to_owned(),
                    r.account_name.unwrap_or("").to_owned(),
                    r.administrator_id.to_owned(),
                    r.invitation_id.unwrap_or("").to_owned(),
                    r.graph_arn.unwrap_or("").to_owned(),
                    r.invited_at.clone().unwrap_or_default(),
                    r.status.to_owned(),
                    r.state.to_owned(),
                    serde_json::to_string(r.details).unwrap_or_default(),
                ]
            });
            csv_text(&header, rows)
        }
    }
}

pub fn members(records: &[MemberRecord], format: Format) -> Result<String, String> {
    match format {
        Format::Json => json_text(&records),
        Format::Csv => {
            let header = [
                "service",
                "region",
                "profile",
                "administrator_id",
                "account_id",
                "email",
                "status",
                "state",
                "invited_at",
                "updated_at",
            ];
            let rows = records.iter().map(|m| {
                vec![
                    m.service.to_owned(),
                    m.region.to_owned(),
                    m.profile.to_owned(),
                    m.administrator_id.to_owned(),
                    m.account_id.to_owned(),
                    m.email.unwrap_or("").to_owned(),
                    m.status.to_owned(),
                    m.state.to_owned(),
                    m.invited_at.clone().unwrap_or_default(),
                    m.updated_at.clone().unwrap_or_default(),
                ]
            });
            csv_text(&header, rows)
        }
    }
}
