//! The administrator's coverage: for each account that should be a member (the roster), its
//! state in each service and region the administrator looks at.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{AwsError, Member, ServiceKind, SourceId};

/// An account that should be a member, with what is known of it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RosterAccount {
    pub id: String,
    pub email: Option<String>,
    pub name: Option<String>,
}

/// A roster account's state in one service and region, for this administrator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CellState {
    /// A member, monitored: nothing to do.
    Enabled,
    /// Invited, not answered yet.
    Invited,
    /// Created as a member, never invited.
    Created,
    /// Its email being verified (GuardDuty, Detective, Macie).
    Verifying,
    /// Its email did not match the account's.
    VerificationFailed,
    /// The member left.
    Resigned,
    /// The administrator removed it (disassociated).
    Removed,
    /// GuardDuty: the administrator stopped monitoring it.
    Disabled,
    /// Detective: accepted, but not ingesting (its data volume, say).
    AcceptedButDisabled,
    /// Macie: the member paused it.
    Paused,
    /// Macie: the member's account has not enabled the region.
    RegionDisabled,
    /// Macie: the member's account is suspended.
    AccountSuspended,
    /// A member of another administrator here (seen from its own side): it answers to one
    /// administrator at a time.
    OtherAdministrator,
    /// Not a member here at all.
    Absent,
    /// The administrator's list here could not be read: the state is not known.
    Unknown,
}

impl CellState {
    pub const ALL: [CellState; 15] = [
        CellState::Enabled,
        CellState::Invited,
        CellState::Created,
        CellState::Verifying,
        CellState::VerificationFailed,
        CellState::Resigned,
        CellState::Removed,
        CellState::Disabled,
        CellState::AcceptedButDisabled,
        CellState::Paused,
        CellState::RegionDisabled,
        CellState::AccountSuspended,
        CellState::OtherAdministrator,
        CellState::Absent,
        CellState::Unknown,
    ];

    /// The state of a member whose service calls it `raw`.
    pub fn of(service: ServiceKind, raw: &str) -> CellState {
        match (service, raw) {
            (ServiceKind::Detective, "ENABLED") => CellState::Enabled,
            (ServiceKind::Detective, "INVITED") => CellState::Invited,
            (ServiceKind::Detective, "VERIFICATION_IN_PROGRESS") => CellState::Verifying,
            (ServiceKind::Detective, "VERIFICATION_FAILED") => CellState::VerificationFailed,
            (ServiceKind::Detective, "ACCEPTED_BUT_DISABLED") => CellState::AcceptedButDisabled,
            (_, "Enabled" | "Associated") => CellState::Enabled,
            (_, "Invited") => CellState::Invited,
            (_, "Created") => CellState::Created,
            (_, "EmailVerificationInProgress") => CellState::Verifying,
            (_, "EmailVerificationFailed") => CellState::VerificationFailed,
            (_, "Resigned") => CellState::Resigned,
            (_, "Removed" | "Deleted") => CellState::Removed,
            (_, "Disabled") => CellState::Disabled,
            (ServiceKind::Macie, "Paused") => CellState::Paused,
            (ServiceKind::Macie, "RegionDisabled") => CellState::RegionDisabled,
            (ServiceKind::Macie, "AccountSuspended") => CellState::AccountSuspended,
            // A status this version does not know: not claimed as covered.
            _ => CellState::Unknown,
        }
    }

    /// Its name in JSON (`state`).
    pub fn id(self) -> &'static str {
        match self {
            CellState::Enabled => "enabled",
            CellState::Invited => "invited",
            CellState::Created => "created",
            CellState::Verifying => "verifying",
            CellState::VerificationFailed => "verification_failed",
            CellState::Resigned => "resigned",
            CellState::Removed => "removed",
            CellState::Disabled => "disabled",
            CellState::AcceptedButDisabled => "accepted_but_disabled",
            CellState::Paused => "paused",
            CellState::RegionDisabled => "region_disabled",
            CellState::AccountSuspended => "account_suspended",
            CellState::OtherAdministrator => "other_administrator",
            CellState::Absent => "absent",
            CellState::Unknown => "unknown",
        }
    }

    /// Its name in the legend.
    pub fn label(self) -> &'static str {
        match self {
            CellState::Enabled => "enabled",
            CellState::Invited => "invited",
            CellState::Created => "created",
            CellState::Verifying => "verifying",
            CellState::VerificationFailed => "verification failed",
            CellState::Resigned => "resigned",
            CellState::Removed => "removed",
            CellState::Disabled => "monitoring stopped",
            CellState::AcceptedButDisabled => "accepted but disabled",
            CellState::Paused => "paused",
            CellState::RegionDisabled => "region disabled",
            CellState::AccountSuspended => "account suspended",
            CellState::OtherAdministrator => "another administrator's",
            CellState::Absent => "absent",
            CellState::Unknown => "not read",
        }
    }

    /// One character for the matrix: readable without colour.
    pub fn symbol(self) -> char {
        match self {
            CellState::Enabled => '●',
            CellState::Invited => '◔',
            CellState::Created => '○',
            CellState::Verifying => '…',
            CellState::VerificationFailed => '✉',
            CellState::Resigned => '←',
            CellState::Removed => '×',
            CellState::Disabled => '‖',
            CellState::AcceptedButDisabled => '◐',
            CellState::Paused => '⏸',
            CellState::RegionDisabled => '⊘',
            CellState::AccountSuspended => '⊗',
            CellState::OtherAdministrator => '⇄',
            CellState::Absent => '·',
            CellState::Unknown => '?',
        }
    }

    /// Whether the cell is a gap to close: anything but enabled, and known.
    pub fn is_gap(self) -> bool {
        !matches!(self, CellState::Enabled | CellState::Unknown)
    }
}

/// One roster account in one service and region.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub state: CellState,
    /// The service's own status string, if it lists the account.
    pub status: Option<String>,
    pub invited_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// Why it could not be read, where it could not.
    pub unread: Option<String>,
    /// Why Detective disabled the member, where it did.
    pub reason: Option<String>,
    /// Made a member by AWS Organizations: no invitation ever reaches it.
    pub managed: bool,
}

impl Cell {
    fn absent() -> Self {
        Cell {
            state: CellState::Absent,
            status: None,
            invited_at: None,
            updated_at: None,
            unread: None,
            reason: None,
            managed: false,
        }
    }
}

/// A roster account and its cells, one per column.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageRow {
    pub account: RosterAccount,
    pub cells: Vec<Cell>,
}

impl CoverageRow {
    pub fn gaps(&self) -> usize {
        self.cells.iter().filter(|c| c.state.is_gap()).count()
    }
}

/// The matrix: a column per administrator source (service × region), a row per account.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Coverage {
    pub columns: Vec<SourceId>,
    /// The administering account of each column, where known.
    pub administrators: Vec<Option<String>>,
    pub rows: Vec<CoverageRow>,
}

impl Coverage {
    /// The roster's accounts against what the administrator's sources list. `columns` are the
    /// sources looked at; `failures` those that could not be read (their cells are unknown).
    /// An empty roster means the members are the roster. Rows with the most gaps come first.
    pub fn build<'a>(
        roster: &[RosterAccount],
        columns: Vec<SourceId>,
        members: impl IntoIterator<Item = &'a Member>,
        failures: &[(SourceId, AwsError)],
    ) -> Coverage {
        let column_of: HashMap<&SourceId, usize> =
            columns.iter().enumerate().map(|(i, c)| (c, i)).collect();
        let mut administrators = vec![None; columns.len()];
        let mut rows: Vec<CoverageRow> = Vec::new();
        let mut row_of: HashMap<String, usize> = HashMap::new();
        for account in roster {
            if row_of.contains_key(&account.id) {
                continue;
            }
            row_of.insert(account.id.clone(), rows.len());
            rows.push(CoverageRow {
                account: account.clone(),
                cells: vec![Cell::absent(); columns.len()],
            });
        }
        for member in members {
            let Some(&column) = column_of.get(&member.source()) else {
                continue;
            };
            administrators[column] = Some(member.administrator_id.clone());
            let row = match row_of.get(&member.account_id) {
                Some(&row) => row,
                // A member the roster does not name is not this matrix's.
                None if !roster.is_empty() => continue,
                None => {
                    row_of.insert(member.account_id.clone(), rows.len());
                    rows.push(CoverageRow {
                        account: RosterAccount {
                            id: member.account_id.clone(),
                            email: member.email.clone(),
                            name: None,
                        },
                        cells: vec![Cell::absent(); columns.len()],
                    });
                    rows.len() - 1
                }
            };
            if rows[row].account.email.is_none() {
                rows[row].account.email = member.email.clone();
            }
            rows[row].cells[column] = Cell {
                state: CellState::of(member.service, &member.status),
                status: Some(member.status.clone()),
                invited_at: member.invited_at,
                updated_at: member.updated_at,
                unread: None,
                reason: member.disabled_reason.clone(),
                managed: member.managed,
            };
        }
        for (source, error) in failures {
            if let Some(&column) = column_of.get(source) {
                for row in &mut rows {
                    row.cells[column] = Cell {
                        state: CellState::Unknown,
                        unread: Some(error.summary()),
                        ..Cell::absent()
                    };
                }
            }
        }
        rows.sort_by(|a, b| {
            b.gaps()
                .cmp(&a.gaps())
                .then_with(|| a.account.id.cmp(&b.account.id))
        });
        Coverage {
            columns,
            administrators,
            rows,
        }
    }

    /// How many cells are in each state.
    pub fn totals(&self) -> Vec<(CellState, usize)> {
        CellState::ALL
            .into_iter()
            .map(|state| {
                let n = self
                    .rows
                    .iter()
                    .flat_map(|r| &r.cells)
                    .filter(|c| c.state == state)
                    .count();
                (state, n)
            })
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// Gaps in column `column`.
    pub fn column_gaps(&self, column: usize) -> usize {
        self.rows
            .iter()
            .filter(|r| r.cells[column].state.is_gap())
            .count()
    }

    pub fn gaps(&self) -> usize {
        self.rows.iter().map(CoverageRow::gaps).sum()
    }

    pub fn unread(&self) -> usize {
        self.rows
            .iter()
            .flat_map(|r| &r.cells)
            .filter(|c| c.state == CellState::Unknown)
            .count()
    }
}

/// What closes a gap: the reconcile plan's step for one cell.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fix {
    /// Create the member and invite it (absent, created, resigned, removed).
    Invite,
    /// Delete the member, then create it with the roster's email and invite it (its email
    /// failed verification).
    Recreate,
    /// Start monitoring again: a GuardDuty member its administrator stopped, or a Detective
    /// member accepted but disabled.
    StartMonitoring,
    /// Nothing to do but wait: invited, or verifying.
    Wait,
    /// Cannot be closed from here, and why.
    Blocked(String),
}

impl Fix {
    /// The step for `cell` of `account` in `service`, if the cell is a gap.
    pub fn for_cell(service: ServiceKind, cell: &Cell, account: &RosterAccount) -> Option<Fix> {
        // GuardDuty, Detective and Macie send invitations to an email; Security Hub needs none.
        let email_needed = service != ServiceKind::SecurityHub && account.email.is_none();
        let needing_email = |fix: Fix| {
            if email_needed {
                Fix::Blocked(format!(
                    "{} needs an email to invite: give the roster an Email column",
                    service.display_name()
                ))
            } else {
                fix
            }
        };
        let fix = match cell.state {
            CellState::Enabled => return None,
            CellState::OtherAdministrator => Fix::Blocked(
                "it is another administrator's member here: that administrator must let it go first".into(),
            ),
            CellState::Absent | CellState::Created | CellState::Resigned | CellState::Removed => {
                needing_email(Fix::Invite)
            }
            CellState::VerificationFailed if account.email.is_none() => Fix::Blocked(
                "its email failed verification and the roster has none to use instead".into(),
            ),
            CellState::VerificationFailed => Fix::Recreate,
            // Detective will not take a member's data while the graph is over its volume.
            CellState::AcceptedButDisabled if cell.reason.as_deref() == Some("VOLUME_TOO_HIGH") => {
                Fix::Blocked(
                    "the behavior graph's data volume is over its limit: raise it, or remove members, first".into(),
                )
            }
            CellState::Disabled | CellState::AcceptedButDisabled => Fix::StartMonitoring,
            // Macie's three: only the member's side can start it again.
            CellState::Paused => Fix::Blocked(
                "the member paused Macie here: it must enable Macie again (or its administrator resume it with UpdateMemberSession)".into(),
            ),
            CellState::RegionDisabled => Fix::Blocked(
                "the member's account has not enabled this region: it must opt in first".into(),
            ),
            CellState::AccountSuspended => Fix::Blocked(
                "the member's account is suspended: AWS must reinstate it first".into(),
            ),
            CellState::Invited | CellState::Verifying => Fix::Wait,
            CellState::Unknown => Fix::Blocked(match &cell.unread {
                Some(reason) => format!("not read: {reason}"),
                None => "not read".into(),
            }),
        };
        Some(match fix {
            // Organizations enables it: an invitation would never reach it.
            Fix::Invite | Fix::Recreate | Fix::Wait if cell.managed => Fix::Blocked(
                "managed through AWS Organizations, which never sends it invitations: enable it in the organization's settings".into(),
            ),
            fix => fix,
        })
    }

    /// What it does, as the plan prints it.
    pub fn describe(&self) -> String {
        match self {
            Fix::Invite => "create and invite".into(),
            Fix::Recreate => "delete, create with the roster's email, invite".into(),
            Fix::StartMonitoring => "start monitoring".into(),
            Fix::Wait => "wait for the member".into(),
            Fix::Blocked(why) => format!("cannot: {why}"),
        }
    }

    /// Whether applying it sends anything.
    pub fn acts(&self) -> bool {
        matches!(self, Fix::Invite | Fix::Recreate | Fix::StartMonitoring)
    }
}
