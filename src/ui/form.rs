//! The invite form: accounts (typed or pasted), email, message, services and regions.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::theme;
use crate::app::AppState;
use crate::app::Field;
use crate::model::ServiceKind;

pub struct InviteFormOverlay<'a>(pub &'a AppState);

impl Widget for InviteFormOverlay<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let Some(form) = self.0.form() else {
            return;
        };
        let popup = if area.height < 30 {
            area
        } else {
            super::layout::centered(area, 90, 80, 100)
        };
        Clear.render(popup, buf);
        let label = |field: Field| {
            let style = if form.field == field {
                theme::key()
            } else {
                theme::dim()
            };
            let marker = if form.field == field { "▶" } else { " " };
            Span::styled(format!("{marker} {:<9} ", field.label()), style)
        };
        let cursor = |field: Field| if form.field == field { "█" } else { "" };
        let mut lines = vec![
            Line::styled(
                format!(" Invite accounts as members, as profile {}", form.profile),
                theme::title(),
            ),
            Line::raw(""),
        ];
        let accounts: Vec<&str> = form.accounts.lines().collect();
        if accounts.is_empty() {
            lines.push(Line::from(vec![
                label(Field::Accounts),
                Span::raw(cursor(Field::Accounts)),
            ]));
        }
        for (i, line) in accounts.iter().enumerate() {
            let first = if i == 0 {
                label(Field::Accounts)
            } else {
                Span::raw(" ".repeat(12))
            };
            let end = if i + 1 == accounts.len() {
                cursor(Field::Accounts)
            } else {
                ""
            };
            lines.push(Line::from(vec![first, Span::raw(format!("{line}{end}"))]));
        }
        lines.push(Line::styled(
            "             ids separated by spaces or commas, or pasted `AccountId,Email` lines",
            theme::dim(),
        ));
        lines.push(Line::from(vec![
            label(Field::Email),
            Span::raw(format!("{}{}", form.email, cursor(Field::Email))),
        ]));
        lines.push(Line::styled(
            "             for accounts without their own; GuardDuty and Detective need one",
            theme::dim(),
        ));
        lines.push(Line::from(vec![
            label(Field::Message),
            Span::raw(format!("{}{}", form.message, cursor(Field::Message))),
        ]));
        let mut services = vec![label(Field::Services)];
        for (i, service) in ServiceKind::ALL.into_iter().enumerate() {
            let check = if form.services[i] { "[x]" } else { "[ ]" };
            let style = if form.field == Field::Services && form.service_cursor == i {
                theme::selected()
            } else {
                ratatui::style::Style::default()
            };
            services.push(Span::styled(
                format!("{check} {}", service.display_name()),
                style,
            ));
            services.push(Span::raw("  "));
        }
        lines.push(Line::from(services));
        lines.push(Line::from(vec![
            label(Field::Regions),
            Span::raw(format!("{}{}", form.regions, cursor(Field::Regions))),
        ]));
        lines.push(Line::raw(""));
        for error in &form.errors {
            lines.push(Line::styled(format!(" ✗ {error}"), theme::error()));
        }
        if !form.errors.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::from(vec![
            Span::styled(" Tab", theme::key()),
            Span::raw(" next field · "),
            Span::styled("Space", theme::key()),
            Span::raw(" toggles a service · "),
            Span::styled("Enter", theme::key()),
            Span::raw(" check and review · "),
            Span::styled("Esc", theme::key()),
            Span::raw(" cancel"),
        ]));
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" Invite — nothing is sent until you confirm "),
            )
            .render(popup, buf);
    }
}
