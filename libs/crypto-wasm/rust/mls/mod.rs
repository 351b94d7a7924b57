//! MLS (RFC 9420) through OpenMLS with its RustCrypto provider.
//!
//! * One ciphersuite: MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519.
//! * The identity key is the MLS signature key, and a member's BasicCredential is its 32-byte
//!   identity public key (from which user id, fingerprint and safety number all follow). Every
//!   new leaf is checked: credential == signature key.
//! * Handshake messages (proposals, commits) are PublicMessages so the server can see and
//!   validate them; application messages are PrivateMessages (OpenMLS's
//!   MIXED_PLAINTEXT wire-format policy).
//! * The server is each group's single external sender and proposes Adds and Removes
//!   ([`ExternalSenderKey`]); members commit. [`DeliveryService`] is the server's side: it
//!   follows each group's public state (OpenMLS `PublicGroup`), validates commits (first valid
//!   one per epoch wins) and issues proposals at the current epoch.
//! * Application messages of the last [`MAX_PAST_EPOCHS`] epochs still decrypt, so nothing sent
//!   during an epoch change is lost.
//! * Direct-message groups have no external sender: their members add each other
//!   ([`MlsClient::add_members`]) and the server only relays ciphertext.
//! * [`inspect_message`] reads an MLSMessage's clear framing without any state (the server).
//! * Sans-IO: bytes in, bytes out. The whole client state can be exported and restored.

mod client;
mod credential;
mod delivery;
mod errors;
mod external_sender;
mod inspect;
mod provider;

pub use client::{
    CommitOutput, GroupMember, MessageSender, MlsClient, Processed, ProposalAction,
    MAX_KEY_PACKAGES_PER_CALL,
};
pub use delivery::{AcceptedCommit, DeliveryService};
pub use external_sender::{validate_key_package, ExternalSenderKey};
pub use inspect::{inspect_message, MessageContentType, MessageInfo, MessageWireFormat};

use openmls::prelude::Ciphersuite;

/// The one ciphersuite of Lemon Chat's groups.
pub const CIPHERSUITE: Ciphersuite = Ciphersuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

/// How many past epochs' application secrets are kept for late messages.
pub const MAX_PAST_EPOCHS: usize = 3;

#[cfg(test)]
mod tests;
