//! Rows as data: the JSON and CSV that `list`, `members` and the dashboard's `:save` write,
//! written once.

use std::borrow::Cow;
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

fn write_csv<R>(header: &[&str], rows: impl Iterator<Item = R>, out: impl Write) -> io::Result<()>
where
    R: IntoIterator,
    R::Item: AsRef<str>,
{
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(header)?;
    for row in rows {
        for field in row {
            writer.write_field(field.as_ref())?;
        }
        // An empty record after its fields ends the row.
        writer.write_record(None::<&[u8]>)?;
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
            // Borrowed fields and a fixed-size row: a listing of a whole organization is a
            // quarter of a million rows, and a dozen allocations each showed in its wall time.
            let rows = records.map(|r| {
                let r = r.borrow();
                let text = |field: Option<&'a str>| Cow::Borrowed(field.unwrap_or(""));
                [
                    Cow::Borrowed(r.service),
                    Cow::Borrowed(r.region),
                    Cow::Borrowed(r.profile),
                    text(r.account_id),
                    text(r.account_name),
                    Cow::Borrowed(r.administrator_id),
                    text(r.invitation_id),
                    text(r.graph_arn),
                    Cow::Owned(r.invited_at.clone().unwrap_or_default()),
                    Cow::Borrowed(r.status),
                    Cow::Borrowed(r.state),
                    Cow::Borrowed(r.trust),
                    Cow::Owned(serde_json::to_string(r.details).unwrap_or_default()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Details;

    #[test]
    fn csv_rows_quote_what_needs_quoting_and_read_back_as_written() {
        let details = Details::GuardDuty {
            invited_at_raw: Some("Tue, 1 Dec \"2026\"".into()),
        };
        let record = InvitationRecord {
            service: "guardduty",
            region: "eu-west-1",
            profile: "prod",
            account_id: Some("444455556666"),
            account_name: Some("Acme, Inc.\nlegal"),
            administrator_id: "111122223333",
            invitation_id: None,
            graph_arn: None,
            invited_at: Some("2026-12-01T00:00:00Z".into()),
            status: "Invited",
            state: "pending",
            trust: "unknown",
            details: &details,
        };
        let mut out = Vec::new();
        write_invitations([&record, &record].into_iter(), Format::Csv, &mut out).unwrap();
        let mut reader = csv::Reader::from_reader(out.as_slice());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2);
        let row: Vec<&str> = rows[0].iter().collect();
        assert_eq!(
            row,
            [
                "guardduty",
                "eu-west-1",
                "prod",
                "444455556666",
                "Acme, Inc.\nlegal",
                "111122223333",
                "",
                "",
                "2026-12-01T00:00:00Z",
                "Invited",
                "pending",
                "unknown",
                r#"{"invited_at_raw":"Tue, 1 Dec \"2026\""}"#,
            ]
        );
        assert_eq!(rows[0], rows[1]);
    }
}
