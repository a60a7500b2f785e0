//! Rows as data: the JSON and CSV that `list`, `members` and the dashboard's `:save` write,
//! written once.

use std::io::{self, Write};

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

fn write_csv(
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    out: impl Write,
) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(&row)?;
    }
    writer.flush()
}

fn write_json(value: &impl serde::Serialize, out: impl Write) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut out, value)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// What `write` writes, as text.
fn text(write: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> Result<String, String> {
    let mut bytes = Vec::new();
    write(&mut bytes).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

pub fn invitations(records: &[InvitationRecord], format: Format) -> Result<String, String> {
    text(|out| write_invitations(records.iter(), format, out))
}

pub fn members(records: &[MemberRecord], format: Format) -> Result<String, String> {
    text(|out| write_members(records, format, out))
}

/// A sequence serialized as it is made, once: no list of every record is built first.
struct Streamed<I>(std::cell::Cell<Option<I>>);

impl<I> serde::Serialize for Streamed<I>
where
    I: Iterator,
    I::Item: serde::Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.take().into_iter().flatten())
    }
}

/// [`invitations`], written to `out` as each record is made: a listing of a whole
/// organization is never held twice, once as rows and again as records or text.
pub fn write_invitations<'a, R>(
    records: impl Iterator<Item = R>,
    format: Format,
    out: impl Write,
) -> io::Result<()>
where
    R: std::borrow::Borrow<InvitationRecord<'a>> + serde::Serialize,
{
    match format {
        Format::Json => write_json(&Streamed(std::cell::Cell::new(Some(records))), out),
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
                "trust",
                "details",
            ];
            let rows = records.map(|r| {
                let r = r.borrow();
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
                    r.trust.to_owned(),
                    serde_json::to_string(r.details).unwrap_or_default(),
                ]
            });
            write_csv(&header, rows, out)
        }
    }
}

pub fn write_members(records: &[MemberRecord], format: Format, out: impl Write) -> io::Result<()> {
    match format {
        Format::Json => write_json(&records, out),
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
            write_csv(&header, rows, out)
        }
    }
}
