//! The dashboard's state and the pure `update` that changes it.

mod keymap;
mod state;
mod update;

pub use keymap::{Action, Key, KeyMap, Mode};
pub use state::{
    AppState, Clock, Column, Dialog, IdentityState, Note, Phase, Row, Sort, SourceState, View,
};
pub use update::{Answer, AnswerActor, Command, Msg, update};
