//! The members screen: every member of every identity that administers, and where each listing stands.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Widget, Wrap};

use super::theme;
use crate::app::AppState;
use crate::app::members::{Listing, MemberColumn, MemberNote};
use crate::format;
use crate::model::Member;

pub struct MembersTable<'a>(pub &'a AppState);

fn widths(width: u16) -> Vec<(MemberColumn, u16)> {
    let wide = width >= 120;
    let mut columns = vec![(MemberColumn::Service, 12), (MemberColumn::Region, 14)];
    if wide {
        columns.push((MemberColumn::Administrator, 13));
    }
    columns.push((MemberColumn::Member, 12));
    columns.push((MemberColumn::Email, 0));
    columns.push((MemberColumn::Status, 22));
    if wide {
        columns.push((MemberColumn::Updated, 9));
    }
    let fixed: u16 = columns.iter().map(|(_, w)| *w).sum();
    let spare = width.saturating_sub(fixed + columns.len() as u16 - 1);
    for (column, w) in &mut columns {
        if *column == MemberColumn::Email {
            *w = spare.clamp(6, 48);
        }
    }
    columns
}

fn text(state: &AppState, member: &Member, column: MemberColumn, width: u16) -> String {
    let width = usize::from(width);
    match column {
        MemberColumn::Service => member.service.display_name().to_owned(),
        MemberColumn::Region => member.region.clone(),
        MemberColumn::Administrator => member.administrator_id.clone(),
        MemberColumn::Member => member.account_id.clone(),
        MemberColumn::Email => format::truncate(member.email.as_deref().unwrap_or("—"), width),
        MemberColumn::Status => {
            let shown = match state.members.notes.get(&member.key()) {
                Some(MemberNote::Working(what)) => format!("… {what}"),
                Some(MemberNote::Done(what)) => format!("✓ {what} · {}", member.status),
                Some(MemberNote::Failed(reason)) => format!("✗ {reason}"),
                None => member.status.clone(),
            };
            format::truncate(&shown, width)
        }
        MemberColumn::Updated => member
            .updated_at
            .map(|at| format::age(at, state.now))
            .unwrap_or_else(|| "—".into()),
    }
}

impl Widget for MembersTable<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        let members = &state.members;
        let block = Block::default()
            .borders(Borders::ALL)
            .title(format!(" Members you administer — {} ", state.view.label()));
        let columns = widths(area.width.saturating_sub(4));
        let height = usize::from(area.height.saturating_sub(3));
        let visible = members.visible();
        if visible.is_empty() {
            let message = if members.is_loading() {
                "Listing the members of every hub, detector and graph you administer…".to_owned()
            } else if members.total() > 0 {
                format!(
                    "No members match “{}”. Esc clears the filter.",
                    members.filter
                )
            } else {
                "No members: no identity here administers a Security Hub hub, GuardDuty detector or Detective graph with members. i invites accounts.".to_owned()
            };
            Paragraph::new(vec![Line::raw(""), Line::raw(message)])
                .alignment(Alignment::Center)
                .wrap(Wrap { trim: true })
                .block(block)
                .render(area, buf);
            return;
        }
        let header = Row::new(std::iter::once(Cell::from(" ")).chain(columns.iter().map(
            |(column, _)| {
                let mut title = column.title().to_owned();
                if members.sort_column == Some(*column) {
                    title.push(if members.descending { '↓' } else { '↑' });
                }
                Cell::from(title)
            },
        )))
        .style(theme::title());
        let end = (members.offset + height).min(visible.len());
        let rows = (members.offset..end).map(|position| {
            let member = &visible[position];
            let mark = if members.marked.contains(&member.key()) {
                "●"
            } else {
                " "
            };
            let status_style = match members.notes.get(&member.key()) {
                Some(MemberNote::Failed(_)) => theme::error(),
                Some(MemberNote::Working(_)) => theme::key(),
                _ => theme::status(member.normalised()),
            };
            let cells = columns.iter().map(|(column, width)| {
                let shown = text(state, member, *column, *width);
                if *column == MemberColumn::Status {
                    Cell::from(Span::styled(shown, status_style))
                } else {
                    Cell::from(shown)
                }
            });
            let style = if position == members.selected {
                theme::selected()
            } else {
                Style::default()
            };
            Row::new(std::iter::once(Cell::from(Span::styled(mark, theme::key()))).chain(cells))
                .style(style)
        });
        let constraints: Vec<Constraint> = std::iter::once(Constraint::Length(1))
            .chain(columns.iter().map(|(_, w)| Constraint::Length(*w)))
            .collect();
        let position = if visible.len() > height {
            format!(" {}/{} ", members.selected + 1, visible.len())
        } else {
            String::new()
        };
        Table::new(rows, constraints)
            .header(header)
            .column_spacing(1)
            .block(block.title_bottom(Line::from(position).right_aligned()))
            .render(area, buf);
    }
}

pub struct MemberSources<'a>(pub &'a AppState);

impl Widget for MemberSources<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        let listings = &state.members.listings;
        let administering: Vec<_> = listings
            .iter()
            .filter(|(_, l)| !matches!(l, Listing::Done(0)))
            .collect();
        let loading = listings
            .values()
            .filter(|l| **l == Listing::Loading)
            .count();
        let failed = listings
            .values()
            .filter(|l| matches!(l, Listing::Failed(_)))
            .count();
        let mut title = format!(
            " Administered: {} of {} sources",
            administering.len() - loading - failed,
            listings.len()
        );
        if failed > 0 {
            title.push_str(&format!("  {failed} ✗"));
        }
        if loading > 0 {
            title.push_str(&format!("  {loading} in progress"));
        }
        title.push(' ');
        let room = usize::from(area.height.saturating_sub(2));
        let mut ordered = administering;
        ordered.sort_by_key(|(_, l)| match l {
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
                    Listing::Failed(error) => ("✗".to_owned(), theme::error(), error.to_string()),
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
