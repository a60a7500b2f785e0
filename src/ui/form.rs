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
        // The field being typed in shows the cursor where it is.
        let text = |field: Field, value: &str| -> Vec<Span<'static>> {
            match form.field == field {
                true => theme::with_cursor(value, form.cursor),
                false => vec![Span::raw(value.to_owned())],
            }
        };
        let mut lines = vec![
            Line::styled(
                format!(" Invite accounts as members, as profile {}", form.profile),
                theme::title(),
            ),
            Line::raw(""),
        ];
        // Accounts keep their lines; the cursor is drawn on the line it is on.
        let mut start = 0;
        let rows: Vec<&str> = form.accounts.split('\n').collect();
        for (i, row) in rows.iter().enumerate() {
            let mut spans = vec![if i == 0 {
                label(Field::Accounts)
            } else {
                Span::raw(" ".repeat(12))
            }];
            let end = start + row.len();
            let here = form.field == Field::Accounts && (start..=end).contains(&form.cursor);
            if here {
                spans.extend(theme::with_cursor(row, form.cursor - start));
            } else {
                spans.push(Span::raw((*row).to_owned()));
            }
            lines.push(Line::from(spans));
            start = end + 1;
        }
        lines.push(Line::styled(
            "             ids separated by spaces or commas, or pasted `AccountId,Email` lines",
            theme::dim(),
        ));
        let mut email = vec![label(Field::Email)];
        email.extend(text(Field::Email, &form.email));
        lines.push(Line::from(email));
        lines.push(Line::styled(
            "             for accounts without their own; GuardDuty, Detective and Macie need one",
            theme::dim(),
        ));
        let mut message = vec![label(Field::Message)];
        message.extend(text(Field::Message, &form.message));
        lines.push(Line::from(message));
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
        let mut regions = vec![label(Field::Regions)];
        regions.extend(text(Field::Regions, &form.regions));
        lines.push(Line::from(regions));
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
