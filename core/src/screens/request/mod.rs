//! Request your images (issue 17, point 7): two screens over [`crate::request`].
//!
//! - [`RequestWizard`]: the wizard's questions, step by step, as fields the shell draws as they
//!   are (id, kind, label, required, value, error, choices), the review lines, and the events
//!   that fill them; `Next` is refused with each missing or wrong field's error; the draft is
//!   saved in the vault as it goes (a half-finished request resumes); `Generate` stores the
//!   request and its letter is then available as PDF bytes.
//! - [`RequestsScreen`]: every request with its provider, law, state, dates in the language and
//!   what to do next against today's date (a [`Clock`] the caller gives); the actions (mark sent,
//!   acknowledged, extended, received, refused, outcome, delete) and the letters (request,
//!   follow-up, complaint) as PDF bytes.
//!
//! The rules live in [`crate::request`] (the wizard, the tracking, [`crate::request::flow`]);
//! this module turns them into display-ready records from the `request` catalogue file.

mod list;
mod wizard;

pub use list::*;
pub use wizard::*;

#[cfg(test)]
mod tests;
