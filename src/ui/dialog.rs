//! The confirmation dialog: what will be answered, where, as whom, and what AWS needs first.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::theme;
use crate::app::{AppState, MemberChange, Proposal};
use crate::format;
use crate::model::{Response, ServiceKind};
use crate::reconciling::Step;

pub struct ConfirmDialog<'a>(pub &'a AppState);

/// What a dialog says: a head, the items it acts on, and a tail with what happens and the
/// keys. Only the items give way when the screen is short.
struct Content {
    title: String,
    head: Vec<Line<'static>>,
    items: Vec<Line<'static>>,
    tail: Vec<Line<'static>>,
}

/// Rows `lines` take at `width`, wrapped as they are drawn.
fn rows(lines: &[Line<'static>], width: u16) -> usize {
    Paragraph::new(lines.to_vec())
        .wrap(Wrap { trim: false })
        .line_count(width)
}

/// The dialog's box, as tall as its wrapped lines and centred; when they do not fit, the items
/// are cut with how many more there are, so the head, the steps and the keys always show.
fn boxed(area: Rect, buf: &mut Buffer, content: Content) {
    let width = area.width.saturating_sub(4).clamp(20, 100).min(area.width);
    let inner = width.saturating_sub(2);
    let fixed = rows(&content.head, inner) + rows(&content.tail, inner);
    let room = usize::from(area.height.saturating_sub(2)).saturating_sub(fixed);
    let mut lines = content.head;
    let all = rows(&content.items, inner);
    if all <= room {
        lines.extend(content.items);
    } else {
        let total = content.items.len();
        let mut used = 1; // the "… and N more" line
        let mut shown = 0;
        for item in content.items {
            let needs = rows(std::slice::from_ref(&item), inner);
            if used + needs > room {
                break;
            }
            used += needs;
            shown += 1;
            lines.push(item);
        }
        let said = match shown {
            0 => format!("  ({total} not listed: no room)"),
            _ => format!("  … and {} more", total - shown),
        };
        lines.push(Line::styled(said, theme::dim()));
    }
    lines.extend(content.tail);
    // Still too tall (a tiny terminal, long steps): lines give way from just above the keys,
    // which always show.
    let height = usize::from(area.height.saturating_sub(2));
    if rows(&lines, inner) > height && lines.len() > 2 {
        let keys = lines.pop().unwrap_or_default();
        let cut = Line::styled("  … (a taller terminal shows the rest)", theme::dim());
        while lines.len() > 1
            && rows(&lines, inner) + rows(&[cut.clone(), keys.clone()], inner) > height
        {
            lines.pop();
        }
        lines.push(cut);
        lines.push(keys);
    }
    let body = Paragraph::new(lines).wrap(Wrap { trim: false });
    let height = (body.line_count(inner) as u16 + 2).min(area.height);
    let popup = Rect {
        x: area.x + (area.width.saturating_sub(width)) / 2,
        y: area.y + (area.height.saturating_sub(height)) / 2,
        width,
        height,
    };
    Clear.render(popup, buf);
    body.block(Block::default().borders(Borders::ALL).title(content.title))
        .render(popup, buf);
}

/// Whose gaps a plan closes, for its question (one account by name, or how many), and each
/// step's place as its line says it (with the account when there are several).
fn whose(steps: &[Step]) -> (String, impl Fn(&Step) -> String) {
    let one = steps
        .first()
        .filter(|first| steps.iter().all(|s| s.account.id == first.account.id));
    let who = match one.map(|s| &s.account) {
        Some(account) => match &account.name {
            Some(name) => format!("{name} ({})", account.id),
            None => account.id.clone(),
        },
        None => {
            let accounts: std::collections::BTreeSet<&str> =
                steps.iter().map(|s| s.account.id.as_str()).collect();
            format::plural(accounts.len(), "account")
        }
    };
    let several = one.is_none();
    let each = move |step: &Step| {
        let account = match several {
            true => format!("{} ", step.account.id),
            false => String::new(),
        };
        format!(
            "{account}{} {} · {} {}",
            step.source.service.display_name(),
            step.source.region,
            step.from.symbol(),
            step.from.label()
        )
    };
    (who, each)
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

/// What a change of members sends in `service`: only the services of the members chosen are
/// named, so the dialog says what this confirmation will do and nothing else.
fn member_calls(change: MemberChange, service: ServiceKind) -> String {
    let calls = match (change, service) {
        (MemberChange::Remove, ServiceKind::SecurityHub | ServiceKind::GuardDuty) => {
            "DisassociateMembers then DeleteMembers, in batches of at most 50"
        }
        (MemberChange::Remove, ServiceKind::Macie) => {
            "DisassociateMember then DeleteMember, one member at a time"
        }
        (_, ServiceKind::Detective) => "DeleteMembers, in batches of at most 50",
        (MemberChange::WithdrawInvitation, ServiceKind::SecurityHub) => {
            "DeleteInvitations, in batches of at most 50"
        }
        (MemberChange::WithdrawInvitation, ServiceKind::GuardDuty | ServiceKind::Macie) => {
            "nothing: only the invitee deletes an invitation here (remove the member instead)"
        }
    };
    format!("  {service}: {calls}.")
}

fn proposal(state: &AppState, proposal: &Proposal) -> Content {
    match proposal {
        Proposal::ChangeMembers { change, targets } => {
            let verb = match change {
                MemberChange::WithdrawInvitation => "Delete invitations",
                MemberChange::Remove => "Remove members",
            };
            let head = vec![
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
            let items = targets
                .iter()
                .map(|member| {
                    Line::raw(format!(
                        "  {} · {} · administrator {} · member {} ({})",
                        member.service,
                        member.region,
                        member.administrator_id,
                        member.account_id,
                        member.status
                    ))
                })
                .collect();
            let services: std::collections::BTreeSet<ServiceKind> =
                targets.iter().map(|member| member.service).collect();
            let mut tail = vec![Line::raw("")];
            tail.extend(
                services
                    .into_iter()
                    .map(|service| Line::styled(member_calls(*change, service), theme::dim())),
            );
            tail.extend([
                Line::raw(""),
                yes_no(if *change == MemberChange::Remove {
                    "remove"
                } else {
                    "delete"
                }),
            ]);
            Content {
                title: format!(" {verb} — nothing is sent until you confirm "),
                head,
                items,
                tail,
            }
        }
        Proposal::Onboard { steps, role } => {
            let (who, each) = whose(steps);
            let head = vec![
                Line::styled(
                    format!(
                        "Onboard {who} in {}, on both sides?",
                        format::plural(steps.len(), "place")
                    ),
                    theme::title(),
                ),
                Line::raw(""),
            ];
            let items = steps
                .iter()
                .map(|step| {
                    let first = match step.fix {
                        crate::model::Fix::Wait => String::new(),
                        ref fix => format!("{}, then ", fix.describe()),
                    };
                    Line::raw(format!("  {} → {first}accept as the member", each(step)))
                })
                .collect();
            let tail = vec![
                Line::raw(""),
                Line::styled(
                    format!(
                        "  As each member through the role {role}: EnableSecurityHub, CreateDetector or EnableMacie where accepting needs it, the invitation accepted when it arrives; then the administrator's list read until it shows the member enabled. Waits up to 5 minutes; each cell shows its stage."
                    ),
                    theme::dim(),
                ),
                Line::raw(""),
                yes_no("onboard"),
            ];
            Content {
                title: " Onboard — nothing is sent until you confirm ".into(),
                head,
                items,
                tail,
            }
        }
        Proposal::Reconcile { steps } => {
            let (who, each) = whose(steps);
            let head = vec![
                Line::styled(
                    format!("Close {} of {who}?", format::plural(steps.len(), "gap")),
                    theme::title(),
                ),
                Line::raw(""),
            ];
            let items = steps
                .iter()
                .map(|step| Line::raw(format!("  {} → {}", each(step), step.fix.describe())))
                .collect();
            let tail = vec![
                Line::raw(""),
                Line::styled(
                    "  CreateMembers and InviteMembers (Detective CreateMembers; Macie CreateMember and CreateInvitations), DeleteMembers first where the email failed, StartMonitoringMembers / StartMonitoringMember; the matrix follows as each place is listed again.",
                    theme::dim(),
                ),
                Line::raw(""),
                yes_no("apply"),
            ];
            Content {
                title: " Reconcile — nothing is sent until you confirm ".into(),
                head,
                items,
                tail,
            }
        }
        Proposal::Invite {
            invitees,
            message,
            sources,
        } => {
            let head = vec![
                Line::styled(
                    format!("Invite {} account(s) as members?", invitees.len()),
                    theme::title(),
                ),
                Line::raw(""),
            ];
            let items = invitees
                .iter()
                .map(|invitee| {
                    Line::raw(format!(
                        "  {}{}",
                        invitee.account_id,
                        invitee
                            .email
                            .as_ref()
                            .map(|e| format!(" · {e}"))
                            .unwrap_or_default()
                    ))
                })
                .collect();
            let who = sources
                .first()
                .map(|s| {
                    state
                        .account_of(&s.profile)
                        .unwrap_or_else(|| s.profile.clone())
                })
                .unwrap_or_default();
            let mut tail = vec![Line::raw(""), Line::raw(format!("  as {who}, in:"))];
            // One line per service, its regions after it.
            let mut services: Vec<_> = sources.iter().map(|s| s.service).collect();
            services.dedup();
            for service in services {
                let regions: Vec<&str> = sources
                    .iter()
                    .filter(|s| s.service == service)
                    .map(|s| s.region.as_str())
                    .collect();
                tail.push(Line::raw(format!("    {service}: {}", regions.join(", "))));
            }
            if let Some(message) = message {
                tail.push(Line::raw(format!("  message: {message}")));
            }
            tail.extend([
                Line::styled(
                    "  Security Hub and GuardDuty: CreateMembers then InviteMembers; Detective: CreateMembers; Macie: CreateMember then CreateInvitations.",
                    theme::dim(),
                ),
                Line::raw(""),
                yes_no("invite"),
            ]);
            Content {
                title: " Invite — nothing is sent until you confirm ".to_owned(),
                head,
                items,
                tail,
            }
        }
    }
}

impl Widget for ConfirmDialog<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        if let Some(proposed) = state.proposal() {
            boxed(area, buf, proposal(state, proposed));
            return;
        }
        let Some(dialog) = state.dialog() else {
            return;
        };
        let count = dialog.answering().count();
        let verb = match dialog.response {
            Response::Accept => "Accept",
            Response::Decline if dialog.then_delete => "Decline and delete",
            Response::Decline => "Decline",
            Response::Delete => "Delete",
        };
        let noun = if count == 1 {
            "invitation"
        } else {
            "invitations"
        };
        let from = if dialog.then_delete {
            " from untrusted senders"
        } else {
            ""
        };
        let head = vec![
            Line::styled(format!("{verb} {count} {noun}{from}?"), theme::title()),
            Line::raw(""),
        ];
        let items = dialog
            .targets
            .iter()
            .map(|(source, _, invitation)| {
                let what = if dialog.response == Response::Decline
                    && invitation.service == crate::model::ServiceKind::Detective
                {
                    " (RejectInvitation)"
                } else {
                    ""
                };
                Line::raw(format!(
                    "  {} · {} · account {} · from administrator {}{what}",
                    source.service,
                    source.region,
                    state.account_label(invitation),
                    invitation.administrator_id
                ))
            })
            .collect();
        let mut tail = Vec::new();
        for choice in &dialog.choices {
            let (source, _, _) = &choice.candidates[0];
            tail.push(Line::styled(
                format!(
                    "  Only one of {} can be accepted in {} {} as {}: one administrator per account and region.",
                    choice.candidates.len(),
                    source.service,
                    source.region,
                    state.account_of(&source.profile).unwrap_or_else(|| source.profile.clone())
                ),
                theme::error(),
            ));
            for (at, (_, _, invitation)) in choice.candidates.iter().enumerate() {
                let (mark, said) = if at == choice.chosen {
                    ("●", "accept")
                } else {
                    ("○", "stays pending")
                };
                let age = invitation
                    .invited_at
                    .map(|t| format!(", invited {}", format::age(t, state.now)))
                    .unwrap_or_default();
                tail.push(Line::raw(format!(
                    "    {mark} from administrator {}{age}: {said}",
                    invitation.administrator_id
                )));
            }
        }
        if !dialog.choices.is_empty() {
            tail.push(Line::from(vec![
                Span::raw("  "),
                Span::styled("Tab", theme::key()),
                Span::raw(" picks another administrator."),
            ]));
        }
        if !dialog.skipped.is_empty() {
            tail.push(Line::styled(
                format!("  {} marked row(s) left out:", dialog.skipped.len()),
                theme::dim(),
            ));
            for reason in dialog.skipped.iter().take(3) {
                tail.push(Line::styled(format!("    {reason}"), theme::dim()));
            }
        }
        tail.push(Line::raw(""));
        match &dialog.readiness {
            None => tail.push(Line::styled(
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
                                tail.push(Line::from(vec![
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
                            tail.push(Line::styled(
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
                    tail.push(Line::styled(
                        "  Confirming takes these steps too.",
                        theme::dim(),
                    ));
                } else {
                    tail.push(Line::styled("  Nothing is needed first.", theme::dim()));
                }
            }
        }
        tail.push(Line::raw(""));
        tail.push(yes_no(match dialog.then_delete {
            true => "decline and delete",
            false => dialog.response.verb(),
        }));
        let title = format!(" {verb} — nothing is sent until you confirm ");
        boxed(
            area,
            buf,
            Content {
                title,
                head,
                items,
                tail,
            },
        );
    }
}
