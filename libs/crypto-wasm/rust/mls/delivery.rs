//! The server's view of its channel groups (sans-IO): OpenMLS's `PublicGroup` tracks each
//! group's public state (members, epoch, tree) from a GroupInfo and then from every commit the
//! server accepts, without any group secret. It validates incoming commits and issues the
//! server's external Add/Remove proposals at the right epoch.

use std::collections::BTreeMap;

use openmls::prelude::tls_codec::{Deserialize as _, Serialize as _};
use openmls::prelude::*;
use openmls_traits::OpenMlsProvider;

use super::client::{parse_message, GroupMember};
use super::credential::{member_public_key, validate_leaf};
use super::errors::public_process_error;
use super::external_sender::ExternalSenderKey;
use super::provider::Provider;
use super::CIPHERSUITE;
use crate::error::CryptoError;

/// What an accepted commit did.
#[derive(Debug, PartialEq, Eq)]
pub struct AcceptedCommit {
    /// The epoch the group is in now.
    pub epoch: u64,
    /// The members now, in leaf order.
    pub members: Vec<GroupMember>,
    /// The committer's public key.
    pub committer: [u8; 32],
}

/// The commit policy of channel groups: only the server changes membership. Every proposal a
/// commit covers must be one of the server's (sent by the external sender) and committed by
/// reference, i.e. one this service issued and remembers. Anything else — inline Add, Remove,
/// Update, PreSharedKey, ReInit, GroupContextExtensions, ExternalInit (or any proposal by
/// value, or a member's proposal by reference) — is `MlsForbiddenProposal`. A commit without
/// proposals (the committer's own path only: a key rotation) is fine.
///
/// Without this a member could add or remove people on its own authority, bypassing the
/// server's access control, and every other member would accept it (the commit is valid MLS).
fn check_commit_policy(staged: &StagedCommit) -> Result<(), CryptoError> {
    let all_from_server = staged.queued_proposals().all(|queued| {
        matches!(queued.sender(), Sender::External(_))
            && matches!(queued.proposal_or_ref_type(), ProposalOrRefType::Reference)
    });
    if all_from_server {
        Ok(())
    } else {
        Err(CryptoError::MlsForbiddenProposal)
    }
}

/// The server's tracking of the groups it is the external sender of.
pub struct DeliveryService {
    key: ExternalSenderKey,
    provider: Provider,
    groups: BTreeMap<Vec<u8>, PublicGroup>,
}

impl DeliveryService {
    /// A delivery service signing with the server identity whose 32-byte secret is given.
    pub fn new(server_secret: &[u8]) -> Result<Self, CryptoError> {
        Ok(Self {
            key: ExternalSenderKey::new(server_secret)?,
            provider: Provider::default(),
            groups: BTreeMap::new(),
        })
    }

    /// The server's external-sender key (what group creators put in external_senders).
    pub fn key(&self) -> &ExternalSenderKey {
        &self.key
    }

    fn group(&self, group_id: &[u8]) -> Result<&PublicGroup, CryptoError> {
        self.groups
            .get(group_id)
            .ok_or(CryptoError::MlsUnknownGroup)
    }

    /// Starts tracking a group from a member's GroupInfo (an MLSMessage, e.g. the `groupInfo`
    /// of a creator's first commit or `MlsClient::group_info`). The ratchet tree is taken from
    /// the GroupInfo's ratchet_tree extension unless given. The group's single external sender
    /// must be this server's key (`MlsUnauthorizedSender` otherwise). Replaces an earlier
    /// tracking of the same group id. Returns the group id.
    pub fn track_group(
        &mut self,
        group_info: &[u8],
        ratchet_tree: Option<&[u8]>,
    ) -> Result<Vec<u8>, CryptoError> {
        let info = match parse_message(group_info)?.extract() {
            MlsMessageBodyIn::GroupInfo(info) => info,
            _ => return Err(CryptoError::MlsMalformedMessage),
        };
        if info.ciphersuite() != CIPHERSUITE {
            return Err(CryptoError::MlsInvalidMessage);
        }
        let tree = match ratchet_tree {
            Some(bytes) => RatchetTreeIn::tls_deserialize_exact(bytes)
                .map_err(|_| CryptoError::MlsMalformedMessage)?,
            None => info
                .extensions()
                .ratchet_tree()
                .map(|extension| extension.ratchet_tree().clone())
                .ok_or(CryptoError::MlsInvalidMessage)?,
        };
        let group_id = info.group_id().as_slice().to_vec();
        if self.groups.remove(&group_id).is_some() {
            PublicGroup::delete(self.provider.storage(), &GroupId::from_slice(&group_id))
                .map_err(|_| CryptoError::MlsInternal)?;
        }
        let (group, _) = PublicGroup::from_external(
            self.provider.crypto(),
            self.provider.storage(),
            tree,
            info,
            ProposalStore::new(),
        )
        .map_err(|error| match error {
            CreationFromExternalError::InvalidGroupInfoSignature => {
                CryptoError::MlsInvalidSignature
            }
            CreationFromExternalError::LibraryError(_)
            | CreationFromExternalError::WriteToStorageError(_) => CryptoError::MlsInternal,
            _ => CryptoError::MlsInvalidMessage,
        })?;
        // Only groups whose single external sender is this server, with valid credentials.
        let ours = SignaturePublicKey::from(self.key.public_key().to_bytes().to_vec())
            .tls_serialize_detached()
            .map_err(|_| CryptoError::MlsInternal)?;
        let senders = group
            .group_context()
            .extensions()
            .external_senders()
            .ok_or(CryptoError::MlsUnauthorizedSender)?;
        let is_ours = senders.len() == 1
            && senders[0]
                .tls_serialize_detached()
                .is_ok_and(|encoded| encoded.starts_with(&ours));
        if !is_ours {
            return Err(CryptoError::MlsUnauthorizedSender);
        }
        for member in group.members() {
            validate_leaf(&member.credential, &member.signature_key)?;
        }
        self.groups.insert(group_id.clone(), group);
        Ok(group_id)
    }

    /// Stops tracking a group (e.g. the channel emptied).
    pub fn forget_group(&mut self, group_id: &[u8]) -> Result<(), CryptoError> {
        self.groups
            .remove(group_id)
            .ok_or(CryptoError::MlsUnknownGroup)?;
        PublicGroup::delete(self.provider.storage(), &GroupId::from_slice(group_id))
            .map_err(|_| CryptoError::MlsInternal)
    }

    /// The tracked epoch.
    pub fn epoch(&self, group_id: &[u8]) -> Result<u64, CryptoError> {
        Ok(self.group(group_id)?.group_context().epoch().as_u64())
    }

    /// The tracked members, in leaf order.
    pub fn members(&self, group_id: &[u8]) -> Result<Vec<GroupMember>, CryptoError> {
        self.group(group_id)?
            .members()
            .map(|m| {
                Ok(GroupMember {
                    index: m.index.u32(),
                    public_key: member_public_key(&m.credential)?,
                })
            })
            .collect()
    }

    /// Validates a commit (an MLSMessage with a PublicMessage) against the tracked state — the
    /// sender is a current member and its signature verifies, the epoch is current, the commit
    /// and its update path are well-formed, referenced proposals are known, new leaves follow
    /// the credential rule, and it makes no proposal of its own (`MlsForbiddenProposal`, see
    /// [`check_commit_policy`]) — and, if valid, applies it: the group moves to the next epoch,
    /// so a second commit for the same epoch is then `MlsWrongEpoch` (first valid commit wins).
    ///
    /// Not checkable here: the membership and confirmation tags, which are MACs under group
    /// secrets the server does not hold. Members check them when they process the commit.
    pub fn accept_commit(
        &mut self,
        group_id: &[u8],
        commit: &[u8],
    ) -> Result<AcceptedCommit, CryptoError> {
        let protocol = parse_message(commit)?
            .try_into_protocol_message()
            .map_err(|_| CryptoError::MlsMalformedMessage)?;
        if protocol.group_id().as_slice() != group_id {
            return Err(CryptoError::MlsMalformedMessage);
        }
        let provider = &self.provider;
        let group = self
            .groups
            .get_mut(group_id)
            .ok_or(CryptoError::MlsUnknownGroup)?;
        let stale = protocol.epoch() != group.group_context().epoch();
        let processed = group
            .process_message(provider.crypto(), protocol)
            .map_err(|error| public_process_error(error, stale))?;
        let committer = member_public_key(processed.credential())?;
        let ProcessedMessageContent::StagedCommitMessage(staged) = processed.into_content() else {
            return Err(CryptoError::MlsMalformedMessage);
        };
        check_commit_policy(&staged)?;
        for add in staged.add_proposals() {
            let leaf = add.add_proposal().key_package().leaf_node();
            validate_leaf(leaf.credential(), leaf.signature_key().as_slice())?;
        }
        if let Some(leaf) = staged.update_path_leaf_node() {
            validate_leaf(leaf.credential(), leaf.signature_key().as_slice())?;
        }
        group
            .merge_commit(provider.storage(), *staged)
            .map_err(|_| CryptoError::MlsInternal)?;
        Ok(AcceptedCommit {
            epoch: self.epoch(group_id)?,
            members: self.members(group_id)?,
            committer,
        })
    }

    /// Issues (and remembers, so the commit that covers it validates) an external proposal.
    fn issue(&mut self, group_id: &[u8], proposal: Vec<u8>) -> Result<Vec<u8>, CryptoError> {
        let protocol = parse_message(&proposal)?
            .try_into_protocol_message()
            .map_err(|_| CryptoError::MlsInternal)?;
        let provider = &self.provider;
        let group = self
            .groups
            .get_mut(group_id)
            .ok_or(CryptoError::MlsUnknownGroup)?;
        let processed = group
            .process_message(provider.crypto(), protocol)
            .map_err(|error| public_process_error(error, false))?;
        let ProcessedMessageContent::ProposalMessage(queued) = processed.into_content() else {
            return Err(CryptoError::MlsInternal);
        };
        group
            .add_proposal(provider.storage(), *queued)
            .map_err(|_| CryptoError::MlsInternal)?;
        Ok(proposal)
    }

    /// An external Add proposal for a user's KeyPackage at the tracked epoch (the KeyPackage is
    /// verified first, `MlsInvalidKeyPackage`).
    pub fn propose_add(
        &mut self,
        group_id: &[u8],
        key_package: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let epoch = self.epoch(group_id)?;
        let proposal = self.key.propose_add(group_id, epoch, key_package)?;
        self.issue(group_id, proposal)
    }

    /// An external Remove proposal for the member with this identity public key
    /// (`MlsNotAMember` if there is none).
    pub fn propose_remove(
        &mut self,
        group_id: &[u8],
        public_key: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let epoch = self.epoch(group_id)?;
        let index = self
            .members(group_id)?
            .into_iter()
            .find(|m| m.public_key.as_slice() == public_key)
            .ok_or(CryptoError::MlsNotAMember)?
            .index;
        let proposal = self.key.propose_remove(group_id, epoch, index)?;
        self.issue(group_id, proposal)
    }
}
