//! One table engine for every table: rows grouped by the source they came from, kept sorted
//! incrementally, filtered by text and service tab, with a selection, a scroll offset, marks and
//! a note per row. A row kind says how through [`TableRow`]; nothing outside changes the filter,
//! sort or rows without the indices following.
//!
//! A page arriving into ten thousand rows costs a binary search per row, not a re-sort.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use super::ServiceTab;
use crate::model::ServiceKind;

/// What a table needs of its rows.
pub trait TableRow {
    type Column: TableColumn;
    /// What ordering may need besides the rows (the invitations' account names).
    type Context;

    /// What the table engine keeps of the row, derived once when the row is made.
    fn index(&self) -> &RowIndex;
    /// Stable across refreshes, unique in the table.
    fn key(&self) -> &str {
        &self.index().key
    }
    /// The lowercase text of every field, in the order of [`TableColumn::FIELDS`].
    fn haystack(&self) -> &Haystack {
        &self.index().haystack
    }
    fn service(&self) -> ServiceKind;
    /// The order by `column`, or the table's natural order for `None`.
    fn compare(
        &self,
        other: &Self,
        column: Option<Self::Column>,
        context: &Self::Context,
    ) -> Ordering;
    /// A total order among rows `compare` finds equal, so equal rows never swap between frames.
    fn tie_break(&self, other: &Self) -> Ordering;
}

/// A table's columns, each showing one field of its rows.
pub trait TableColumn: Copy + Eq + std::fmt::Debug {
    /// The fields of a row, in the order of its haystack: `|` between fields, a space between
    /// a field's names. The first name of a field a column shows is the column's title, so
    /// what the header says is what a filter's `field:value` takes.
    const FIELDS: &'static str;

    /// The field this column shows.
    fn field(self) -> usize;

    fn title(self) -> &'static str {
        let names = Self::FIELDS
            .split('|')
            .nth(self.field())
            .unwrap_or_default();
        names.split(' ').next().unwrap_or_default()
    }

    /// The field `name` names, ignoring case.
    fn field_named(name: &str) -> Option<usize> {
        let mut fields = Self::FIELDS.split('|');
        fields.position(|names| names.split(' ').any(|n| n.eq_ignore_ascii_case(name)))
    }
}

/// A row's key and filter text: what the table engine reads of every row.
#[derive(Debug, Clone)]
pub struct RowIndex {
    key: String,
    haystack: Haystack,
}

impl RowIndex {
    pub fn new<S: AsRef<str>>(key: String, fields: impl IntoIterator<Item = S>) -> Self {
        let haystack = Haystack::new(fields);
        Self { key, haystack }
    }
}

/// A row's fields, lowercase, in one string: a filter word is looked for once per row, and
/// where it was found says in which field.
#[derive(Debug, Clone, Default)]
pub struct Haystack {
    text: String,
    /// Where each field starts in `text`, and where the last ends: held inline, so a filter
    /// walking 100,000 rows follows one pointer per row, not two.
    bounds: [u32; MOST_FIELDS + 1],
    fields: u8,
}

/// The most fields a row kind may search.
const MOST_FIELDS: usize = 12;

impl Haystack {
    pub fn new<S: AsRef<str>>(fields: impl IntoIterator<Item = S>) -> Self {
        let mut text = String::new();
        let mut bounds = [0; MOST_FIELDS + 1];
        let mut count = 0;
        for field in fields.into_iter().take(MOST_FIELDS) {
            if count > 0 {
                // Between fields: no word typed in the filter holds it.
                text.push('\u{1f}');
            }
            text.push_str(&field.as_ref().to_lowercase());
            count += 1;
            bounds[count] = text.len() as u32;
        }
        Self {
            text,
            bounds,
            fields: count as u8,
        }
    }

    /// Field `at`, as searched.
    pub fn field(&self, at: usize) -> &str {
        let start = self.bounds[at] as usize + usize::from(at > 0);
        let end = self.bounds[at + 1] as usize;
        self.text.get(start.min(end)..end).unwrap_or("")
    }

    /// Whether `word` is in one of the fields `wanted` picks.
    fn contains_in(
        &self,
        word: &memchr::memmem::Finder<'_>,
        wanted: impl Fn(usize) -> bool,
    ) -> bool {
        let bounds = &self.bounds[..=usize::from(self.fields)];
        word.find_iter(self.text.as_bytes()).any(|at| {
            let field = bounds.partition_point(|b| (*b as usize) <= at) - 1;
            wanted(field.min(bounds.len().saturating_sub(2)))
        })
    }
}

/// One word of a filter: text that must (or, after `!`, must not) appear in a shown column,
/// or in the field it names (`status:invited`, `!service:detective`).
#[derive(Debug, Clone)]
struct Term {
    field: Option<usize>,
    text: String,
    negated: bool,
    /// `text`'s searcher, built once for every row it looks in.
    finder: memchr::memmem::Finder<'static>,
}

impl PartialEq for Term {
    fn eq(&self, other: &Self) -> bool {
        (self.field, &self.text, self.negated) == (other.field, &other.text, other.negated)
    }
}

impl Eq for Term {}

/// A filter as typed, read once for every row it is matched against.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    terms: Vec<Term>,
}

impl Query {
    /// Words separated by spaces; `field:value` only where `field` is a field of `R`, so that
    /// text with colons in it (ARNs) is text.
    pub fn parse<R: TableRow>(filter: &str) -> Self {
        let terms = filter.split_whitespace().filter_map(|word| {
            let (negated, word) = match word.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, word),
            };
            let word = word.to_lowercase();
            let named = word.split_once(':').and_then(|(name, value)| {
                let at = R::Column::field_named(name)?;
                Some((at, value.to_owned()))
            });
            let (field, text) = match named {
                Some((at, value)) => (Some(at), value),
                None => (None, word),
            };
            (!text.is_empty()).then(|| Term {
                field,
                finder: memchr::memmem::Finder::new(text.as_bytes()).into_owned(),
                text,
                negated,
            })
        });
        Self {
            terms: terms.collect(),
        }
    }

    /// Whether `row` matches every word, looking at what `columns` show for unnamed words.
    pub fn matches<R: TableRow>(&self, row: &R, columns: &[R::Column]) -> bool {
        self.matches_in(row.haystack(), shown_fields::<R>(columns))
    }

    /// [`Query::matches`], with the shown columns' fields as a set of bits, worked out once.
    fn matches_in(&self, haystack: &Haystack, shown: u32) -> bool {
        self.terms.iter().all(|term| {
            let found = match term.field {
                Some(at) => term.finder.find(haystack.field(at).as_bytes()).is_some(),
                None => haystack.contains_in(&term.finder, |field| shown & (1 << field) != 0),
            };
            found != term.negated
        })
    }
}

/// The fields `columns` show, one bit each.
fn shown_fields<R: TableRow>(columns: &[R::Column]) -> u32 {
    columns
        .iter()
        .map(|c| c.field())
        .filter(|&field| field < 32)
        .fold(0, |bits, field| bits | 1 << field)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort<C> {
    /// None: the table's natural order, with no column marked.
    pub column: Option<C>,
    pub descending: bool,
}

/// Where a row lives: which group, which of its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RowRef {
    group: u32,
    index: u32,
}

#[derive(Debug, Clone)]
pub struct Browser<R: TableRow, N> {
    groups: Vec<Vec<R>>,
    /// Every row, in sort order.
    sorted: Vec<RowRef>,
    /// The rows the tab and filter let through, in sort order.
    visible: Vec<RowRef>,
    /// Rows matching the filter, per tab.
    counts: [usize; ServiceTab::ALL.len()],
    sort: Sort<R::Column>,
    filter: String,
    query: Query,
    /// What the table shows: the filter's unnamed words look only there.
    columns: Vec<R::Column>,
    tab: ServiceTab,
    selected: usize,
    /// Until the person moves, the selection stays on the first row while rows arrive.
    at_top: bool,
    offset: usize,
    marked: HashSet<String>,
    /// The row marked or unmarked last: a range is marked from it.
    anchor: Option<String>,
    notes: HashMap<String, N>,
}

impl<R: TableRow, N> Browser<R, N> {
    /// Room for `more` groups after the last: sources that arrived later.
    pub fn add_groups(&mut self, more: usize) {
        self.groups.extend((0..more).map(|_| Vec::new()));
    }

    pub fn new(groups: usize, sort: Sort<R::Column>) -> Self {
        Self {
            groups: (0..groups).map(|_| Vec::new()).collect(),
            sorted: Vec::new(),
            visible: Vec::new(),
            counts: [0; ServiceTab::ALL.len()],
            sort,
            filter: String::new(),
            query: Query::default(),
            columns: Vec::new(),
            tab: ServiceTab::All,
            selected: 0,
            at_top: true,
            offset: 0,
            marked: HashSet::new(),
            anchor: None,
            notes: HashMap::new(),
        }
    }

    fn row(&self, at: RowRef) -> &R {
        &self.groups[at.group as usize][at.index as usize]
    }

    pub fn group(&self, group: usize) -> &[R] {
        &self.groups[group]
    }

    pub fn all_rows(&self) -> impl Iterator<Item = &R> + '_ {
        self.groups.iter().flatten()
    }

    pub fn total(&self) -> usize {
        self.sorted.len()
    }

    pub fn visible_len(&self) -> usize {
        self.visible.len()
    }

    pub fn visible_row(&self, position: usize) -> Option<&R> {
        self.visible.get(position).map(|r| self.row(*r))
    }

    /// The rows on screen, in order.
    pub fn visible_rows(&self) -> impl ExactSizeIterator<Item = &R> + '_ {
        self.visible.iter().map(|r| self.row(*r))
    }

    pub fn selected(&self) -> usize {
        self.selected
    }

    pub fn offset(&self) -> usize {
        self.offset
    }

    pub fn selected_row(&self) -> Option<&R> {
        self.visible_row(self.selected)
    }

    pub fn selected_key(&self) -> Option<String> {
        self.selected_row().map(|r| r.key().to_owned())
    }

    /// Rows matching the filter in `tab`.
    pub fn count(&self, tab: ServiceTab) -> usize {
        self.counts[tab.index()]
    }

    pub fn sort(&self) -> Sort<R::Column> {
        self.sort
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    pub fn tab(&self) -> ServiceTab {
        self.tab
    }

    pub fn is_marked(&self, key: &str) -> bool {
        self.marked.contains(key)
    }

    pub fn marked_count(&self) -> usize {
        self.marked.len()
    }

    pub fn mark(&mut self, key: String) {
        self.marked.insert(key);
    }

    pub fn unmark(&mut self, key: &str) {
        self.marked.remove(key);
    }

    /// Marks or unmarks the selected row, and moves to the next.
    pub fn toggle_mark(&mut self) {
        self.at_top = false;
        if let Some(key) = self.selected_key() {
            if !self.marked.remove(&key) {
                self.marked.insert(key.clone());
            }
            self.anchor = Some(key);
            self.move_by(1);
        }
    }

    /// Marks every row shown from the last row marked (or the first) to the selected one.
    pub fn mark_range(&mut self) -> usize {
        let anchor = self
            .anchor
            .as_deref()
            .and_then(|key| self.visible_rows().position(|r| r.key() == key))
            .unwrap_or(0);
        let (from, to) = (anchor.min(self.selected), anchor.max(self.selected));
        let keys: Vec<String> = (from..=to)
            .filter_map(|at| self.visible_row(at).map(|r| r.key().to_owned()))
            .collect();
        let count = keys.len();
        self.anchor = keys.last().cloned();
        self.marked.extend(keys);
        count
    }

    /// Marks every row shown.
    pub fn mark_all(&mut self) -> usize {
        let keys: Vec<String> = self.visible_rows().map(|r| r.key().to_owned()).collect();
        let count = keys.len();
        self.marked.extend(keys);
        count
    }

    /// Clears every mark, shown or not; how many there were.
    pub fn clear_marks(&mut self) -> usize {
        self.anchor = None;
        std::mem::take(&mut self.marked).len()
    }

    /// Marked rows the tab or filter hides: they are not acted on.
    pub fn hidden_marks(&self) -> usize {
        // Keys are unique in the table: marked rows, less those on screen.
        let marked = |rows: &mut dyn Iterator<Item = &R>| {
            rows.filter(|r| self.marked.contains(r.key())).count()
        };
        marked(&mut self.all_rows()) - marked(&mut self.visible_rows())
    }

    /// The marked rows on screen, or the selected one when none of them is marked: what is
    /// hidden by the tab or the filter is never acted on.
    pub fn chosen(&self) -> Vec<&R> {
        let marked: Vec<&R> = self
            .visible_rows()
            .filter(|r| self.marked.contains(r.key()))
            .collect();
        if marked.is_empty() {
            self.selected_row().into_iter().collect()
        } else {
            marked
        }
    }

    pub fn note(&self, key: &str) -> Option<&N> {
        self.notes.get(key)
    }

    pub fn set_note(&mut self, key: String, note: N) {
        self.notes.insert(key, note);
    }

    pub fn has_notes(&self) -> bool {
        !self.notes.is_empty()
    }

    /// Moves the selection by `delta` rows, within the visible rows.
    pub fn move_by(&mut self, delta: isize) {
        self.at_top &= delta == 0;
        let last = self.visible.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last.max(0)) as usize;
    }

    /// The first row, and staying on the first row as rows arrive.
    pub fn top(&mut self) {
        self.selected = 0;
        self.at_top = true;
    }

    pub fn bottom(&mut self) {
        self.selected = self.visible.len().saturating_sub(1);
        self.at_top = false;
    }

    /// Scrolls just enough that the selected row is among `height` rows on screen.
    pub fn scroll_into_view(&mut self, height: usize) {
        let last_offset = self.visible.len().saturating_sub(height);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        self.offset = self.offset.min(last_offset);
    }

    fn compare(&self, a: RowRef, b: RowRef, context: &R::Context) -> Ordering {
        let (x, y) = (self.row(a), self.row(b));
        let primary = x.compare(y, self.sort.column, context);
        let primary = if self.sort.descending {
            primary.reverse()
        } else {
            primary
        };
        primary
            .then_with(|| x.tie_break(y))
            .then_with(|| (a.group, a.index).cmp(&(b.group, b.index)))
    }

    /// Whether a row matches the filter, and whether the tab shows it too.
    fn passes(&self, at: RowRef) -> (bool, bool) {
        let row = self.row(at);
        let matches = self
            .query
            .matches_in(row.haystack(), shown_fields::<R>(&self.columns));
        (matches, matches && self.tab.shows(row.service()))
    }

    fn count_row(&mut self, at: RowRef) {
        let service = self.row(at).service();
        self.counts[0] += 1; // ServiceTab::All
        self.counts[ServiceTab::Only(service).index()] += 1;
    }

    /// Applies tab and filter to the sorted rows; the sort itself is unchanged. Rows are
    /// matched in the order they lie in memory, then picked in sort order: walking 100,000
    /// rows in sort order would jump about the heap for each.
    fn refilter(&mut self) {
        self.counts = [0; ServiceTab::ALL.len()];
        let shown_fields = shown_fields::<R>(&self.columns);
        let mut starts = Vec::with_capacity(self.groups.len());
        let mut shown = Vec::with_capacity(self.sorted.len());
        for rows in &self.groups {
            starts.push(shown.len());
            for row in rows {
                let matches = self.query.matches_in(row.haystack(), shown_fields);
                if matches {
                    self.counts[0] += 1; // ServiceTab::All
                    self.counts[ServiceTab::Only(row.service()).index()] += 1;
                }
                shown.push(matches && self.tab.shows(row.service()));
            }
        }
        self.visible = self
            .sorted
            .iter()
            .copied()
            .filter(|at| shown[starts[at.group as usize] + at.index as usize])
            .collect();
        self.clamp_selection();
    }

    /// Re-sorts everything; the selected row stays selected where it is still shown.
    fn rebuild_keeping(&mut self, keep: Option<String>, context: &R::Context) {
        let keep = keep.filter(|_| !self.at_top);
        let mut sorted: Vec<RowRef> = self
            .groups
            .iter()
            .enumerate()
            .flat_map(|(g, rows)| {
                (0..rows.len()).map(move |i| RowRef {
                    group: g as u32,
                    index: i as u32,
                })
            })
            .collect();
        sorted.sort_by(|a, b| self.compare(*a, *b, context));
        self.sorted = sorted;
        self.refilter();
        match keep {
            Some(key) => self.select_key(&key),
            None if self.at_top => self.selected = 0,
            None => {}
        }
    }

    /// Re-sorts everything, keeping the selection: for when ordering inputs changed.
    pub fn resort(&mut self, context: &R::Context) {
        let keep = self.selected_key();
        self.rebuild_keeping(keep, context);
    }

    pub fn set_sort(&mut self, sort: Sort<R::Column>, context: &R::Context) {
        self.sort = sort;
        self.resort(context);
    }

    /// The columns on screen, in order.
    pub fn columns(&self) -> &[R::Column] {
        &self.columns
    }

    /// Says which columns are on screen; a filter then looks at them, keeping the selection.
    pub fn set_columns(&mut self, columns: Vec<R::Column>) {
        if self.columns == columns {
            return;
        }
        self.columns = columns;
        if !self.filter.is_empty() {
            let keep = self.selected_key();
            self.refilter();
            if let Some(key) = keep {
                self.select_key(&key);
            }
        }
    }

    /// Shows another tab, keeping the selected row when the tab shows it.
    pub fn set_tab(&mut self, tab: ServiceTab) {
        if self.tab == tab {
            return;
        }
        let keep = self.selected_key();
        self.tab = tab;
        self.refilter();
        match keep {
            Some(key) => self.select_key(&key),
            None => self.selected = 0,
        }
    }

    /// A new filter: the first match is selected.
    pub fn set_filter(&mut self, filter: String) {
        if self.filter == filter {
            return;
        }
        self.query = Query::parse::<R>(&filter);
        self.filter = filter;
        self.refilter();
        self.selected = 0;
        self.offset = 0;
    }

    pub fn select_key(&mut self, key: &str) {
        let found = self.visible_rows().position(|r| r.key() == key);
        if let Some(position) = found {
            self.selected = position;
        }
        self.clamp_selection();
    }

    fn clamp_selection(&mut self) {
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
    }

    /// Adds rows to a group, each at its sorted place; the selected row stays selected. The
    /// new rows are sorted among themselves and merged in one pass: a page costs one walk of
    /// the table, not a shift of it per row.
    pub fn append(
        &mut self,
        group: usize,
        rows: impl IntoIterator<Item = R>,
        context: &R::Context,
    ) {
        let from = self.groups[group].len();
        self.groups[group].extend(rows);
        let mut fresh: Vec<RowRef> = (from..self.groups[group].len())
            .map(|index| RowRef {
                group: group as u32,
                index: index as u32,
            })
            .collect();
        if fresh.is_empty() {
            return;
        }
        fresh.sort_by(|a, b| self.compare(*a, *b, context));
        let mut shown = Vec::with_capacity(fresh.len());
        for &at in &fresh {
            let (matches, visible) = self.passes(at);
            if matches {
                self.count_row(at);
            }
            if visible {
                shown.push(at);
            }
        }
        // Keep the same row selected when rows land above it.
        if !self.at_top
            && let Some(&selected) = self.visible.get(self.selected)
        {
            self.selected += shown
                .iter()
                .filter(|&&at| self.compare(at, selected, context) != Ordering::Greater)
                .count();
        }
        let mut sorted = std::mem::take(&mut self.sorted);
        self.merge_into(&mut sorted, &fresh, context);
        self.sorted = sorted;
        let mut visible = std::mem::take(&mut self.visible);
        self.merge_into(&mut visible, &shown, context);
        self.visible = visible;
        self.clamp_selection();
    }

    /// Merges `new` into `list`, both in sort order, in place: each new row's place is found
    /// by binary search, and only the rows after the first of them move, once, from the back.
    /// A new row goes before the old rows it ties with.
    fn merge_into(&self, list: &mut Vec<RowRef>, new: &[RowRef], context: &R::Context) {
        let mut places = Vec::with_capacity(new.len());
        let mut start = 0;
        for &at in new {
            start += list[start..]
                .partition_point(|&other| self.compare(other, at, context) == Ordering::Less);
            places.push(start);
        }
        let mut read = list.len();
        list.resize(read + new.len(), RowRef { group: 0, index: 0 });
        let mut write = list.len();
        for (&at, &place) in new.iter().zip(&places).rev() {
            let moved = read - place;
            list.copy_within(place..read, write - moved);
            write -= moved + 1;
            list[write] = at;
            read = place;
        }
    }

    /// Replaces every group's rows at once, sorting once.
    pub fn replace_all(&mut self, groups: Vec<Vec<R>>, context: &R::Context) {
        let keep = self.selected_key();
        self.groups = groups;
        self.rebuild_keeping(keep, context);
    }

    /// Replaces a group's rows, returning the old ones; the selected row stays selected.
    pub fn replace(&mut self, group: usize, rows: Vec<R>, context: &R::Context) -> Vec<R> {
        let keep = self.selected_key();
        let old = std::mem::replace(&mut self.groups[group], rows);
        self.rebuild_keeping(keep, context);
        old
    }

    /// Changes a group's rows in place; the selected row stays selected.
    pub fn edit(&mut self, group: usize, context: &R::Context, change: impl FnOnce(&mut Vec<R>)) {
        let keep = self.selected_key();
        change(&mut self.groups[group]);
        self.rebuild_keeping(keep, context);
    }
}
