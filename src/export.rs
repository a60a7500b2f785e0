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
    text(|out| write_invitations(records, InvitationRecord::clone, format, out))
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

/// [`invitations`], written to `out`, each record made as it is written: a listing of a whole
/// organization is never held twice, once as rows and again as records or text. CSV rows are
/// rendered on every core, a batch at a time ([`in_parallel`]).
pub fn write_invitations<'a, T: Sync>(
    items: &'a [T],
    record: impl Fn(&'a T) -> InvitationRecord<'a> + Sync,
    format: Format,
    mut out: impl Write,
) -> io::Result<()> {
    match format {
        Format::Json => write_json(
            &Streamed(std::cell::Cell::new(Some(items.iter().map(&record)))),
            out,
        ),
        Format::Csv => {
            // The header as every table's; the rows after it, rendered in parallel.
            write_csv(
                &INVITATION_COLUMNS,
                std::iter::empty::<[&str; 0]>(),
                &mut out,
            )?;
            in_parallel(
                items,
                |part, bytes| csv_rows(part.iter().map(&record), bytes),
                out,
            )
        }
    }
}

const INVITATION_COLUMNS: [&str; 13] = [
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

/// `records` as CSV rows, without the header.
fn csv_rows<'a>(
    records: impl Iterator<Item = InvitationRecord<'a>>,
    bytes: &mut Vec<u8>,
) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(bytes);
    // One buffer for every row's details: a quarter of a million rows, an allocation each.
    let mut details = Vec::new();
    for r in records {
        details.clear();
        serde_json::to_writer(&mut details, r.details)?;
        let text = |field: Option<&'a str>| field.unwrap_or("").as_bytes();
        let row: [&[u8]; 13] = [
            r.service.as_bytes(),
            r.region.as_bytes(),
            r.profile.as_bytes(),
            text(r.account_id),
            text(r.account_name),
            r.administrator_id.as_bytes(),
            text(r.invitation_id),
            text(r.graph_arn),
            r.invited_at.as_deref().unwrap_or("").as_bytes(),
            r.status.as_bytes(),
            r.state.as_bytes(),
            r.trust.as_bytes(),
            &details,
        ];
        writer.write_record(row)?;
    }
    writer.flush()
}

/// How many rows one thread renders at a time: enough that starting the threads costs little,
/// few enough that the text waiting to be written stays a few megabytes.
const BATCH: usize = 4096;

/// `items` rendered by `render` on every core, a batch each at a time, and written to `out`
/// in their order: a whole organization's quarter of a million rows took most of a second on
/// one core, after the last page had arrived, while the others had nothing left to do.
fn in_parallel<'a, T: Sync>(
    items: &'a [T],
    render: impl Fn(&'a [T], &mut Vec<u8>) -> io::Result<()> + Sync,
    mut out: impl Write,
) -> io::Result<()> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let mut rendered: Vec<Vec<u8>> = vec![Vec::new(); threads];
    for round in items.chunks(BATCH * threads) {
        let parts = round.chunks(round.len().div_ceil(threads));
        std::thread::scope(|scope| {
            let mut parts = parts.zip(rendered.iter_mut());
            // The first part on this thread, the others each on one of their own.
            let here = parts.next();
            let others: Vec<_> = parts
                .map(|(part, bytes)| scope.spawn(|| render(part, bytes)))
                .collect();
            let mut result = here.map_or(Ok(()), |(part, bytes)| render(part, bytes));
            for other in others {
                let done = other
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                result = result.and(done);
            }
            result
        })?;
        for bytes in &mut rendered {
            out.write_all(bytes)?;
            bytes.clear();
        }
    }
    out.flush()
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
        write_invitations(
            &[record.clone(), record],
            InvitationRecord::clone,
            Format::Csv,
            &mut out,
        )
        .unwrap();
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

    #[test]
    fn csv_rendered_in_parallel_rounds_keeps_every_row_in_order() {
        let details = Details::SecurityHub {};
        // Rounds of every thread's batch, the last one short of a thread's.
        let ids: Vec<String> = (0..BATCH * 5 + 7).map(|i| format!("{i:012}")).collect();
        fn record<'a>(id: &'a str, details: &'a Details) -> InvitationRecord<'a> {
            InvitationRecord {
                service: "securityhub",
                region: "us-east-1",
                profile: "prod",
                account_id: None,
                account_name: None,
                administrator_id: "111122223333",
                invitation_id: Some(id),
                graph_arn: None,
                invited_at: None,
                status: "Invited",
                state: "pending",
                trust: "unknown",
                details,
            }
        }
        let mut out = Vec::new();
        write_invitations(&ids, |id| record(id, &details), Format::Csv, &mut out).unwrap();
        let mut reader = csv::Reader::from_reader(out.as_slice());
        let written: Vec<String> = reader
            .records()
            .map(|row| row.unwrap()[6].to_owned())
            .collect();
        assert_eq!(written, ids);
    }
}
