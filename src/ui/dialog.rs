//! The confirmation dialog: what will be answered, where, as whom, and what AWS needs first.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::theme;
use crate::app::{AppState, MemberChange, Proposal};
use crate::format;
use crate::model::Response;

pub struct ConfirmDialog<'a>(pub &'a AppState);

/// The dialog's box: as tall as its lines, centred.
fn boxed(area: Rect, buf: &mut Buffer, title: String, lines: Vec<Line>) {
    let height = (lines.len() as u16 + 2).min(area.height);
    let width = area.width.saturating_sub(4).clamp(20, 100);
    let popup = Rect {
        x: area.x + (area.width.saturating_sub(width)) / 2,
        y: area.y + (area.height.saturating_sub(height)) / 2,
        width,
        height,
    };
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(Block::default().borders(Borders::ALL).title(title))
        .render(popup, buf);
}

fn yes_no(verb: &str) -> Line<'static> {
    Line::from(vec![
        Span::styled("y", theme::key()),
        Span::raw(" or "),
        Span::styled("Enter", theme::key()),
        Span::raw(format!(" {verb} · ")),
        Span::styled("n", theme::key()),
        Span::raw(" or "),
        Span::styled("Esc", theme::key()),
        Span::raw(" cancel"),
    ])
}

fn proposal_lines(
    state: &AppState,
    proposal: &Proposal,
    room: usize,
) -> (String, Vec<Line<'static>>) {
    match proposal {
        Proposal::ChangeMembers { change, targets } => {
            let verb = match change {
                MemberChange::WithdrawInvitation => "Delete invitations",
                MemberChange::Remove => "Remove members",
            };
            let mut lines = vec![
                Line::styled(
                    format!(
                        "{} {} member(s)?",
                        format::capitalised(change.describe()),
                        targets.len()
                    ),
                    theme::title(),
                ),
                Line::raw(""),
            ];
            for member in targets.iter().take(room) {
                lines.push(Line::raw(format!(
                    "  {} · {} · administrator {} · member {} ({})",
                    member.service,
                    member.region,
                    member.administrator_id,
                    member.account_id,
                    member.status
                )));
            }
            if targets.len() > room {
                lines.push(Line::styled(
                    format!("  … and {} more", targets.len() - room),
                    theme::dim(),
                ));
            }
            let calls = match change {
                MemberChange::WithdrawInvitation => {
                    "Security Hub DeleteInvitations; Detective DeleteMembers"
                }
                MemberChange::Remove => {
                    "DisassociateMembers then DeleteMembers; Detective DeleteMembers"
                }
            };
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                format!("  {calls}, in batches of at most 50."),
                theme::dim(),
            ));
            lines.push(Line::raw(""));
            lines.push(yes_no(if *change == MemberChange::Remove {
                "remove"
            } else {
                "delete"
            }));
            (
                format!(" {verb} — nothing is sent until you confirm "),
                lines,
            )
        }
        Proposal::Invite {
            invitees,
            message,
            sources,
        } => {
            let mut lines = vec![
                Line::styled(
                    format!("Invite {} account(s) as members?", invitees.len()),
                    theme::title(),
                ),
                Line::raw(""),
            ];
            for invitee in invitees.iter().take(room) {
                lines.push(Line::raw(format!(
                    "  {}{}",
                    invitee.account_id,
                    invitee
                        .email
                        .as_ref()
                        .map(|e| format!(" · {e}"))
                        .unwrap_or_default()
                )));
            }
            if invitees.len() > room {
                lines.push(Line::styled(
                    format!("  … and {} more", invitees.len() - room),
                    theme::dim(),
                ));
            }
            lines.push(Line::raw(""));
            let places: Vec<String> = sources
                .iter()
                .map(|s| format!("{} {}", s.service, s.region))
                .collect();
            lines.push(Line::raw(format!(
                "  in {} as {}",
                places.join(", "),
                sources
                    .first()
                    .map(|s| state
                        .account_of(&s.profile)
                        .unwrap_or_else(|| s.profile.clone()))
                    .unwrap_or_default()
            )));
            if let Some(message) = message {
                lines.push(Line::raw(format!("  message: {message}")));
            }
            lines.push(Line::styled(
                "  Security Hub and GuardDuty: CreateMembers then InviteMembers; Detective: CreateMembers.",
                theme::dim(),
            ));
            lines.push(Line::raw(""));
            lines.push(yes_no("invite"));
            (
                " Invite — nothing is sent until you confirm ".to_owned(),
                lines,
            )
        }
    }
}

impl Widget for ConfirmDialog<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        if let Some(proposal) = state.proposal() {
            let room = usize::from(area.height.saturating_sub(14)).max(3);
            let (title, lines) = proposal_lines(state, proposal, room);
            boxed(area, buf, title, lines);
            return;
        }
        let Some(dialog) = state.dialog() else {
            return;
        };
        let count = dialog.targets.len();
        let verb = match dialog.response {
            Response::Accept => "Accept",
            Response::Decline => "Decline",
            Response::Delete => "Delete",
        };
        let noun = if count == 1 {
            "invitation"
        } else {
            "invitations"
        };
        let mut lines = vec![
            Line::styled(format!("{verb} {count} {noun}?"), theme::title()),
            Line::raw(""),
        ];
        let room = usize::from(area.height.saturating_sub(14)).max(3);
        for (source, _, invitation) in dialog.targets.iter().take(room) {
            let what = if dialog.response == Response::Decline
                && invitation.service == crate::model::ServiceKind::Detective
            {
                " (RejectInvitation)"
            } else {
                ""
            };
            lines.push(Line::raw(format!(
                "  {} · {} · account {} · from administrator {}{what}",
                source.service,
                source.region,
                state.account_label(invitation),
                invitation.administrator_id
            )));
        }
        if count > room {
            lines.push(Line::styled(
                format!("  … and {} more", count - room),
                theme::dim(),
            ));
        }
        if !dialog.skipped.is_empty() {
            lines.push(Line::styled(
                format!("  {} marked row(s) left out:", dialog.skipped.len()),
                theme::dim(),
            ));
            for reason in dialog.skipped.iter().take(3) {
                lines.push(Line::styled(format!("    {reason}"), theme::dim()));
            }
        }
        lines.push(Line::raw(""));
        match &dialog.readiness {
            None => lines.push(Line::styled(
                format!(
                    "{} Asking AWS what is needed first…",
                    format::spinner(state.spinner)
                ),
                theme::dim(),
            )),
            Some(readiness) => {
                let mut any = false;
                for (source, ready) in readiness {
                    match ready {
                        Ok(ready) => {
                            for step in &ready.steps {
                                any = true;
                                lines.push(Line::from(vec![
                                    Span::styled("  first: ", theme::key()),
                                    Span::raw(format!(
                                        "{} in {} — {}",
                                        source.service,
                                        source.region,
                                        step.describe()
                                    )),
                                ]));
                            }
                        }
                        Err(error) => {
                            any = true;
                            lines.push(Line::styled(
                                format!(
                                    "  could not check {} {}: {error}",
                                    source.service, source.region
                                ),
                                theme::error(),
                            ));
                        }
                    }
                }
                if any {
                    lines.push(Line::styled(
                        "  Confirming takes these steps too.",
                        theme::dim(),
                    ));
                } else {
                    lines.push(Line::styled("  Nothing is needed first.", theme::dim()));
                }
            }
        }
        lines.push(Line::raw(""));
        lines.push(yes_no(dialog.response.verb()));
        let title = format!(" {verb} — nothing is sent until you confirm ");
        boxed(area, buf, title, lines);
    }
}
