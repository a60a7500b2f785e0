//! The members screen: every member of every identity that administers, and where each listing stands.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::table::{CellAt, Cells, DataTable};
use super::theme;
use crate::app::{AppState, Listing, MemberColumn, MemberNote, MemberRow};
use crate::format;
use crate::model::ErrorKind;

pub struct MembersTable<'a>(pub &'a AppState);

impl Widget for MembersTable<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        let members = &state.members;
        let message = if members.is_loading() {
            "Listing the members of every hub, detector and graph you administer…".to_owned()
        } else if members.table.total() > 0 {
            format!(
                "No members match “{}”. Esc clears the filter.",
                members.table.filter()
            )
        } else {
            "No members: no identity here administers a Security Hub hub, GuardDuty detector, Detective graph or Macie with members. i invites accounts.".to_owned()
        };
        DataTable {
            state,
            table: &members.table,
            title: format!(" Members you administer — {} ", state.tab.label()),
            empty: vec![Line::raw(""), Line::raw(message)],
        }
        .render(area, buf);
    }
}

impl Cells for MemberRow {
    type Note = MemberNote;

    fn columns(_: &AppState, width: u16) -> Vec<(MemberColumn, u16)> {
        crate::app::member_columns(width)
    }

    fn cell(&self, at: CellAt<'_, Self>) -> (String, Style) {
        let member = &self.member;
        let width = usize::from(at.width);
        let text = match at.column {
            MemberColumn::Service => member.service.display_name().to_owned(),
            MemberColumn::Region => member.region.clone(),
            MemberColumn::Administrator => member.administrator_id.clone(),
            MemberColumn::Member => member.account_id.clone(),
            MemberColumn::Email => format::truncate(member.email.as_deref().unwrap_or("—"), width),
            MemberColumn::Status => {
                let note = at.note;
                let shown = match note {
                    Some(MemberNote::Working) => "… working".to_owned(),
                    Some(MemberNote::Done(action)) => {
                        format!("✓ {} · {}", action.past(), member.status)
                    }
                    Some(MemberNote::Failed(reason)) => format!("✗ {reason}"),
                    None => member.status.clone(),
                };
                let style = match note {
                    Some(MemberNote::Failed(_)) => theme::error(),
                    Some(MemberNote::Working) => theme::key(),
                    _ => theme::status(member.normalised()),
                };
                return (format::truncate(&shown, width), style);
            }
            MemberColumn::Updated => member
                .updated_at
                .map(|updated| format::age(updated, at.state.now))
                .unwrap_or_else(|| "—".into()),
        };
        (text, Style::default())
    }
}

pub struct MemberSources<'a>(pub &'a AppState);

fn is_region_off(listing: &Listing) -> bool {
    matches!(listing, Listing::Failed(e) if e.kind == ErrorKind::RegionNotEnabled)
}

fn is_failure(listing: &Listing) -> bool {
    matches!(listing, Listing::Failed(_)) && !is_region_off(listing)
}

/// The listings the panel names: all but those that administer nothing.
fn shown_listings(state: &AppState) -> Vec<(&crate::model::SourceId, &Listing)> {
    state
        .members
        .listings
        .iter()
        .filter(|(_, l)| !matches!(l, Listing::Done(0)))
        .collect()
}

/// Rows the members' sources panel wants: one per listing it names, and its borders.
pub fn panel_rows(state: &AppState) -> usize {
    shown_listings(state).len().max(1) + 2
}

impl Widget for MemberSources<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        let listings = &state.members.listings;
        let administering = shown_listings(state);
        let loading = listings
            .values()
            .filter(|l| **l == Listing::Loading)
            .count();
        let failed = listings.values().filter(|l| is_failure(l)).count();
        let not_enabled = listings.values().filter(|l| is_region_off(l)).count();
        let mut title = format!(
            " Administered: {} of {} sources",
            administering.len() - loading - failed - not_enabled,
            listings.len()
        );
        if failed > 0 {
            title.push_str(&format!("  {failed} ✗"));
        }
        if not_enabled > 0 {
            title.push_str(&format!("  {not_enabled} region not enabled"));
        }
        if loading > 0 {
            title.push_str(&format!("  {loading} in progress"));
        }
        title.push(' ');
        let room = usize::from(area.height.saturating_sub(2));
        let mut ordered = administering;
        ordered.sort_by_key(|(_, l)| match l {
            l if is_region_off(l) => 3,
            Listing::Failed(_) => 0,
            Listing::Loading => 1,
            Listing::Done(_) => 2,
        });
        let mut lines: Vec<Line> = ordered
            .iter()
            .take(room)
            .map(|(source, listing)| {
                let (mark, style, what) = match listing {
                    Listing::Loading => (
                        format::spinner(state.spinner).to_owned(),
                        theme::key(),
                        "listing…".to_owned(),
                    ),
                    Listing::Done(n) => (
                        "✓".to_owned(),
                        theme::ok(),
                        format!("{n} member{}", if *n == 1 { "" } else { "s" }),
                    ),
                    // Not enabled for the account: nothing to administer there, and no failure.
                    Listing::Failed(error) if error.kind == ErrorKind::RegionNotEnabled => (
                        "○".to_owned(),
                        theme::dim(),
                        "region not enabled for this account".to_owned(),
                    ),
                    Listing::Failed(error) => {
                        let next = error
                            .next_step(source.service)
                            .map(|step| format!(" — {step}"))
                            .unwrap_or_default();
                        (
                            "✗".to_owned(),
                            theme::error(),
                            format!("{}: {error}{next}", error.state()),
                        )
                    }
                };
                Line::from(vec![
                    Span::styled(format!(" {mark} "), style),
                    Span::raw(format!(
                        "{:<13}{:<15}",
                        source.service.display_name(),
                        source.region
                    )),
                    Span::raw(what),
                ])
            })
            .collect();
        if ordered.len() > room && room > 0 {
            lines.truncate(room - 1);
            lines.push(Line::styled(
                format!("   … and {} more", ordered.len() - (room - 1)),
                theme::dim(),
            ));
        }
        Paragraph::new(lines)
            .block(Block::default().borders(Borders::ALL).title(title))
            .render(area, buf);
    }
}
