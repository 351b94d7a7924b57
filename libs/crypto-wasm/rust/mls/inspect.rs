//! What anyone can read from an MLSMessage without group secrets: its wire format and, for
//! handshake and application messages, the clear framing (group id, epoch, content type). The
//! server uses it to route and sanity-check messages it cannot (and must not) decrypt.

use openmls::prelude::*;

use super::client::parse_message;
use crate::error::CryptoError;

/// The kind of MLSMessage (RFC 9420 `wire_format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageWireFormat {
    /// A PublicMessage (our proposals and commits).
    Public,
    /// A PrivateMessage (our application messages).
    Private,
    /// A Welcome.
    Welcome,
    /// A GroupInfo.
    GroupInfo,
    /// A KeyPackage.
    KeyPackage,
}

/// The content type in a Public- or PrivateMessage's clear header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageContentType {
    /// Application data.
    Application,
    /// A proposal.
    Proposal,
    /// A commit.
    Commit,
}

/// The clear facts of one MLSMessage (see [`inspect_message`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageInfo {
    /// Which kind of MLSMessage it is.
    pub wire_format: MessageWireFormat,
    /// The group id (Public- and PrivateMessages only).
    pub group_id: Option<Vec<u8>>,
    /// The epoch (Public- and PrivateMessages only).
    pub epoch: Option<u64>,
    /// The content type (Public- and PrivateMessages only; in RFC 9420 a PrivateMessage's
    /// content type is part of its unencrypted header).
    pub content_type: Option<MessageContentType>,
}

fn content_type(content_type: ContentType) -> MessageContentType {
    match content_type {
        ContentType::Application => MessageContentType::Application,
        ContentType::Proposal => MessageContentType::Proposal,
        ContentType::Commit => MessageContentType::Commit,
    }
}

/// Parses exactly one MLSMessage (trailing bytes, other protocol versions or anything else that
/// does not decode: `MlsMalformedMessage`) and reports what is in the clear. Verifies nothing:
/// signatures, membership and decryption need group state. Stateless.
pub fn inspect_message(bytes: &[u8]) -> Result<MessageInfo, CryptoError> {
    let framed = |wire_format, group_id: &GroupId, epoch: GroupEpoch, kind| MessageInfo {
        wire_format,
        group_id: Some(group_id.as_slice().to_vec()),
        epoch: Some(epoch.as_u64()),
        content_type: Some(content_type(kind)),
    };
    let bare = |wire_format| MessageInfo {
        wire_format,
        group_id: None,
        epoch: None,
        content_type: None,
    };
    Ok(match parse_message(bytes)?.extract() {
        MlsMessageBodyIn::PublicMessage(message) => framed(
            MessageWireFormat::Public,
            message.group_id(),
            message.epoch(),
            message.content_type(),
        ),
        MlsMessageBodyIn::PrivateMessage(message) => framed(
            MessageWireFormat::Private,
            message.group_id(),
            message.epoch(),
            message.content_type(),
        ),
        MlsMessageBodyIn::Welcome(_) => bare(MessageWireFormat::Welcome),
        MlsMessageBodyIn::GroupInfo(_) => bare(MessageWireFormat::GroupInfo),
        MlsMessageBodyIn::KeyPackage(_) => bare(MessageWireFormat::KeyPackage),
    })
}
