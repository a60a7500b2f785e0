//! Drawing. `render` reads the state and never changes it; each pane is a widget of its own.

mod coverage;
mod detail;
mod dialog;
mod form;

mod header;
mod help;
mod history;
mod invitations;
pub mod layout;
mod log;
mod members;
mod sources;
mod table;
pub mod theme;

use ratatui::Frame;

use crate::app::{AppState, Mode, Screen};

/// The first frame, drawn before anything is known: not even which regions to look in.
pub fn render_starting(frame: &mut Frame) {
    use ratatui::text::{Line, Span};
    let line = Line::from(vec![
        Span::styled(" guestlist ", theme::title()),
        Span::styled(" resolving profiles and regions…  (q quits)", theme::dim()),
    ]);
    frame.render_widget(line, frame.area());
}

pub fn render(frame: &mut Frame, state: &AppState) {
    let areas = layout::areas(frame.area(), state);
    frame.render_widget(header::Header(state), areas.header);
    frame.render_widget(header::Tabs(state), areas.tabs);
    match state.screen {
        Screen::Invitations => {
            frame.render_widget(invitations::InvitationTable(state), areas.table);
            frame.render_widget(sources::SourcesPanel(state), areas.sources);
        }
        Screen::Members => {
            frame.render_widget(members::MembersTable(state), areas.table);
            frame.render_widget(members::MemberSources(state), areas.sources);
        }
    }
    frame.render_widget(header::Footer(state), areas.footer);
    match state.mode() {
        Mode::Detail => match state.screen {
            Screen::Invitations => frame.render_widget(detail::DetailPane(state), frame.area()),
            Screen::Members => frame.render_widget(detail::MemberDetailPane(state), frame.area()),
        },
        Mode::Help => frame.render_widget(help::HelpOverlay(state), frame.area()),
        Mode::Confirm => frame.render_widget(dialog::ConfirmDialog(state), frame.area()),
        Mode::Form => frame.render_widget(form::InviteFormOverlay(state), frame.area()),
        Mode::Log if matches!(state.overlay, crate::app::Overlay::History(_)) => {
            frame.render_widget(history::HistoryOverlay(state), frame.area())
        }
        Mode::Log => frame.render_widget(log::LogOverlay(state), frame.area()),
        Mode::Sources => frame.render_widget(sources::SourcesOverlay(state), frame.area()),
        Mode::Coverage => frame.render_widget(coverage::CoverageOverlay(state), frame.area()),
        Mode::Table | Mode::Filter | Mode::Prompt => {}
    }
    if !state.settings.color {
        // NO_COLOR or the mono theme: every cell keeps its weight and reverse video, no colour.
        use ratatui::style::Color;
        for cell in frame.buffer_mut().content.iter_mut() {
            cell.set_fg(Color::Reset).set_bg(Color::Reset);
        }
    }
}
