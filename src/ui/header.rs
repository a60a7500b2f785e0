//! The header line, the view tabs, and the footer (key hints or the filter being typed).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::theme;
use crate::app::{Action, AppState, IdentityState, Mode, Screen, ServiceTab};
use crate::format;

pub struct Header<'a>(pub &'a AppState);

impl Widget for Header<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        let mut spans = vec![Span::styled(" guestlist ", theme::title())];
        if state.settings.demo {
            spans.push(Span::styled(" DEMO ", theme::badge()));
            spans.push(Span::raw(" "));
        }
        if state.settings.read_only {
            spans.push(Span::styled(" READ-ONLY ", theme::badge()));
            spans.push(Span::raw(" "));
        }
        let identities: Vec<String> = state
            .identities
            .iter()
            .map(|(profile, identity)| match identity {
                IdentityState::Account(account) => format!("{profile} {account}"),
                IdentityState::Resolving => format!("{profile} …"),
                IdentityState::Failed(_) => format!("{profile} (unknown account)"),
            })
            .collect();
        spans.push(Span::raw(identities.join(", ")));
        spans.push(Span::styled("  │  ", theme::dim()));
        let total = state.invitations.total();
        spans.push(Span::raw(format!(
            "{total} invitation{}",
            if total == 1 { "" } else { "s" }
        )));
        spans.push(Span::styled("  │  ", theme::dim()));
        let done = state.sources.iter().filter(|s| !s.is_busy()).count();
        spans.push(Span::raw(format!("{done}/{} sources", state.sources.len())));
        if state.is_loading() {
            let frame = format::spinner(state.spinner);
            spans.push(Span::raw(format!(" {frame}")));
        }
        if let Some(interval) = state.live.interval {
            spans.push(Span::styled("  │  ", theme::dim()));
            if state.live.paused {
                spans.push(Span::styled("paused (R resumes)", theme::key()));
            } else {
                let every = humantime::format_duration(interval).to_string();
                let next = match state.live.next_at {
                    Some(at) => format!(
                        ", next in {}",
                        format::short_duration((at - state.now).num_seconds())
                    ),
                    None if state.is_loading() => ", refreshing".to_owned(),
                    None => String::new(),
                };
                spans.push(Span::styled(
                    format!("live every {every}{next}"),
                    theme::ok(),
                ));
            }
        }
        Line::from(spans).render(area, buf);
    }
}

pub struct Tabs<'a>(pub &'a AppState);

impl Widget for Tabs<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        let mut spans = vec![Span::raw(" ")];
        for (i, tab) in ServiceTab::ALL.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(" │ ", theme::dim()));
            }
            let count = match state.screen {
                Screen::Invitations => state.invitations.count(tab),
                Screen::Members => state.members.table.count(tab),
            };
            let text = format!("{} {count}", tab.label());
            if tab == state.tab {
                spans.push(Span::styled(text, theme::selected()));
            } else {
                spans.push(Span::raw(text));
            }
        }
        let (sort, descending, filter) = match state.screen {
            Screen::Invitations => {
                let sort = state.invitations.sort();
                (
                    sort.column.map_or("Service", |c| c.title()),
                    sort.descending,
                    state.invitations.filter(),
                )
            }
            Screen::Members => {
                let sort = state.members.table.sort();
                (
                    sort.column.map_or("Service", |c| c.title()),
                    sort.descending,
                    state.members.table.filter(),
                )
            }
        };
        let arrow = if descending { "↓" } else { "↑" };
        spans.push(Span::styled("   sort: ", theme::dim()));
        spans.push(Span::raw(format!("{sort} {arrow}")));
        if !filter.is_empty() && state.mode() != Mode::Filter {
            spans.push(Span::styled("   filter: ", theme::dim()));
            spans.push(Span::styled(format!("/{filter}"), theme::key()));
        }
        Line::from(spans).render(area, buf);
    }
}

pub struct Footer<'a>(pub &'a AppState);

impl Widget for Footer<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        if state.mode() == Mode::Filter {
            let filter = match state.screen {
                Screen::Invitations => state.invitations.filter().to_owned(),
                Screen::Members => state.members.table.filter().to_owned(),
            };
            Line::from(vec![
                Span::styled(" /", theme::key()),
                Span::raw(filter),
                Span::styled("█", theme::dim()),
                Span::styled("   Enter keep · Esc clear", theme::dim()),
            ])
            .render(area, buf);
            return;
        }
        if let Some(prompt) = state.prompt() {
            let mut spans = vec![
                Span::styled(" :", theme::key()),
                Span::raw(prompt.to_owned()),
                Span::styled("█", theme::dim()),
                Span::styled("   Tab completes · Enter goes · Esc cancels", theme::dim()),
            ];
            if let Some(notice) = &state.notice {
                spans.push(Span::styled(format!("   {notice}"), theme::key()));
            }
            Line::from(spans).render(area, buf);
            return;
        }
        if let Some(notice) = &state.notice {
            Line::from(vec![
                Span::raw(" "),
                Span::styled(notice.clone(), theme::key()),
            ])
            .render(area, buf);
            return;
        }
        let marked = match state.screen {
            Screen::Invitations => state.invitations.marked_count(),
            Screen::Members => state.members.table.marked_count(),
        };
        let hints: &[(Action, &str)] = match state.screen {
            Screen::Invitations => &[
                (Action::ToggleDetail, "detail"),
                (Action::Filter, "filter"),
                (Action::Accept, "accept"),
                (Action::Decline, "decline"),
                (Action::Members, "members"),
                (Action::Refresh, "refresh"),
                (Action::Help, "help"),
                (Action::Quit, "quit"),
            ],
            Screen::Members => &[
                (Action::Invite, "invite"),
                (Action::Delete, "delete invitation"),
                (Action::RemoveMember, "remove"),
                (Action::Filter, "filter"),
                (Action::Members, "invitations"),
                (Action::Help, "help"),
                (Action::Quit, "quit"),
            ],
        };
        let mut spans = vec![Span::raw(" ")];
        if marked > 0 {
            spans.push(Span::styled(format!("{marked} marked  "), theme::key()));
        }
        for &(action, label) in hints {
            if let Some(key) = state.settings.keymap.key_for(action) {
                spans.push(Span::styled(key.to_string(), theme::key()));
                spans.push(Span::raw(format!(" {label}  ")));
            }
        }
        Line::from(spans).render(area, buf);
    }
}
