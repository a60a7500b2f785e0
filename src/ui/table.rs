//! One table widget for every table: borders and title, a header whose sorted column carries an
//! arrow, a mark column, the selected row highlighted, and where the selection is when the rows
//! do not fit. What a row kind shows in each column it says through [`Cells`]. Only the rows on
//! screen are built, so a frame costs the same for ten rows or ten thousand.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Widget, Wrap};

use super::theme;
use crate::app::{AppState, Browser, TableColumn, TableRow};

/// How a row kind is drawn.
pub trait Cells: TableRow + Sized {
    type Note;

    /// The columns, and their widths, for the room there is.
    fn columns(state: &AppState, width: u16) -> Vec<(Self::Column, u16)>;
    /// The text and style of one cell.
    fn cell(&self, at: CellAt<'_, Self>) -> (String, Style);
}

/// Where a cell is drawn, and what the table knows of its row.
pub struct CellAt<'a, R: Cells> {
    pub state: &'a AppState,
    /// What happened to the row when the person acted on it.
    pub note: Option<&'a R::Note>,
    pub column: R::Column,
    pub width: u16,
}

pub struct DataTable<'a, R: Cells> {
    pub state: &'a AppState,
    pub table: &'a Browser<R, R::Note>,
    pub title: String,
    /// What to say when no row is shown: never a blank screen.
    pub empty: Vec<Line<'a>>,
}

impl<R: Cells> Widget for DataTable<'_, R> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let DataTable {
            state,
            table,
            title,
            empty,
        } = self;
        let block = Block::default().borders(Borders::ALL).title(title);
        if table.visible_len() == 0 {
            Paragraph::new(empty)
                .alignment(Alignment::Center)
                .wrap(Wrap { trim: true })
                .block(block)
                .render(area, buf);
            return;
        }
        // One column for the mark of rows chosen with Space.
        let columns = R::columns(state, area.width.saturating_sub(4));
        let height = usize::from(area.height.saturating_sub(3));
        let sort = table.sort();
        let titles = columns.iter().map(|(column, _)| {
            let mut title = column.title().to_owned();
            if sort.column == Some(*column) {
                title.push(if sort.descending { '↓' } else { '↑' });
            }
            Cell::from(title)
        });
        let header = Row::new(std::iter::once(Cell::from(" ")).chain(titles)).style(theme::title());
        let end = (table.offset() + height).min(table.visible_len());
        let rows = (table.offset()..end).filter_map(|position| {
            let row = table.visible_row(position)?;
            let mark = if table.is_marked(row.key()) {
                "●"
            } else {
                " "
            };
            let note = table.note(row.key());
            let cells = columns.iter().map(|&(column, width)| {
                let at = CellAt {
                    state,
                    note,
                    column,
                    width,
                };
                let (text, style) = row.cell(at);
                Cell::from(Span::styled(text, style))
            });
            let cells = std::iter::once(Cell::from(Span::styled(mark, theme::key()))).chain(cells);
            let style = if position == table.selected() {
                theme::selected()
            } else {
                Style::default()
            };
            Some(Row::new(cells).style(style))
        });
        let constraints: Vec<Constraint> = std::iter::once(Constraint::Length(1))
            .chain(columns.iter().map(|(_, w)| Constraint::Length(*w)))
            .collect();
        let position = if table.visible_len() > height {
            format!(" {}/{} ", table.selected() + 1, table.visible_len())
        } else {
            String::new()
        };
        Table::new(rows, constraints)
            .header(header)
            .column_spacing(1)
            .block(block.title_bottom(Line::from(position).right_aligned()))
            .render(area, buf);
    }
}
