//! Where each pane goes. Pure, so `update` can page by the table's real height.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::{AppState, Screen};

pub struct Areas {
    pub header: Rect,
    pub tabs: Rect,
    pub table: Rect,
    pub sources: Rect,
    pub footer: Rect,
}

/// The table's frame, header row and borders take this many rows.
const TABLE_CHROME: u16 = 3;

pub fn areas(area: Rect, state: &AppState) -> Areas {
    // Each screen's panel wants its own lines; until the first rows arrive, the sources are
    // all there is to watch.
    let (wanted, rows) = match state.screen {
        Screen::Invitations => (super::sources::panel_rows(state), state.invitations.total()),
        Screen::Members => (
            super::members::panel_rows(state),
            state.members.table.total(),
        ),
    };
    let wanted = wanted.min(usize::from(u16::MAX)) as u16;
    let share = if rows == 0 { 2 } else { 4 };
    let sources = if area.height < 16 {
        3
    } else {
        wanted.clamp(3, (area.height / share).max(3))
    };
    let [header, tabs, table, sources, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(TABLE_CHROME + 1),
        Constraint::Length(sources),
        Constraint::Length(1),
    ])
    .areas(area);
    Areas {
        header,
        tabs,
        table,
        sources,
        footer,
    }
}

/// How many invitations fit in the table at the current terminal size.
pub fn table_body_height(state: &AppState) -> usize {
    let (width, height) = state.size;
    let areas = areas(Rect::new(0, 0, width, height), state);
    areas.table.height.saturating_sub(TABLE_CHROME) as usize
}

/// The table's height, when it is no longer what the state was told.
pub fn changed_table_rows(state: &AppState) -> Option<usize> {
    let rows = table_body_height(state);
    (rows != state.table_rows).then_some(rows)
}

/// A rectangle of `percent_x` × `percent_y` of `area`, centred, within `max_width` columns.
pub fn centered(area: Rect, percent_x: u16, percent_y: u16, max_width: u16) -> Rect {
    let width = (area.width * percent_x / 100)
        .min(max_width)
        .max(20)
        .min(area.width);
    let height = (area.height * percent_y / 100).max(5).min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}
