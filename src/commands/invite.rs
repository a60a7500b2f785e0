//! `guestlist invite`: create and invite members, from a script or a shell.

use std::process::ExitCode;

use super::{ask, output};
use crate::cli::{InviteArgs, Selection};
use crate::invitees;
use crate::model::{Actor, Invitee};
use crate::plan::Plan;
use crate::session;

/// The invitees of `guestlist invite`, checked before any request; an error says all that is wrong.
pub fn checked_invitees(selection: &Selection, args: &InviteArgs) -> Result<Vec<Invitee>, String> {
    let mut text = args.accounts.join("\n");
    if let Some(path) = &args.accounts_file {
        let file = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        text.push('\n');
        text.push_str(&file);
    }
    let parsed = invitees::parse(&text, args.email.as_deref());
    if !parsed.errors.is_empty() {
        return Err(parsed.errors.join("; "));
    }
    if parsed.invitees.is_empty() {
        return Err("no account to invite: pass --account or --accounts-file".into());
    }
    if !parsed.duplicates.is_empty() {
        output::warn(format_args!(
            "note: listed more than once, invited once: {}",
            parsed.duplicates.join(", ")
        ));
    }
    if let Some(message) = &args.message
        && !(1..=1000).contains(&message.chars().count())
    {
        return Err("--message is 1 to 1000 characters".into());
    }
    for service in crate::plan::services_or_all(&selection.services) {
        invitees::check_for(service, &parsed.invitees)?;
    }
    Ok(parsed.invitees)
}

/// Invites every invitee in every selected source; prints one line per account and source.
pub async fn invite(plan: &Plan, invitees: &[Invitee], message: Option<&str>) -> u8 {
    let mut failed = 0;
    let mut done = 0;
    let accounts = plan.accounts().await;
    for source in &plan.sources {
        let actor = Actor {
            account: accounts.get(&source.id.profile).cloned(),
        };
        for outcome in source
            .adapter()
            .invite(crate::model::Invites { invitees, message }, &actor)
            .await
        {
            match outcome.result {
                Ok(()) => {
                    done += 1;
                    output::say(format_args!(
                        "invited {} in {} {} (profile {})",
                        outcome.key, source.id.service, source.id.region, source.id.profile
                    ));
                }
                Err(reason) => {
                    failed += 1;
                    output::warn(format_args!(
                        "error: {} in {} {} (profile {}): {reason}",
                        outcome.key, source.id.service, source.id.region, source.id.profile
                    ));
                }
            }
        }
    }
    match (done, failed) {
        (_, 0) => 0,
        (0, _) => 1,
        _ => 2,
    }
}

pub async fn run(selection: &Selection, args: &InviteArgs) -> ExitCode {
    // Everything is checked before the first request, even before the audit log is opened.
    let invitees = match checked_invitees(selection, args) {
        Ok(invitees) => invitees,
        Err(error) => {
            output::warn(format_args!("guestlist invite: {error}"));
            return ExitCode::from(1);
        }
    };
    if selection.regions.iter().any(|r| r == "all") && !args.yes {
        output::warn(format_args!(
            "guestlist invite: inviting in every region needs --yes"
        ));
        return ExitCode::from(1);
    }
    let options = match super::adapter_options(selection) {
        Ok(options) => options,
        Err(error) => return output::refuse(error),
    };
    let session = match session::prepare_whole(selection, &options).await {
        Ok(session) => session,
        Err(error) => return output::refuse(error),
    };
    let what = format!("Invite {} account(s) as members", invitees.len());
    if let Some(code) = ask::before_changing("invite", &what, &session.plan, args.yes) {
        return code;
    }
    ExitCode::from(invite(&session.plan, &invitees, args.message.as_deref()).await)
}
