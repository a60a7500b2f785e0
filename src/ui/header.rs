//! The header line, the view tabs, and the footer (key hints or the filter being typed).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::theme;
use crate::app::{Action, AppState, IdentityState, Mode, Screen, ServiceTab, TableColumn};
use crate::format;
use crate::model::Status;

pub struct Header<'a>(pub &'a AppState);

impl Widget for Header<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        let name = |profile: &str, account: &str, short: bool| match short {
            true => account.to_owned(),
            false => format!("{profile} {account}"),
        };
        let who = |short: bool| {
            let identities: Vec<String> = state
                .identities
                .iter()
                .map(|(profile, identity)| match identity {
                    IdentityState::Account(account) => name(profile, account, short),
                    IdentityState::Resolving => format!("{profile} …"),
                    IdentityState::Failed(_) => format!("{profile} (unknown account)"),
                })
                .collect();
            // Several identities are named in the sources panel; one line cannot hold them.
            if state.settings.fan_out {
                format::plural(identities.len(), "account")
            } else if identities.len() > 2 {
                format!("{} identities", identities.len())
            } else {
                identities.join(", ")
            }
        };
        // What waits for an answer apart from what was accepted (Detective lists both).
        let mut counts = [0usize; 4];
        for row in state.invitations.all_rows() {
            let at = match row.invitation.status {
                Status::Pending | Status::Verifying => 0,
                Status::Accepted | Status::Disabled => 1,
                Status::Failed => 2,
                Status::Other => 3,
            };
            counts[at] += 1;
        }
        let said = |short: bool| {
            let mut said = format!("{} pending", counts[0]);
            for (count, what) in counts[1..].iter().zip(["accepted", "failed", "other"]) {
                if *count > 0 && !short {
                    said.push_str(&format!(", {count} {what}"));
                }
            }
            said
        };
        // The longest that fits: names, then all counts, give way first.
        let line = [(false, false), (true, false), (true, true)]
            .into_iter()
            .map(|(short_who, short_counts)| header_line(state, who(short_who), said(short_counts)))
            .reduce(|fits, next| {
                if fits.width() <= usize::from(area.width) {
                    fits
                } else {
                    next
                }
            });
        if let Some(line) = line {
            line.render(area, buf);
        }
    }
}

fn header_line(state: &AppState, who: String, counts: String) -> Line<'static> {
    let mut spans = vec![Span::styled(" guestlist ", theme::title())];
    if state.settings.demo {
        spans.push(Span::styled(" DEMO ", theme::badge()));
        spans.push(Span::raw(" "));
    }
    if state.settings.read_only {
        spans.push(Span::styled(" READ-ONLY ", theme::badge()));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::raw(who));
    spans.push(Span::styled(" │ ", theme::dim()));
    spans.push(Span::raw(counts));
    spans.push(Span::styled(" │ ", theme::dim()));
    let done = state.sources.iter().filter(|s| !s.is_busy()).count();
    spans.push(Span::raw(format!("{done}/{} sources", state.sources.len())));
    if state.is_loading() {
        let frame = format::spinner(state.spinner);
        spans.push(Span::raw(format!(" {frame}")));
    }
    if let Some(interval) = state.live.interval {
        spans.push(Span::styled(" │ ", theme::dim()));
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
    Line::from(spans)
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
                Screen::Invitations => state.invitations.filter(),
                Screen::Members => state.members.table.filter(),
            };
            let cursor = match state.overlay {
                crate::app::Overlay::Filter(cursor) => cursor,
                _ => filter.len(),
            };
            let mut spans = vec![Span::styled(" /", theme::key())];
            spans.extend(theme::with_cursor(filter, cursor));
            spans.push(Span::styled(
                "   Enter keep · Esc clear · ← → Home End Ctrl-W Ctrl-U edit",
                theme::dim(),
            ));
            Line::from(spans).render(area, buf);
            return;
        }
        if let crate::app::Overlay::Prompt(line) = &state.overlay {
            let mut spans = vec![Span::styled(" :", theme::key())];
            spans.extend(theme::with_cursor(&line.text, line.cursor));
            spans.push(Span::styled(
                "   Tab completes · Enter goes · Esc cancels",
                theme::dim(),
            ));
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
        let keymap = &state.settings.keymap;
        let key = |action| keymap.key_for(action).map(|k| k.to_string());
        let hints: Vec<(Option<String>, &str)> = match (state.mode(), state.screen) {
            (Mode::Detail, _) => vec![(key(Action::Copy), "copy"), (Some("Esc".into()), "close")],
            (Mode::Help, _) => vec![(Some("Esc".into()), "close")],
            (Mode::Log, _) => vec![
                (Some("j k".into()), "scroll"),
                (Some("g G".into()), "oldest, newest"),
                (Some("Esc".into()), "close"),
            ],
            (Mode::Confirm, _) => vec![(Some("y".into()), "confirm"), (Some("n".into()), "cancel")],
            (Mode::Form, _) => vec![
                (Some("Tab".into()), "next field"),
                (Some("Enter".into()), "check and propose"),
                (Some("Esc".into()), "cancel"),
            ],
            (_, Screen::Invitations) => vec![
                (key(Action::ToggleDetail), "detail"),
                (key(Action::Filter), "filter"),
                (key(Action::Accept), "accept"),
                (key(Action::Decline), "decline"),
                (key(Action::Members), "members"),
                (key(Action::Log), "log"),
                (key(Action::Refresh), "refresh"),
                (key(Action::Help), "help"),
                (key(Action::Quit), "quit"),
            ],
            (_, Screen::Members) => vec![
                (key(Action::ToggleDetail), "detail"),
                (key(Action::Invite), "invite"),
                (key(Action::Delete), "delete invitation"),
                (key(Action::RemoveMember), "remove"),
                (key(Action::Filter), "filter"),
                (key(Action::Members), "invitations"),
                (key(Action::Help), "help"),
                (key(Action::Quit), "quit"),
            ],
        };
        let mut hints: Vec<(String, &str)> = hints
            .into_iter()
            .filter_map(|(key, label)| Some((key?, label)))
            .collect();
        let lead = if marked > 0 {
            let hidden = match state.screen {
                Screen::Invitations => state.invitations.hidden_marks(),
                Screen::Members => state.members.table.hidden_marks(),
            };
            match hidden {
                0 => format!("{marked} marked  "),
                hidden => format!("{marked} marked ({hidden} hidden)  "),
            }
        } else {
            String::new()
        };
        // What does not fit goes from the middle: the first hints and help and quit stay.
        let width = |hints: &[(String, &str)]| {
            1 + lead.chars().count()
                + hints
                    .iter()
                    .map(|(k, l)| k.chars().count() + l.chars().count() + 3)
                    .sum::<usize>()
        };
        while width(&hints) > usize::from(area.width) && hints.len() > 3 {
            hints.remove(hints.len() - 3);
        }
        let mut spans = vec![Span::raw(" ")];
        if !lead.is_empty() {
            spans.push(Span::styled(lead, theme::key()));
        }
        for (key, label) in hints {
            spans.push(Span::styled(key, theme::key()));
            spans.push(Span::raw(format!(" {label}  ")));
        }
        Line::from(spans).render(area, buf);
    }
}
