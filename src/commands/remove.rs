//! `guestlist remove`: disassociate and delete members, from a script or a shell (the
//! dashboard's `x`).

use std::process::ExitCode;

use super::{ask, output};
use crate::cli::{RemoveArgs, Selection};
use crate::model::Actor;
use crate::plan::Plan;
use crate::session;
use crate::validate::is_account_id;

/// The member accounts named, checked before any request.
pub fn checked_accounts(args: &RemoveArgs) -> Result<Vec<String>, String> {
    let mut accounts: Vec<String> = Vec::new();
    for account in &args.accounts {
        if !is_account_id(account) {
            return Err(format!(
                "'{account}' is not an account id of exactly 12 digits"
            ));
        }
        if !accounts.contains(account) {
            accounts.push(account.clone());
        }
    }
    if accounts.is_empty() {
        return Err("no member to remove: pass --account".into());
    }
    Ok(accounts)
}

/// Removes the accounts in every selected source; one line per account and source.
pub async fn remove(plan: &Plan, accounts: &[String]) -> u8 {
    let (mut done, mut failed) = (0, 0);
    let identities = plan.accounts().await;
    for source in &plan.sources {
        let actor = Actor {
            account: identities.get(&source.id.profile).cloned(),
        };
        for outcome in source.adapter().remove_members(accounts, &actor).await {
            let place = format!(
                "{} {} (profile {})",
                source.id.service, source.id.region, source.id.profile
            );
            match outcome.result {
                Ok(()) => {
                    done += 1;
                    output::say(format_args!("removed {} in {place}", outcome.key));
                }
                Err(reason) => {
                    failed += 1;
                    output::warn(format_args!("error: {} in {place}: {reason}", outcome.key));
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

pub async fn run(selection: &Selection, args: &RemoveArgs) -> ExitCode {
    let accounts = match checked_accounts(args) {
        Ok(accounts) => accounts,
        Err(error) => {
            output::warn(format_args!("guestlist remove: {error}"));
            return ExitCode::from(1);
        }
    };
    // Removing everywhere at once is too easy to type by mistake to do on a terminal's yes.
    if selection.regions.is_empty() {
        output::warn(format_args!(
            "guestlist remove: name the regions (--region R, or all with --yes)"
        ));
        return ExitCode::from(1);
    }
    if selection.regions.iter().any(|r| r == "all") && !args.yes {
        output::warn(format_args!(
            "guestlist remove: removing in every region needs --yes"
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
    let what = format!(
        "Remove {} as member(s) (disassociate, then delete)",
        accounts.join(", ")
    );
    if let Some(code) = ask::before_changing("remove", &what, &session.plan, args.yes) {
        return code;
    }
    ExitCode::from(remove(&session.plan, &accounts).await)
}
