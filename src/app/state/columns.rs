//! Which columns each table shows at a width, and how wide each is. It lives with the state,
//! not the drawing, because sorting and filtering follow what is on screen.
//!
//! Each column claims a width: at least `min`, gladly `want`, at most `max`. Ids (`keep` 0) go
//! before the first column to grow (the status) is cut; when even the minimums do not fit, the
//! columns least worth keeping go. The room left goes to `want`, in the order the columns need
//! it, then to `max`, then to the one column that takes the rest.

use super::invitations::Column;
use super::members::MemberColumn;
use super::{AppState, DateStyle};

/// One column's claim on the width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim<C> {
    pub column: C,
    pub min: u16,
    pub want: u16,
    pub max: u16,
    /// Columns with the lowest `keep` are dropped first: 0 (ids) to keep the first column to
    /// grow whole, any other when the minimums do not fit; `u8::MAX` is never dropped.
    pub keep: u8,
    /// Room is handed out to the lowest `grow` first.
    pub grow: u8,
    /// Grows to `want` in one step or not at all: a width between is no use to it.
    pub whole: bool,
}

impl<C> Claim<C> {
    /// A column of one width that is always shown.
    pub const fn fixed(column: C, width: u16) -> Self {
        Self {
            column,
            min: width,
            want: width,
            max: width,
            keep: u8::MAX,
            grow: u8::MAX,
            whole: false,
        }
    }
}

/// The columns that fit in `width` (one column of space between each), and their widths;
/// the claim marked by `rest` takes what no other column wants.
pub fn fit<C: Copy + PartialEq>(mut claims: Vec<Claim<C>>, width: u16, rest: C) -> Vec<(C, u16)> {
    let room = u32::from(width) + 1;
    // What the columns need, one space after each; `whole` counts the first to grow at its want.
    let needed = |claims: &[Claim<C>], whole: bool| -> u32 {
        let first = claims.iter().map(|c| c.grow).min();
        let each = |c: &Claim<C>| match whole && Some(c.grow) == first {
            true => c.want,
            false => c.min,
        };
        claims.iter().map(|c| u32::from(each(c)) + 1).sum()
    };
    // Ids (`keep` 0) go so that the first to grow is whole; anything droppable goes so that
    // the minimums fit. Among equals the rightmost goes first.
    for (whole, most) in [(true, 0), (false, u8::MAX - 1)] {
        while needed(&claims, whole) > room {
            let Some((at, _)) = claims
                .iter()
                .enumerate()
                .filter(|(_, c)| c.keep <= most)
                .min_by_key(|(at, c)| (c.keep, usize::MAX - at))
            else {
                break;
            };
            claims.remove(at);
        }
    }
    let mut widths: Vec<u16> = claims.iter().map(|c| c.min).collect();
    let mut spare = room.saturating_sub(needed(&claims, false));
    let mut order: Vec<usize> = (0..claims.len()).collect();
    order.sort_by_key(|at| claims[*at].grow);
    for target in [|c: &Claim<C>| c.want, |c: &Claim<C>| c.max] {
        for &at in &order {
            let wanted = u32::from(target(&claims[at]).saturating_sub(widths[at]));
            if claims[at].whole && wanted > spare {
                continue;
            }
            let more = wanted.min(spare);
            widths[at] += more as u16;
            spare -= more;
        }
    }
    if let Some(at) = claims.iter().position(|c| c.column == rest) {
        widths[at] = widths[at].saturating_add(spare.min(u32::from(u16::MAX)) as u16);
    }
    claims.iter().map(|c| c.column).zip(widths).collect()
}

/// The width inside a table's borders, less its mark column.
pub fn table_width(state: &AppState) -> u16 {
    state.size.0.saturating_sub(4)
}

/// Both a timestamp and an age, where the column has room for them.
pub const BOTH_WIDTH: u16 = 31;

/// The invitations table at `width`: statuses whole before references; below that the
/// reference goes first (the detail pane has it), then the receiving account, then the age.
pub fn invitation_columns(state: &AppState, width: u16) -> Vec<(Column, u16)> {
    let utc = state.settings.clock == crate::format::Clock::Utc;
    let timestamp = if utc { 20 } else { 16 };
    let (invited_min, invited_want) = match state.settings.dates {
        DateStyle::Relative => (8, 8),
        DateStyle::Absolute => (timestamp, timestamp),
        DateStyle::Both => (8, BOTH_WIDTH),
    };
    let mut claims = vec![
        Claim::fixed(Column::Service, 12),
        Claim::fixed(Column::Region, 14),
    ];
    if state.several_identities() {
        claims.push(Claim {
            keep: 1,
            ..Claim::fixed(Column::Account, 12)
        });
    }
    // With a trust policy the sender carries its mark: "✗ 999988887777".
    let from = if state.settings.trust.is_empty() {
        12
    } else {
        14
    };
    claims.extend([
        Claim::fixed(Column::From, from),
        Claim {
            column: Column::Invitation,
            min: 16,
            want: 32,
            max: 90,
            keep: 0,
            grow: 2,
            whole: false,
        },
        Claim {
            column: Column::Invited,
            min: invited_min,
            want: invited_want,
            max: invited_want,
            keep: 2,
            // An id is worth more than a second way of saying when.
            grow: 3,
            whole: true,
        },
        // `EmailVerificationInProgress` is the longest status; failures say more.
        Claim {
            column: Column::Status,
            min: 10,
            want: 27,
            max: 27,
            keep: u8::MAX,
            grow: 0,
            whole: false,
        },
    ]);
    fit(claims, width, Column::Status)
}

/// The members table at `width`: the status whole first, then the email; the administrator
/// (the detail has it) and the update time go when there is no room.
pub fn member_columns(width: u16) -> Vec<(MemberColumn, u16)> {
    let claims = vec![
        Claim::fixed(MemberColumn::Service, 12),
        Claim::fixed(MemberColumn::Region, 14),
        Claim {
            keep: 0,
            ..Claim::fixed(MemberColumn::Administrator, 13)
        },
        Claim::fixed(MemberColumn::Member, 12),
        Claim {
            column: MemberColumn::Email,
            min: 12,
            want: 32,
            max: 48,
            keep: 2,
            grow: 1,
            whole: false,
        },
        Claim {
            column: MemberColumn::Status,
            min: 12,
            want: 27,
            max: 27,
            keep: u8::MAX,
            grow: 0,
            whole: false,
        },
        Claim {
            keep: 0,
            ..Claim::fixed(MemberColumn::Updated, 9)
        },
    ];
    fit(claims, width, MemberColumn::Status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total<C>(columns: &[(C, u16)]) -> u16 {
        columns.iter().map(|(_, w)| w + 1).sum::<u16>() - 1
    }

    #[test]
    fn minimums_that_do_not_fit_drop_the_least_kept_first() {
        let claims = vec![
            Claim::fixed('a', 10),
            Claim {
                keep: 0,
                ..Claim::fixed('b', 10)
            },
            Claim {
                keep: 1,
                ..Claim::fixed('c', 10)
            },
        ];
        let columns = |width| fit(claims.clone(), width, 'a');
        assert_eq!(columns(32), [('a', 10), ('b', 10), ('c', 10)].to_vec());
        assert_eq!(columns(25), [('a', 14), ('c', 10)].to_vec());
        assert_eq!(columns(12), [('a', 12)].to_vec());
    }

    #[test]
    fn members_at_every_width_fill_it_and_keep_the_status_readable() {
        assert!(
            !member_columns(36).is_empty(),
            "too narrow for all: cut, not lost"
        );
        for width in [76, 116, 196] {
            let columns = member_columns(width);
            assert_eq!(total(&columns), width, "{width}: {columns:?}");
            let status = columns.iter().find(|(c, _)| *c == MemberColumn::Status);
            assert!(
                status.is_some_and(|(_, w)| *w >= 12),
                "{width}: {columns:?}"
            );
        }
        // At 200 columns the status has room for an error, not 22 columns.
        let wide = member_columns(196);
        assert!(
            wide.iter()
                .any(|(c, w)| *c == MemberColumn::Status && *w > 60)
        );
    }
}
