//! One line per source: spinner while loading, pages and items so far, ✓ and the time taken,
//! or ✗ with the service's error.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::theme;
use crate::app::{Action, AppState, Overlay, Phase, SourceState};
use crate::format;
use crate::model::ErrorKind;

pub struct SourcesPanel<'a>(pub &'a AppState);

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

/// Counts by state, problems first: "1 ✗ denied by IAM · 2 listing · 12 ✓ · 3 ○ region not
/// enabled".
fn summary(state: &AppState) -> Vec<Span<'static>> {
    let mut failures: Vec<(String, usize)> = Vec::new();
    let (mut done, mut busy, mut off) = (0, 0, 0);
    for source in &state.sources {
        match &source.phase {
            Phase::Failed { error, .. } if error.kind == ErrorKind::RegionNotEnabled => off += 1,
            Phase::Failed { error, .. } => {
                let what = error.state().to_owned();
                match failures.iter_mut().find(|(w, _)| *w == what) {
                    Some((_, n)) => *n += 1,
                    None => failures.push((what, 1)),
                }
            }
            Phase::Done { .. } => done += 1,
            Phase::Loading | Phase::Queued => busy += 1,
        }
    }
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut push = |text: String, style| {
        if !spans.is_empty() {
            spans.push(Span::styled(" · ", theme::dim()));
        }
        spans.push(Span::styled(text, style));
    };
    for (what, n) in failures {
        push(format!("{n} ✗ {what}"), theme::error());
    }
    if busy > 0 {
        push(
            format!("{} {busy} listing", format::spinner(state.spinner)),
            theme::key(),
        );
    }
    push(format!("{done} ✓ listed"), theme::ok());
    if off > 0 {
        push(format!("{off} ○ region not enabled"), theme::dim());
    }
    spans
}

/// Rows the compact panel takes: the summary, the first failure if any, and the borders.
pub fn panel_rows(state: &AppState) -> usize {
    let failing = state.sources.iter().any(|s| s.need() == 0);
    if failing { 4 } else { 3 }
}

impl Widget for SourcesPanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        let hint = match state.settings.keymap.key_for(Action::Sources) {
            Some(key) => format!(" Sources: {} — {key} shows each ", state.sources.len()),
            None => format!(" Sources: {} ", state.sources.len()),
        };
        let mut lines = vec![Line::from(summary(state))];
        // The first failure, named: the rest are one key away.
        // Drawn every frame: found in one pass, not by sorting every source.
        let failures = state.sources.iter().filter(|s| s.need() == 0);
        if let Some(first) = failures.min_by_key(|s| std::cmp::Reverse(s.items)) {
            lines.push(line(state, first));
        }
        Paragraph::new(lines)
            .block(Block::default().borders(Borders::ALL).title(hint))
            .render(area, buf);
    }
}

/// Every source, failures first, one line each; Enter opens the selected one's whole error
/// and what to do about it.
pub struct SourcesOverlay<'a>(pub &'a AppState);

impl Widget for SourcesOverlay<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        let Overlay::Sources { selected, open } = state.overlay else {
            return;
        };
        let ordered = state.sources_by_need();
        Clear.render(area, buf);
        let title = format!(
            " Sources: {} — j k move · Enter opens one · Esc closes ",
            state.sources.len()
        );
        let block = Block::default().borders(Borders::ALL).title(title);
        let inner = block.inner(area);
        block.render(area, buf);
        // The counts first, problems first; the list under them.
        let [counts, inner] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
        Paragraph::new(Line::from(summary(state))).render(counts, buf);
        let (list_area, story_area) = if open {
            let [list, story] =
                Layout::vertical([Constraint::Min(3), Constraint::Length(9)]).areas(inner);
            (list, Some(story))
        } else {
            (inner, None)
        };
        let height = usize::from(list_area.height).max(1);
        let offset = selected.saturating_sub(height - 1);
        let lines: Vec<Line> = ordered
            .iter()
            .enumerate()
            .skip(offset)
            .take(height)
            .map(|(at, source)| {
                let line = line(state, source);
                if at == selected {
                    line.style(theme::selected())
                } else {
                    line
                }
            })
            .collect();
        Paragraph::new(lines).render(list_area, buf);
        if let (Some(story_area), Some(source)) = (story_area, ordered.get(selected)) {
            story(state, source).render(story_area, buf);
        }
    }
}

/// One source's whole story: where, what it answered in full, and what to do.
fn story<'a>(state: &AppState, source: &SourceState) -> Paragraph<'a> {
    let id = &source.id;
    let mut lines = vec![Line::styled(
        format!("{} {} as {}", id.service, id.region, id.profile),
        theme::title(),
    )];
    match &source.phase {
        Phase::Failed { error, .. } => {
            lines.push(Line::styled(error.state().to_owned(), theme::error()));
            lines.push(Line::raw(
                format::terminal_safe(&format!("{}: {}", error.code, error.message)).into_owned(),
            ));
            if let Some(step) = error.next_step(id.service) {
                lines.push(Line::from(vec![
                    Span::styled("What to do: ", theme::key()),
                    Span::raw(step),
                ]));
            }
            lines.push(Line::styled("y copies the error", theme::dim()));
        }
        Phase::Done { elapsed } => lines.push(Line::raw(format!(
            "listed: {}, {} in {}",
            format::plural(source.pages, "page"),
            format::plural(source.items, "item"),
            format::duration(*elapsed)
        ))),
        Phase::Loading => lines.push(Line::raw(format!(
            "listing: {} so far",
            format::plural(source.pages, "page")
        ))),
        Phase::Queued => lines.push(Line::raw("queued: waiting for a slot")),
    }
    if let Some(at) = source.listed_at {
        lines.push(Line::styled(
            format!(
                "last complete listing {} ago",
                format::short_duration((state.now - at).num_seconds())
            ),
            theme::dim(),
        ));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(Block::default().borders(Borders::TOP))
}
