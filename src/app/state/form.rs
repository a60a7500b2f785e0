//! The invite form: what an administrator types to invite accounts, checked before anything is sent.

use crate::invitees;
use crate::model::{Invitee, ServiceKind};

/// The fields of the invite form, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Accounts,
    Email,
    Message,
    Services,
    Regions,
}

impl Field {
    pub const ORDER: [Field; 5] = [
        Field::Accounts,
        Field::Email,
        Field::Message,
        Field::Services,
        Field::Regions,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::Accounts => "Accounts",
            Field::Email => "Email",
            Field::Message => "Message",
            Field::Services => "Services",
            Field::Regions => "Regions",
        }
    }
}

/// A checked invitation: whom, in which services and regions.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedInvite {
    pub invitees: Vec<Invitee>,
    pub services: Vec<ServiceKind>,
    pub regions: Vec<String>,
}

/// What the administrator is typing to invite accounts.
#[derive(Debug, Clone)]
pub struct InviteForm {
    pub accounts: String,
    pub email: String,
    pub message: String,
    pub services: [bool; ServiceKind::ALL.len()],
    /// Which service the cursor is on, in the services field.
    pub service_cursor: usize,
    pub regions: String,
    pub field: Field,
    /// The identity to invite as.
    pub profile: String,
    /// What is wrong, shown in the form; nothing is sent while there is something.
    pub errors: Vec<String>,
    /// Opened from the invitations screen: cancelling goes back there.
    pub back_to_invitations: bool,
    /// Where typing goes in the text field the cursor is on (a byte offset).
    pub cursor: usize,
}

impl InviteForm {
    pub fn new(profile: String, regions: &[String]) -> Self {
        Self {
            accounts: String::new(),
            email: String::new(),
            message: String::new(),
            services: [true; ServiceKind::ALL.len()],
            service_cursor: 0,
            regions: regions.join(", "),
            field: Field::Accounts,
            profile,
            errors: Vec::new(),
            back_to_invitations: false,
            cursor: 0,
        }
    }

    pub fn text_mut(&mut self) -> Option<&mut String> {
        match self.field {
            Field::Accounts => Some(&mut self.accounts),
            Field::Email => Some(&mut self.email),
            Field::Message => Some(&mut self.message),
            Field::Regions => Some(&mut self.regions),
            Field::Services => None,
        }
    }

    pub fn next_field(&mut self, step: isize) {
        let at = Field::ORDER
            .iter()
            .position(|f| *f == self.field)
            .unwrap_or(0) as isize;
        let len = Field::ORDER.len() as isize;
        self.field = Field::ORDER[((at + step).rem_euclid(len)) as usize];
        // Typing goes to the end of the field moved to.
        self.cursor = self.text_mut().map_or(0, |text| text.len());
    }

    pub fn chosen_services(&self) -> Vec<ServiceKind> {
        ServiceKind::ALL
            .into_iter()
            .zip(self.services)
            .filter(|(_, on)| *on)
            .map(|(s, _)| s)
            .collect()
    }

    /// Checks everything; the invitees and the places to invite in, or what is wrong.
    pub fn check(&self, known_regions: &[String]) -> Result<CheckedInvite, Vec<String>> {
        let email = self.email.trim();
        let parsed = invitees::parse(&self.accounts, (!email.is_empty()).then_some(email));
        let mut errors = parsed.errors.clone();
        if parsed.invitees.is_empty() && errors.is_empty() {
            errors.push("no account to invite: type or paste account ids".into());
        }
        let services = self.chosen_services();
        if services.is_empty() {
            errors.push("choose at least one service (Space on Services)".into());
        }
        for service in &services {
            if let Err(error) = invitees::check_for(*service, &parsed.invitees) {
                errors.push(error);
            }
        }
        let message = self.message.trim();
        if message.chars().count() > 1000 {
            errors.push("the message is at most 1000 characters".into());
        }
        let regions: Vec<String> = self
            .regions
            .split([',', ' '])
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned)
            .collect();
        if regions.is_empty() {
            errors.push("name at least one region".into());
        }
        for region in &regions {
            if !known_regions.contains(region) {
                errors.push(format!(
                    "{region} is not a region guestlist is looking at ({}); start it with --region {region}",
                    known_regions.join(", ")
                ));
            }
        }
        if errors.is_empty() {
            Ok(CheckedInvite {
                invitees: parsed.invitees,
                services,
                regions,
            })
        } else {
            Err(errors)
        }
    }
}
