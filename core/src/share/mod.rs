//! Sharing a study for a second opinion (issue 6): the link and its keys ([`link`]). The relay
//! (`relay/`) stores only ciphertext; the key lives in the link's fragment, which browsers never
//! send to a server.
//!
//! Still to come here: the share and receive flows (encrypt, upload with resume, list, revoke,
//! access log; open a link and import) and de-identification.

pub mod link;

pub use link::{Link, LinkError, ShareKeys};
