//! `guestlist members`: the members of every identity that administers, for scripts.

use std::io::{self, Write};
use std::process::ExitCode;

use super::output;
use crate::cli::{ListArgs, OutputFormat, Selection};
use crate::export::{self, Format};
use crate::fetch;
use crate::model::AwsError;
use crate::model::{Member, MemberRecord, SourceId};
use crate::plan::Plan;
use crate::session;

/// Every member of every source, and the sources that could not be listed.
#[derive(Debug, Default)]
pub struct MembersListing {
    pub members: Vec<Member>,
    pub failures: Vec<(SourceId, AwsError)>,
    /// Sources in regions the account has not enabled: nothing there to list.
    pub not_enabled: Vec<SourceId>,
    pub sources: usize,
}

impl MembersListing {
    pub fn exit_code(&self) -> u8 {
        output::exit_code(self.failures.len(), self.sources)
    }
}

pub async fn collect(plan: &Plan) -> MembersListing {
    let results = futures_util::future::join_all(plan.sources.iter().map(|source| async move {
        let identity = plan
            .identities
            .iter()
            .find(|i| i.profile == source.id.profile)
            .map(|i| &i.config);
        let members = fetch::all_members(source, identity, plan.limits).await;
        (source.id.clone(), members)
    }))
    .await;
    let mut listing = MembersListing {
        sources: plan.sources.len(),
        ..MembersListing::default()
    };
    for (source, result) in results {
        match result {
            Ok(members) => listing.members.extend(members),
            Err(error) if !error.is_failure() => listing.not_enabled.push(source),
            Err(error) => listing.failures.push((source, error)),
        }
    }
    listing.members.sort_by(|a, b| {
        (&a.profile, a.service, &a.region, &a.account_id).cmp(&(
            &b.profile,
            b.service,
            &b.region,
            &b.account_id,
        ))
    });
    listing
}

pub fn print(
    listing: &MembersListing,
    output: OutputFormat,
    out: &mut impl Write,
) -> io::Result<()> {
    let format = match output {
        OutputFormat::Json => Format::Json,
        OutputFormat::Csv => Format::Csv,
        OutputFormat::Table => return print_table(listing, out),
    };
    let records: Vec<MemberRecord> = listing.members.iter().map(MemberRecord::new).collect();
    export::write_members(&records, format, out)
}

fn print_table(listing: &MembersListing, out: &mut impl Write) -> io::Result<()> {
    if listing.members.is_empty() {
        return writeln!(
            out,
            "No members: no selected identity administers a hub, detector, graph or Macie with members."
        );
    }
    // With several identities, which one administers each member.
    let several = listing
        .members
        .iter()
        .any(|m| m.profile != listing.members[0].profile);
    let rows: Vec<Vec<String>> = listing
        .members
        .iter()
        .map(|m| {
            let mut row = vec![m.service.display_name().to_owned(), m.region.clone()];
            if several {
                row.push(m.profile.clone());
            }
            row.extend([
                m.administrator_id.clone(),
                m.account_id.clone(),
                m.email.clone().unwrap_or_default(),
                m.status.clone(),
            ]);
            row
        })
        .collect();
    let mut header = vec!["SERVICE", "REGION"];
    if several {
        header.push("PROFILE");
    }
    header.extend(["ADMINISTRATOR", "MEMBER", "EMAIL", "STATUS"]);
    output::write_columns(out, &header, &rows)
}

pub async fn run(selection: &Selection, args: &ListArgs) -> io::Result<ExitCode> {
    let options = super::looking();
    let session = match session::prepare_whole(selection, &options).await {
        Ok(session) => session,
        Err(error) => return Ok(output::refuse(error)),
    };
    let mut listing = collect(&session.plan).await;
    listing.members.retain(|m| args.shows(m.normalised()));
    for (source, error) in &listing.failures {
        output::warn(format_args!(
            "error: {} {} (profile {}): {}: {}",
            source.service.id(),
            source.region,
            source.profile,
            error.code,
            error.message
        ));
    }
    output::to_stdout(|mut out| print(&listing, args.output, &mut out))?;
    Ok(ExitCode::from(listing.exit_code()))
}
