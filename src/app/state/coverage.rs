//! The coverage matrix over the members screen (`:coverage`, `c`): the roster's accounts
//! against what the administrator's sources list, and the cell under the cursor.

use std::collections::BTreeMap;

use super::members::{Listing, MembersView};
use crate::model::{Coverage, RosterAccount, SourceId};
use crate::onboarding::{Finish, Stage};

/// Where onboarding from the matrix has got to in a cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Onboarding {
    At(Stage),
    Ended(Finish),
}

/// Onboarding's cells, by source and account.
pub type OnboardingCells = BTreeMap<(SourceId, String), Onboarding>;

#[derive(Debug, Clone, PartialEq)]
pub struct CoverageView {
    pub coverage: Coverage,
    /// The cell under the cursor: a row of the matrix and a column.
    pub row: usize,
    pub column: usize,
    /// Sources whose members are still being listed.
    pub loading: usize,
    /// Cells marked for a plan (`Space`), by source and account: kept as the matrix is rebuilt.
    pub marked: std::collections::BTreeSet<(SourceId, String)>,
}

impl CoverageView {
    /// The matrix from the members listed so far: `sources` are the columns, less those in
    /// regions the account has not enabled; a source that failed is unknown, not absent.
    /// What onboarding found out from a member's side (another administrator's member) shows
    /// in its cell.
    pub fn build(
        roster: &[RosterAccount],
        sources: &[SourceId],
        members: &MembersView,
        onboarding: &OnboardingCells,
    ) -> Self {
        let mut failures = Vec::new();
        let mut columns = Vec::new();
        let mut loading = 0;
        for source in sources {
            match members.listings.get(source) {
                Some(Listing::Failed(error)) if !error.is_failure() => continue,
                Some(Listing::Failed(error)) => failures.push((source.clone(), error.clone())),
                Some(Listing::Loading) | None => loading += 1,
                Some(Listing::Done(_)) => {}
            }
            columns.push(source.clone());
        }
        let listed = members.table.all_rows().map(|r| &r.member);
        let mut coverage = Coverage::build(roster, columns, listed, &failures);
        for ((source, account), progress) in onboarding {
            let Onboarding::Ended(finish) = progress else {
                continue;
            };
            let Some(state) = finish.state().filter(|s| s.is_gap()) else {
                continue;
            };
            let column = coverage.columns.iter().position(|c| c == source);
            let row = coverage.rows.iter_mut().find(|r| r.account.id == *account);
            if let (Some(column), Some(row)) = (column, row) {
                row.cells[column].state = state;
            }
        }
        CoverageView {
            coverage,
            row: 0,
            column: 0,
            loading,
            marked: Default::default(),
        }
    }

    /// The same matrix rebuilt (members arrived), the cursor kept on its account and column;
    /// a cursor not moved yet stays on the first cell, where the most gaps are.
    pub fn rebuilt(&self, fresh: CoverageView) -> CoverageView {
        let fresh = CoverageView {
            marked: self.marked.clone(),
            ..fresh
        };
        if (self.row, self.column) == (0, 0) {
            return fresh;
        }
        let account = self
            .coverage
            .rows
            .get(self.row)
            .map(|r| r.account.id.clone());
        let source = self.coverage.columns.get(self.column);
        let row = account
            .and_then(|a| fresh.coverage.rows.iter().position(|r| r.account.id == a))
            .unwrap_or(0);
        let column = source
            .and_then(|s| fresh.coverage.columns.iter().position(|c| c == s))
            .unwrap_or(0);
        CoverageView {
            row,
            column,
            ..fresh
        }
    }

    /// The cell under the cursor, by source and account.
    pub fn cursor(&self) -> Option<(SourceId, String)> {
        let row = self.coverage.rows.get(self.row)?;
        let source = self.coverage.columns.get(self.column)?;
        Some((source.clone(), row.account.id.clone()))
    }

    /// `Space`: the cursor's cell marked, or no longer.
    pub fn toggle_mark(&mut self) {
        if let Some(cell) = self.cursor()
            && !self.marked.remove(&cell)
        {
            self.marked.insert(cell);
        }
    }

    /// The gaps of the marked cells, or else of the cursor's row, each with its step.
    pub fn chosen_steps(&self) -> Vec<crate::reconciling::Step> {
        let coverage = &self.coverage;
        let mut steps = Vec::new();
        for (r, row) in coverage.rows.iter().enumerate() {
            for (cell, source) in row.cells.iter().zip(&coverage.columns) {
                let chosen = match self.marked.is_empty() {
                    true => r == self.row,
                    false => self
                        .marked
                        .contains(&(source.clone(), row.account.id.clone())),
                };
                let fix = crate::model::Fix::for_cell(source.service, cell, &row.account);
                if let (true, Some(fix)) = (chosen, fix) {
                    steps.push(crate::reconciling::Step {
                        source: source.clone(),
                        account: row.account.clone(),
                        from: cell.state,
                        fix,
                    });
                }
            }
        }
        steps
    }

    pub fn move_by(&mut self, rows: isize, columns: isize) {
        let clamp = |at: usize, by: isize, len: usize| {
            at.saturating_add_signed(by).min(len.saturating_sub(1))
        };
        self.row = clamp(self.row, rows, self.coverage.rows.len());
        self.column = clamp(self.column, columns, self.coverage.columns.len());
    }
}
