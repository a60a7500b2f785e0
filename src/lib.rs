//! guestlist: a terminal dashboard for the membership invitations of AWS Security Hub,
//! GuardDuty and Detective, and the local sandbox that speaks their wire protocol.

pub mod aws;
pub mod cli;
pub mod sandbox;
