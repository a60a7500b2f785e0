//! The dashboard's state and the pure `update` that changes it.

mod keymap;
pub mod members;
mod state;
mod update;

pub use keymap::{Action, Key, KeyMap, Mode};
pub use state::{
    AppState, Changes, Clock, Column, DateStyle, Dialog, IdentityState, Live, MemberChange, Note,
    Phase, Proposal, Row, Screen, Sort, SourceState, View,
};
pub use update::{Answer, Effect, Msg, update};
