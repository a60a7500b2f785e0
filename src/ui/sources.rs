//! One line per source: spinner while loading, pages and items so far, ✓ and the time taken,
//! or ✗ with the service's error.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::theme;
use crate::app::{AppState, Phase, SourceState};
use crate::format;
use crate::model::ErrorKind;

pub struct SourcesPanel<'a>(pub &'a AppState);

/// Failures first, then what is still running, then what is done: what needs eyes comes first.
fn rank(source: &SourceState) -> u8 {
    match &source.phase {
        Phase::Failed { error, .. } if error.kind != ErrorKind::RegionNotEnabled => 0,
        Phase::Loading => 1,
        Phase::Queued => 2,
        Phase::Failed { .. } => 4,
        Phase::Done { .. } => 3,
    }
}

fn line<'a>(state: &AppState, source: &'a SourceState) -> Line<'a> {
    let several = state.several_identities();
    let mut spans = Vec::new();
    let (mark, style) = match &source.phase {
        Phase::Done { .. } => ("✓".to_owned(), theme::ok()),
        Phase::Failed { error, .. } if error.kind == ErrorKind::RegionNotEnabled => {
            ("○".to_owned(), theme::dim())
        }
        Phase::Failed { .. } => ("✗".to_owned(), theme::error()),
        Phase::Loading => (format::spinner(state.spinner).to_owned(), theme::key()),
        Phase::Queued => ("·".to_owned(), theme::dim()),
    };
    spans.push(Span::styled(format!(" {mark} "), style));
    spans.push(Span::raw(format!(
        "{:<13}",
        source.id.service.display_name()
    )));
    spans.push(Span::raw(format!("{:<15}", source.id.region)));
    if several {
        spans.push(Span::raw(format!(
            "{:<14}",
            format::truncate(&source.id.profile, 13)
        )));
    }
    let plural = format::plural;
    match &source.phase {
        Phase::Queued => spans.push(Span::styled("queued", theme::dim())),
        Phase::Loading => spans.push(Span::raw(format!(
            "{}, {} so far",
            plural(source.pages, "page"),
            plural(source.items, "item")
        ))),
        Phase::Done { elapsed } => spans.push(Span::raw(format!(
            "{}, {} in {}",
            plural(source.pages, "page"),
            plural(source.items, "item"),
            format::duration(*elapsed)
        ))),
        Phase::Failed { error, .. } if error.kind == ErrorKind::RegionNotEnabled => {
            spans.push(Span::styled(
                "region not enabled for this account",
                theme::dim(),
            ));
        }
        Phase::Failed { error, .. } => {
            spans.push(Span::styled(error.state(), theme::error()));
            let why = match error.next_step(source.id.service) {
                Some(step) => format!(" — {step} ({})", error.code),
                None => format!(" — {error}"),
            };
            spans.push(Span::raw(format::terminal_safe(&why).into_owned()));
        }
    }
    if let Some(until) = source.backoff_until
        && until > state.now
    {
        spans.push(Span::styled(
            format!(
                " · backing off until {}",
                format::clock_time(until, state.settings.clock)
            ),
            theme::key(),
        ));
    } else if let Some(at) = source.listed_at
        && state.live.interval.is_some()
    {
        spans.push(Span::styled(
            format!(
                " · data {} old",
                format::short_duration((state.now - at).num_seconds())
            ),
            theme::dim(),
        ));
    }
    Line::from(spans)
}

impl Widget for SourcesPanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        let count =
            |wanted: fn(&SourceState) -> bool| state.sources.iter().filter(|s| wanted(s)).count();
        let done = count(|s| matches!(s.phase, Phase::Done { .. }));
        let failed = count(
            |s| matches!(&s.phase, Phase::Failed { error, .. } if error.kind != ErrorKind::RegionNotEnabled),
        );
        let disabled = count(
            |s| matches!(&s.phase, Phase::Failed { error, .. } if error.kind == ErrorKind::RegionNotEnabled),
        );
        let busy = count(SourceState::is_busy);
        let mut title = format!(" Sources: {done} ✓");
        if failed > 0 {
            title.push_str(&format!("  {failed} ✗"));
        }
        if disabled > 0 {
            title.push_str(&format!("  {disabled} region not enabled"));
        }
        if busy > 0 {
            title.push_str(&format!("  {busy} in progress"));
        }
        title.push(' ');

        let mut ordered: Vec<&SourceState> = state.sources.iter().collect();
        // Among equals, the sources that found something first.
        ordered.sort_by_key(|s| (rank(s), std::cmp::Reverse(s.items)));
        let room = area.height.saturating_sub(2) as usize;
        let mut lines: Vec<Line> = Vec::new();
        if ordered.len() <= room {
            lines.extend(ordered.iter().map(|s| line(state, s)));
        } else if room > 0 {
            lines.extend(ordered.iter().take(room - 1).map(|s| line(state, s)));
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
