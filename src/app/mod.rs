//! The dashboard's state and the pure `update` that changes it, atuin-style: `msg` is what
//! happens, `effect` is what the runtime must do, `state` is split by concern, and `update`
//! is split the same way.

mod effect;
mod keymap;
mod msg;
mod settings;
pub mod state;
mod update;

pub use effect::{Answer, Effect, MemberBatch};
pub use keymap::{Action, Key, KeyMap, Mode};
pub use msg::{Arrived, Msg, Replanned};
pub use settings::Settings;
pub use state::columns::{BOTH_WIDTH, invitation_columns, member_columns};
pub use state::dialogs::{Dialog, MemberChange, Note, Proposal};
pub use state::form::{Field, InviteForm};
pub use state::invitations::{Column, Row};
pub use state::members::{Listing, MemberAction, MemberColumn, MemberNote, MemberRow};
pub use state::overlay::Overlay;
pub use state::sources::{Changes, Live, Phase, SourceState};
pub use state::table::{Browser, Sort, TableColumn, TableRow};
pub use state::{AppState, DateStyle, IdentityState, Screen, ServiceTab};
pub use update::update;
