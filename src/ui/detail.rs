//! Every field the service returned for the selected invitation; for Detective, usage by data
//! source package and the share of the graph as a gauge.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Gauge, Paragraph, Widget, Wrap};

use super::{layout, theme};
use crate::app::{AppState, TableRow};
use crate::format;
use crate::model::{Details, Invitation, Trust};

pub struct DetailPane<'a>(pub &'a AppState);

/// Labels take this much of the line; less on a narrow terminal.
fn label_width(width: u16) -> usize {
    if width < 90 { 15 } else { 22 }
}

fn label(name: &str, width: usize) -> Span<'static> {
    Span::styled(format!("{name:>width$}  "), theme::dim())
}

fn time(state: &AppState, at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    match at {
        Some(at) => format!(
            "{} ({})",
            format::timestamp(at, state.settings.clock),
            format::age(at, state.now)
        ),
        None => "—".into(),
    }
}

fn lines<'a>(state: &'a AppState, invitation: &'a Invitation, width: u16) -> Vec<Line<'a>> {
    let w = label_width(width);
    let field = |name: &str, value: String| Line::from(vec![label(name, w), Span::raw(value)]);
    let mut lines = vec![
        field("Service", invitation.service.display_name().to_owned()),
        field("Region", invitation.region.clone()),
        field("Profile", invitation.profile.clone()),
        field(
            "Account",
            match state.account_names.get(&invitation.profile) {
                Some(name) => format!("{} ({name})", state.account_label(invitation)),
                None => state.account_label(invitation).to_owned(),
            },
        ),
        field("Administrator", invitation.administrator_id.clone()),
    ];
    if let Some(asked) = state.current_administrators.get(&invitation.source()) {
        let said = match asked {
            None => "asking GetAdministratorAccount…".to_owned(),
            Some(Ok(None)) => "none".to_owned(),
            Some(Ok(Some(admin))) if *admin == invitation.administrator_id => {
                format!("{admin}, this invitation's sender")
            }
            Some(Ok(Some(admin))) => format!("{admin}: accepting means leaving it first"),
            Some(Err(error)) => format!("could not ask: {error}"),
        };
        lines.push(field("Answers to here", said));
    }
    // Without a policy every sender is unknown: said in the table's absence of marks, not here.
    if !state.settings.trust.is_empty() {
        trust_lines(state, invitation, &mut lines, w);
    }
    if let Some(id) = &invitation.invitation_id {
        lines.push(field("Invitation id", id.clone()));
    }
    if let Some(arn) = &invitation.graph_arn {
        lines.push(field("Graph ARN", arn.clone()));
    }
    lines.push(field("Invited", time(state, invitation.invited_at)));
    lines.push(Line::from(vec![
        label("Status", w),
        Span::styled(
            invitation.status_raw.clone(),
            theme::status(invitation.status),
        ),
        Span::styled(format!("  ({})", invitation.status.label()), theme::dim()),
    ]));
    if let Some(note) = state.invitations.note(&invitation.key()) {
        let (text, style) = match note {
            crate::app::Note::Working(response) => {
                (format!("{response} sent, waiting…"), theme::key())
            }
            crate::app::Note::Done(response) => (format!("{response}: done"), theme::ok()),
            crate::app::Note::Failed(response, reason) => {
                (format!("{response} failed: {reason}"), theme::error())
            }
        };
        lines.push(Line::from(vec![
            label("Last action", w),
            Span::styled(text, style),
        ]));
    }
    match &invitation.details {
        Details::SecurityHub {} | Details::Macie {} => {}
        Details::GuardDuty { invited_at_raw } => {
            if let Some(raw) = invited_at_raw {
                lines.push(field("invitedAt (as sent)", raw.clone()));
            }
        }
        Details::Detective {
            email,
            invitation_type,
            updated_at,
            disabled_reason,
            volume_usage_bytes,
            volume_usage_updated_at,
            ingest_states,
            volume_usage_by_package,
            ..
        } => {
            if let Some(email) = email {
                lines.push(field("Email", email.clone()));
            }
            if let Some(kind) = invitation_type {
                lines.push(field("Invitation type", kind.clone()));
            }
            lines.push(field("Updated", time(state, *updated_at)));
            if let Some(reason) = disabled_reason {
                lines.push(Line::from(vec![
                    label("Disabled reason", w),
                    Span::styled(reason.clone(), theme::error()),
                ]));
            }
            if let Some(bytes) = volume_usage_bytes {
                let as_of = volume_usage_updated_at
                    .map(|at| format!(", as of {}", format::age(at, state.now)))
                    .unwrap_or_default();
                lines.push(field(
                    "Volume usage",
                    format!("{}{as_of}", format::bytes(*bytes)),
                ));
            }
            if !ingest_states.is_empty() {
                let states: Vec<String> = ingest_states
                    .iter()
                    .map(|(package, ingest)| format!("{package} {ingest}"))
                    .collect();
                lines.push(field("Ingest", states.join(" · ")));
            }
            if !volume_usage_by_package.is_empty() {
                let volumes: Vec<String> = volume_usage_by_package
                    .iter()
                    .map(|(package, usage)| {
                        let volume = usage
                            .volume_bytes
                            .map(format::bytes)
                            .unwrap_or_else(|| "—".into());
                        format!("{package} {volume}")
                    })
                    .collect();
                lines.push(field("By package", volumes.join(" · ")));
            }
        }
    }
    lines
}

impl Widget for DetailPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        let Some(row) = state.invitations.selected_row() else {
            return;
        };
        let invitation = &row.invitation;
        // Small terminals need every row for Detective's fields.
        let popup = if area.height < 30 {
            area
        } else {
            layout::centered(area, 96, 92, 120)
        };
        Clear.render(popup, buf);
        let block = Block::default().borders(Borders::ALL).title(format!(
            " {} invitation — Esc closes ",
            invitation.service.display_name()
        ));
        let inner = block.inner(popup);
        block.render(popup, buf);

        let utilisation = match &invitation.details {
            Details::Detective {
                percent_of_graph_utilization: Some(percent),
                ..
            } => Some(*percent),
            _ => None,
        };
        let text = Paragraph::new(lines(state, invitation, inner.width)).wrap(Wrap { trim: false });
        // The gauge goes right under the text, however tall the pane; counted as wrapped, so
        // the last wrapped line is not lost. What does not fit scrolls (PgDn, PgUp).
        let total = text.line_count(inner.width);
        let scroll = match state.overlay {
            crate::app::Overlay::Detail(scroll) => scroll,
            _ => 0,
        };
        let gauge_rows = if utilisation.is_some() { 2 } else { 0 };
        let room = usize::from(inner.height.saturating_sub(gauge_rows));
        let scroll = scroll.min(total.saturating_sub(room));
        let text = text.scroll((scroll as u16, 0));
        let text_height = total.saturating_sub(scroll).min(room) as u16;
        let [text_area, gauge_area, _] = Layout::vertical([
            Constraint::Length(text_height),
            Constraint::Length(gauge_rows),
            Constraint::Min(0),
        ])
        .areas(inner);
        text.render(text_area, buf);
        if let Some(percent) = utilisation {
            let color = if percent > 100.0 {
                Color::Red
            } else if percent > 80.0 {
                Color::Yellow
            } else {
                Color::Green
            };
            Gauge::default()
                .block(
                    Block::default()
                        .borders(Borders::TOP)
                        .title(" Daily volume, as a percent of the graph's allowed maximum "),
                )
                .gauge_style(Style::new().fg(color))
                .ratio((percent / 100.0).clamp(0.0, 1.0))
                .label(format!("{percent:.1}%"))
                .render(gauge_area, buf);
        }
    }
}

/// Every field of the selected member, and what became of the last change to it, whole.
pub struct MemberDetailPane<'a>(pub &'a AppState);

impl Widget for MemberDetailPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        let Some(row) = state.members.table.selected_row() else {
            return;
        };
        let member = &row.member;
        let popup = if area.height < 30 {
            area
        } else {
            layout::centered(area, 96, 60, 120)
        };
        Clear.render(popup, buf);
        let block = Block::default().borders(Borders::ALL).title(format!(
            " {} member — Esc closes ",
            member.service.display_name()
        ));
        let inner = block.inner(popup);
        block.render(popup, buf);
        let w = label_width(inner.width);
        let field = |name: &str, value: String| Line::from(vec![label(name, w), Span::raw(value)]);
        let status = member.normalised();
        let mut lines = vec![
            field("Service", member.service.display_name().to_owned()),
            field("Region", member.region.clone()),
            field("Profile", member.profile.clone()),
            field("Administrator", member.administrator_id.clone()),
            field("Member", member.account_id.clone()),
            field("Email", member.email.clone().unwrap_or_else(|| "—".into())),
            Line::from(vec![
                label("Status", w),
                Span::styled(member.status.clone(), theme::status(status)),
                Span::styled(format!("  ({})", status.label()), theme::dim()),
            ]),
            field("Invited", time(state, member.invited_at)),
            field("Updated", time(state, member.updated_at)),
        ];
        if let Some(resource) = &member.resource {
            let name = match member.service {
                crate::model::ServiceKind::Detective => "Graph ARN",
                _ => "Detector",
            };
            lines.push(field(name, resource.clone()));
        }
        if let Some(note) = state.members.table.note(row.key()) {
            let (text, style) = match note {
                crate::app::MemberNote::Working => ("in flight…".to_owned(), theme::key()),
                crate::app::MemberNote::Done(action) => (action.past().to_owned(), theme::ok()),
                crate::app::MemberNote::Failed(reason) => (reason.clone(), theme::error()),
            };
            lines.push(Line::from(vec![
                label("Last change", w),
                Span::styled(format::terminal_safe(&text).into_owned(), style),
            ]));
        }
        let text = Paragraph::new(lines).wrap(Wrap { trim: false });
        let total = text.line_count(inner.width);
        let scroll = match state.overlay {
            crate::app::Overlay::Detail(scroll) => scroll,
            _ => 0,
        };
        let scroll = scroll.min(total.saturating_sub(usize::from(inner.height)));
        text.scroll((scroll as u16, 0)).render(inner, buf);
    }
}

/// What the trust policy makes of the sender, and what else is known of it.
fn trust_lines<'a>(state: &AppState, invitation: &Invitation, lines: &mut Vec<Line<'a>>, w: usize) {
    let (trust, why) = state.settings.trust.verdict(invitation);
    let style = match trust {
        Trust::Untrusted => theme::error(),
        Trust::Trusted => theme::ok(),
        Trust::Unknown => theme::dim(),
    };
    let mark = match trust.symbol() {
        "" => String::new(),
        mark => format!("{mark} "),
    };
    lines.push(Line::from(vec![
        label("Trust", w),
        Span::styled(format!("{mark}{}", trust.label()), style),
        Span::styled(format!(": {why}"), theme::dim()),
    ]));
    if let Some(context) = state
        .administrators_of(&invitation.profile)
        .context(invitation)
    {
        lines.push(Line::from(vec![label("Known", w), Span::raw(context)]));
    }
}
