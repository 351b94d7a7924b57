//! A user's MLS client: key packages, the groups it is in, and its serializable state.

use std::collections::{BTreeMap, HashMap};

use openmls::prelude::tls_codec::{Deserialize as _, Serialize as _};
use openmls::prelude::*;

use super::credential::{credential_with_key, member_public_key, validate_leaf};
use super::errors::{
    add_members_error, commit_error, create_message_error, merge_error, process_error,
    welcome_error,
};
use super::external_sender::verify_key_package;
use super::provider::{IdentitySigner, Provider};
use super::{CIPHERSUITE, MAX_PAST_EPOCHS};
use crate::error::CryptoError;
use crate::identity::{Identity, PublicKey, PUBLIC_KEY_LENGTH};

/// Most key packages made by one call.
pub const MAX_KEY_PACKAGES_PER_CALL: usize = 100;

const STATE_MAGIC: &[u8; 8] = b"LEMONMLS";
const STATE_VERSION: u8 = 1;

/// A group member: its leaf index and its identity public key (= its credential).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupMember {
    /// Leaf index in the ratchet tree (what an external Remove names).
    pub index: u32,
    /// The member's 32-byte identity public key.
    pub public_key: [u8; PUBLIC_KEY_LENGTH],
}

/// Who sent a processed message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MessageSender {
    /// A group member, by identity public key.
    Member([u8; PUBLIC_KEY_LENGTH]),
    /// The group's external sender (the server), by the credential (identity bytes) it was
    /// registered with when the group was created.
    External(Vec<u8>),
}

/// What a stored proposal asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProposalAction {
    /// Add the member with this identity public key.
    Add([u8; PUBLIC_KEY_LENGTH]),
    /// Remove the member with this identity public key.
    Remove([u8; PUBLIC_KEY_LENGTH]),
    /// Any other proposal type (e.g. a member's own Update).
    Other,
}

/// The result of [`MlsClient::process_message`].
#[derive(Debug, PartialEq, Eq)]
pub enum Processed {
    /// A decrypted application message.
    Application {
        /// The plaintext.
        plaintext: Vec<u8>,
        /// Its sender (always a member).
        sender: MessageSender,
        /// The epoch it was sent in (may be a recent past epoch).
        epoch: u64,
    },
    /// A proposal, verified and stored until the next commit.
    Proposal {
        /// What it proposes.
        action: ProposalAction,
        /// Who proposed it.
        sender: MessageSender,
        /// The epoch it belongs to.
        epoch: u64,
    },
    /// A commit, verified and merged: the group is now in `epoch` with `members`.
    Commit {
        /// The new epoch.
        epoch: u64,
        /// The members after the commit.
        members: Vec<GroupMember>,
        /// This client was removed; its state for the group has been deleted.
        removed: bool,
    },
    /// One of this client's own application messages came back; nothing to do.
    OwnMessage {
        /// The epoch it was sent in.
        epoch: u64,
    },
}

/// What [`MlsClient::commit_pending_proposals`] asks the caller to send.
#[derive(Debug)]
pub struct CommitOutput {
    /// The commit (an MLSMessage with a PublicMessage) for the server to validate and fan out.
    pub commit: Vec<u8>,
    /// The Welcome (an MLSMessage) for members being added, if any.
    pub welcome: Option<Vec<u8>>,
    /// The new epoch's GroupInfo (an MLSMessage), so the server can follow the group's
    /// public state.
    pub group_info: Option<Vec<u8>>,
}

/// One user's MLS client. Sans-IO: every method takes bytes and returns bytes to send.
pub struct MlsClient {
    identity: Identity,
    provider: Provider,
    groups: BTreeMap<Vec<u8>, MlsGroup>,
}

fn join_config() -> MlsGroupJoinConfig {
    MlsGroupJoinConfig::builder()
        .wire_format_policy(MIXED_PLAINTEXT_WIRE_FORMAT_POLICY)
        .max_past_epochs(MAX_PAST_EPOCHS)
        .use_ratchet_tree_extension(true)
        .build()
}

fn serialize(message: &MlsMessageOut) -> Result<Vec<u8>, CryptoError> {
    message.to_bytes().map_err(|_| CryptoError::MlsInternal)
}

/// Parses one MLSMessage; any decoding failure (or trailing bytes) is `MlsMalformedMessage`.
pub(crate) fn parse_message(bytes: &[u8]) -> Result<MlsMessageIn, CryptoError> {
    MlsMessageIn::tls_deserialize_exact(bytes).map_err(|_| CryptoError::MlsMalformedMessage)
}

fn members_of(group: &MlsGroup) -> Result<Vec<GroupMember>, CryptoError> {
    group
        .members()
        .map(|m| {
            Ok(GroupMember {
                index: m.index.u32(),
                public_key: member_public_key(&m.credential)?,
            })
        })
        .collect()
}

fn sender_of(sender: &Sender, credential: &Credential) -> Result<MessageSender, CryptoError> {
    match sender {
        // OpenMLS has verified the signature with the external sender's key; the credential is
        // the one registered with it in the group's external_senders extension.
        Sender::External(_) => {
            let basic = BasicCredential::try_from(credential.clone())
                .map_err(|_| CryptoError::MlsInvalidCredential)?;
            Ok(MessageSender::External(basic.identity().to_vec()))
        }
        _ => Ok(MessageSender::Member(member_public_key(credential)?)),
    }
}

impl MlsClient {
    /// A client with no groups for the identity whose 32-byte secret is given.
    pub fn new(identity_secret: &[u8]) -> Result<Self, CryptoError> {
        Ok(Self {
            identity: Identity::from_secret_key(identity_secret)?,
            provider: Provider::default(),
            groups: BTreeMap::new(),
        })
    }

    /// This client's identity public key (its MLS credential and signature key).
    pub fn public_key(&self) -> PublicKey {
        self.identity.public_key()
    }

    fn build_key_package(&self, last_resort: bool) -> Result<Vec<u8>, CryptoError> {
        let mut builder = KeyPackage::builder();
        if last_resort {
            // A KeyPackage may only carry extensions its leaf declares support for.
            builder = builder.mark_as_last_resort().leaf_node_capabilities(
                Capabilities::builder()
                    .extensions(vec![ExtensionType::LastResort])
                    .build(),
            );
        }
        let bundle = builder
            .build(
                CIPHERSUITE,
                &self.provider,
                &IdentitySigner(&self.identity),
                credential_with_key(&self.identity.public_key()),
            )
            .map_err(|_| CryptoError::MlsInternal)?;
        serialize(&MlsMessageOut::from(bundle.key_package().clone()))
    }

    /// `count` one-time KeyPackages (each an MLSMessage), their private keys kept in the state.
    pub fn key_packages(&mut self, count: usize) -> Result<Vec<Vec<u8>>, CryptoError> {
        if count > MAX_KEY_PACKAGES_PER_CALL {
            return Err(CryptoError::MlsInvalidArgument);
        }
        (0..count).map(|_| self.build_key_package(false)).collect()
    }

    /// A last-resort KeyPackage (RFC 9420 last_resort extension): it stays usable after a join,
    /// for when the one-time stock has run out.
    pub fn last_resort_key_package(&mut self) -> Result<Vec<u8>, CryptoError> {
        self.build_key_package(true)
    }

    fn group(&self, group_id: &[u8]) -> Result<&MlsGroup, CryptoError> {
        self.groups
            .get(group_id)
            .ok_or(CryptoError::MlsUnknownGroup)
    }

    /// Creates a group with this client as its only member and the server as its single
    /// external sender (RFC 9420 external_senders), which may then propose Adds and Removes.
    pub fn create_group(
        &mut self,
        group_id: &[u8],
        external_sender_public_key: &[u8],
        external_sender_identity: &[u8],
    ) -> Result<(), CryptoError> {
        let server_key = PublicKey::from_bytes(external_sender_public_key)?;
        let external_sender = ExternalSender::new(
            SignaturePublicKey::from(server_key.to_bytes().to_vec()),
            BasicCredential::new(external_sender_identity.to_vec()).into(),
        );
        self.new_group(group_id, Some(external_sender))
    }

    /// Creates a direct-message group: this client alone, no external sender, so the server
    /// can neither propose Adds nor Removes nor follow it as a delivery service. Members are
    /// added by their own commits ([`add_members`](Self::add_members)).
    pub fn create_dm_group(&mut self, group_id: &[u8]) -> Result<(), CryptoError> {
        self.new_group(group_id, None)
    }

    fn new_group(
        &mut self,
        group_id: &[u8],
        external_sender: Option<ExternalSender>,
    ) -> Result<(), CryptoError> {
        if group_id.is_empty() || group_id.len() > 255 {
            return Err(CryptoError::MlsInvalidArgument);
        }
        if self.groups.contains_key(group_id) {
            return Err(CryptoError::MlsGroupExists);
        }
        let mut builder = MlsGroupCreateConfig::builder()
            .ciphersuite(CIPHERSUITE)
            .wire_format_policy(MIXED_PLAINTEXT_WIRE_FORMAT_POLICY)
            .max_past_epochs(MAX_PAST_EPOCHS)
            .use_ratchet_tree_extension(true);
        if let Some(external_sender) = external_sender {
            let extensions = Extensions::single(Extension::ExternalSenders(vec![external_sender]))
                .map_err(|_| CryptoError::MlsInternal)?;
            builder = builder.with_group_context_extensions(extensions);
        }
        let config = builder.build();
        let group = MlsGroup::new_with_group_id(
            &self.provider,
            &IdentitySigner(&self.identity),
            &config,
            GroupId::from_slice(group_id),
            credential_with_key(&self.identity.public_key()),
        )
        .map_err(|_| CryptoError::MlsInternal)?;
        self.groups.insert(group_id.to_vec(), group);
        Ok(())
    }

    /// Verifies and applies one incoming MLSMessage of the group.
    pub fn process_message(
        &mut self,
        group_id: &[u8],
        message: &[u8],
    ) -> Result<Processed, CryptoError> {
        let message = parse_message(message)?;
        let protocol = message
            .try_into_protocol_message()
            .map_err(|_| CryptoError::MlsMalformedMessage)?;
        let provider = &self.provider;
        let group = self
            .groups
            .get_mut(group_id)
            .ok_or(CryptoError::MlsUnknownGroup)?;
        if protocol.group_id().as_slice() != group_id {
            return Err(CryptoError::MlsMalformedMessage);
        }
        let message_epoch = protocol.epoch();
        let stale = message_epoch != group.epoch();
        let processed = group
            .process_message(provider, protocol)
            .map_err(|error| process_error(error, stale))?;
        let epoch = processed.epoch().as_u64();
        let sender = processed.sender().clone();
        let credential = processed.credential().clone();
        match processed.into_content() {
            ProcessedMessageContent::ApplicationMessage(message) => Ok(Processed::Application {
                plaintext: message.into_bytes(),
                sender: sender_of(&sender, &credential)?,
                epoch,
            }),
            ProcessedMessageContent::ProposalMessage(proposal) => {
                let action = match proposal.proposal() {
                    Proposal::Add(add) => {
                        let leaf = add.key_package().leaf_node();
                        validate_leaf(leaf.credential(), leaf.signature_key().as_slice())?;
                        ProposalAction::Add(member_public_key(leaf.credential())?)
                    }
                    Proposal::Remove(remove) => {
                        let member = group
                            .member(remove.removed())
                            .ok_or(CryptoError::MlsInvalidMessage)?;
                        ProposalAction::Remove(member_public_key(member)?)
                    }
                    _ => ProposalAction::Other,
                };
                let sender = sender_of(&sender, &credential)?;
                group
                    .store_pending_proposal(provider.storage(), *proposal)
                    .map_err(|_| CryptoError::MlsInternal)?;
                Ok(Processed::Proposal {
                    action,
                    sender,
                    epoch,
                })
            }
            ProcessedMessageContent::ExternalJoinProposalMessage(_) => {
                Err(CryptoError::MlsUnauthorizedSender)
            }
            ProcessedMessageContent::StagedCommitMessage(staged) => {
                // The authentication-service check: every new leaf's credential must be its
                // own signature key.
                for add in staged.add_proposals() {
                    let leaf = add.add_proposal().key_package().leaf_node();
                    validate_leaf(leaf.credential(), leaf.signature_key().as_slice())?;
                }
                if let Some(leaf) = staged.update_path_leaf_node() {
                    validate_leaf(leaf.credential(), leaf.signature_key().as_slice())?;
                }
                let removed = staged.self_removed();
                group
                    .merge_staged_commit(provider, *staged)
                    .map_err(merge_error)?;
                self.after_commit(group_id, removed)
            }
            ProcessedMessageContent::OwnPendingCommit => {
                group
                    .merge_pending_commit(provider)
                    .map_err(|_| CryptoError::MlsInternal)?;
                self.after_commit(group_id, false)
            }
            ProcessedMessageContent::OwnPrivateMessage => Ok(Processed::OwnMessage { epoch }),
        }
    }

    fn after_commit(&mut self, group_id: &[u8], removed: bool) -> Result<Processed, CryptoError> {
        let group = self.group(group_id)?;
        let epoch = group.epoch().as_u64();
        if removed {
            self.leave_group(group_id)?;
            return Ok(Processed::Commit {
                epoch,
                members: Vec::new(),
                removed: true,
            });
        }
        Ok(Processed::Commit {
            epoch,
            members: members_of(group)?,
            removed: false,
        })
    }

    /// Commits to every stored proposal (an empty commit when there are none, which still
    /// rotates this member's keys). The commit stays pending until
    /// [`merge_pending_commit`](Self::merge_pending_commit) (the server accepted it) or
    /// [`clear_pending_commit`](Self::clear_pending_commit) (another commit won the epoch).
    pub fn commit_pending_proposals(
        &mut self,
        group_id: &[u8],
    ) -> Result<CommitOutput, CryptoError> {
        let provider = &self.provider;
        let signer = IdentitySigner(&self.identity);
        let group = self
            .groups
            .get_mut(group_id)
            .ok_or(CryptoError::MlsUnknownGroup)?;
        let (commit, welcome, group_info) = group
            .commit_to_pending_proposals(provider, &signer)
            .map_err(commit_error)?;
        Ok(CommitOutput {
            commit: serialize(&commit)?,
            welcome: welcome.as_ref().map(serialize).transpose()?,
            group_info: group_info
                .map(|info| serialize(&MlsMessageOut::from(info)))
                .transpose()?,
        })
    }

    /// A commit by this member adding the owners of `key_packages` (each an MLSMessage, checked
    /// like [`validate_key_package`](super::validate_key_package): signature, version, lifetime,
    /// ciphersuite, credential rule — `MlsInvalidKeyPackage` / `MlsInvalidCredential` /
    /// `MlsMalformedMessage`). For groups without a server (DMs); in a channel group the server
    /// refuses such a commit (`MlsForbiddenProposal`). The Welcome carries the ratchet tree.
    /// Like [`commit_pending_proposals`](Self::commit_pending_proposals), the commit (which also
    /// covers any stored proposals) stays pending until merged or cleared.
    pub fn add_members(
        &mut self,
        group_id: &[u8],
        key_packages: &[&[u8]],
    ) -> Result<CommitOutput, CryptoError> {
        if key_packages.is_empty() || key_packages.len() > MAX_KEY_PACKAGES_PER_CALL {
            return Err(CryptoError::MlsInvalidArgument);
        }
        let key_packages = key_packages
            .iter()
            .map(|bytes| verify_key_package(bytes).map(|(_, key_package)| key_package))
            .collect::<Result<Vec<_>, _>>()?;
        let provider = &self.provider;
        let signer = IdentitySigner(&self.identity);
        let group = self
            .groups
            .get_mut(group_id)
            .ok_or(CryptoError::MlsUnknownGroup)?;
        let (commit, welcome, group_info) = group
            .add_members(provider, &signer, &key_packages)
            .map_err(add_members_error)?;
        Ok(CommitOutput {
            commit: serialize(&commit)?,
            welcome: Some(serialize(&welcome)?),
            group_info: group_info
                .map(|info| serialize(&MlsMessageOut::from(info)))
                .transpose()?,
        })
    }

    /// The 32-byte Ed25519 public keys of the group's external senders, in extension order:
    /// empty for a DM group, the server's key for a channel group. A joiner checks it against
    /// the server key it knows before trusting the group (a rogue creator could name another).
    pub fn external_senders(&self, group_id: &[u8]) -> Result<Vec<Vec<u8>>, CryptoError> {
        let Some(senders) = self.group(group_id)?.extensions().external_senders() else {
            return Ok(Vec::new());
        };
        senders
            .iter()
            .map(|sender| {
                // ExternalSender's fields are crate-private in OpenMLS; its TLS encoding starts
                // with the signature key (a variable-length byte vector).
                let encoded = sender
                    .tls_serialize_detached()
                    .map_err(|_| CryptoError::MlsInternal)?;
                let key = SignaturePublicKey::tls_deserialize(&mut encoded.as_slice())
                    .map_err(|_| CryptoError::MlsInternal)?;
                Ok(key.as_slice().to_vec())
            })
            .collect()
    }

    /// Applies this client's pending commit (the server accepted it). Returns the new epoch
    /// and members as [`Processed::Commit`].
    pub fn merge_pending_commit(&mut self, group_id: &[u8]) -> Result<Processed, CryptoError> {
        let provider = &self.provider;
        let group = self
            .groups
            .get_mut(group_id)
            .ok_or(CryptoError::MlsUnknownGroup)?;
        if group.pending_commit().is_none() {
            return Err(CryptoError::MlsInvalidState);
        }
        group
            .merge_pending_commit(provider)
            .map_err(|_| CryptoError::MlsInternal)?;
        self.after_commit(group_id, false)
    }

    /// Drops this client's pending commit (the server took another one for the epoch). The
    /// stored proposals stay, so the winning commit can be processed next. Does nothing when
    /// there is no pending commit.
    pub fn clear_pending_commit(&mut self, group_id: &[u8]) -> Result<(), CryptoError> {
        let provider = &self.provider;
        let group = self
            .groups
            .get_mut(group_id)
            .ok_or(CryptoError::MlsUnknownGroup)?;
        group
            .clear_pending_commit(provider.storage())
            .map_err(|_| CryptoError::MlsInternal)
    }

    /// Joins a group from a Welcome (an MLSMessage). `ratchet_tree` (a TLS-encoded ratchet
    /// tree) is needed only when the Welcome does not carry the tree; ours always do.
    /// Returns the group id.
    pub fn join_from_welcome(
        &mut self,
        welcome: &[u8],
        ratchet_tree: Option<&[u8]>,
    ) -> Result<Vec<u8>, CryptoError> {
        let welcome = match parse_message(welcome)?.extract() {
            MlsMessageBodyIn::Welcome(welcome) => welcome,
            _ => return Err(CryptoError::MlsMalformedMessage),
        };
        let ratchet_tree = ratchet_tree
            .map(|bytes| {
                RatchetTreeIn::tls_deserialize_exact(bytes)
                    .map_err(|_| CryptoError::MlsMalformedMessage)
            })
            .transpose()?;
        let staged =
            StagedWelcome::new_from_welcome(&self.provider, &join_config(), welcome, ratchet_tree)
                .map_err(welcome_error)?;
        let group_id = staged.group_context().group_id().as_slice().to_vec();
        if self.groups.contains_key(&group_id) {
            return Err(CryptoError::MlsGroupExists);
        }
        for member in staged.members() {
            validate_leaf(&member.credential, &member.signature_key)?;
        }
        let group = staged.into_group(&self.provider).map_err(welcome_error)?;
        self.groups.insert(group_id.clone(), group);
        Ok(group_id)
    }

    /// Forgets the group: deletes its state from this client. (Telling the server is the
    /// caller's job; the server then proposes this member's removal.)
    pub fn leave_group(&mut self, group_id: &[u8]) -> Result<(), CryptoError> {
        let mut group = self
            .groups
            .remove(group_id)
            .ok_or(CryptoError::MlsUnknownGroup)?;
        group
            .delete(self.provider.storage())
            .map_err(|_| CryptoError::MlsInternal)
    }

    /// Encrypts an application message (a PrivateMessage in an MLSMessage).
    pub fn encrypt(&mut self, group_id: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let provider = &self.provider;
        let signer = IdentitySigner(&self.identity);
        let group = self
            .groups
            .get_mut(group_id)
            .ok_or(CryptoError::MlsUnknownGroup)?;
        let message = group
            .create_message(provider, &signer, plaintext)
            .map_err(create_message_error)?;
        serialize(&message)
    }

    /// The ids of the groups this client is in, in byte order.
    pub fn group_ids(&self) -> Vec<Vec<u8>> {
        self.groups.keys().cloned().collect()
    }

    /// The group's current epoch.
    pub fn epoch(&self, group_id: &[u8]) -> Result<u64, CryptoError> {
        Ok(self.group(group_id)?.epoch().as_u64())
    }

    /// The group's members in leaf order.
    pub fn members(&self, group_id: &[u8]) -> Result<Vec<GroupMember>, CryptoError> {
        members_of(self.group(group_id)?)
    }

    /// The epoch authenticator (RFC 9420 §8.7): equal for every member of the same epoch, so
    /// people can compare a code derived from it to detect a split view.
    pub fn epoch_authenticator(&self, group_id: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(self
            .group(group_id)?
            .epoch_authenticator()
            .as_slice()
            .to_vec())
    }

    /// An exported secret of the current epoch (RFC 9420 MLS-Exporter), e.g. voice keys.
    pub fn export_secret(
        &self,
        group_id: &[u8],
        label: &str,
        context: &[u8],
        length: usize,
    ) -> Result<Vec<u8>, CryptoError> {
        if length == 0 || length > 255 {
            return Err(CryptoError::MlsInvalidArgument);
        }
        self.group(group_id)?
            .export_secret(self.provider.crypto(), label, context, length)
            .map_err(|_| CryptoError::MlsInternal)
    }

    /// The group's ratchet tree, TLS-encoded (for a joiner whose Welcome lacks it).
    pub fn ratchet_tree(&self, group_id: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.group(group_id)?
            .export_ratchet_tree()
            .tls_serialize_detached()
            .map_err(|_| CryptoError::MlsInternal)
    }

    /// The group's current GroupInfo (an MLSMessage, signed by this member), for the server.
    pub fn group_info(&self, group_id: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let info = self
            .group(group_id)?
            .export_group_info(
                self.provider.crypto(),
                &IdentitySigner(&self.identity),
                true,
            )
            .map_err(|_| CryptoError::MlsInternal)?;
        serialize(&info)
    }

    /// The whole client state: every group and the private keys of unused key packages.
    /// **Secret**: store it only encrypted. Restore with [`restore`](Self::restore).
    ///
    /// Format: `"LEMONMLS" || version (1) || identity public key (32) || u32 group count ||
    /// (u32 length || group id)* || u32 entry count || (u32 length || key || u32 length ||
    /// value)*` (big-endian), entries sorted by key.
    pub fn export_state(&self) -> Vec<u8> {
        let entries = self.provider.sorted_values();
        let mut out = Vec::new();
        out.extend_from_slice(STATE_MAGIC);
        out.push(STATE_VERSION);
        out.extend_from_slice(self.identity.public_key().as_bytes());
        let put = |out: &mut Vec<u8>, bytes: &[u8]| {
            out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
            out.extend_from_slice(bytes);
        };
        out.extend_from_slice(&(self.groups.len() as u32).to_be_bytes());
        for id in self.groups.keys() {
            put(&mut out, id);
        }
        out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        for (key, value) in &entries {
            put(&mut out, key);
            put(&mut out, value);
        }
        out
    }

    /// Rebuilds a client from [`export_state`](Self::export_state)'s bytes. Fails with
    /// `MlsCorruptState` for bytes that are not such a state or belong to another identity.
    pub fn restore(identity_secret: &[u8], state: &[u8]) -> Result<Self, CryptoError> {
        let identity = Identity::from_secret_key(identity_secret)?;
        let mut reader = Reader(state);
        if reader.take(STATE_MAGIC.len())? != STATE_MAGIC
            || reader.take(1)? != [STATE_VERSION]
            || reader.take(PUBLIC_KEY_LENGTH)? != identity.public_key().as_bytes()
        {
            return Err(CryptoError::MlsCorruptState);
        }
        let group_count = reader.u32()?;
        let mut group_ids = Vec::new();
        for _ in 0..group_count {
            group_ids.push(reader.bytes()?.to_vec());
        }
        let entry_count = reader.u32()?;
        let mut values = HashMap::new();
        for _ in 0..entry_count {
            let key = reader.bytes()?.to_vec();
            let value = reader.bytes()?.to_vec();
            values.insert(key, value);
        }
        if !reader.0.is_empty() {
            return Err(CryptoError::MlsCorruptState);
        }
        let provider = Provider::with_values(values);
        let mut groups = BTreeMap::new();
        for id in group_ids {
            let group = MlsGroup::load(provider.storage(), &GroupId::from_slice(&id))
                .map_err(|_| CryptoError::MlsCorruptState)?
                .ok_or(CryptoError::MlsCorruptState)?;
            groups.insert(id, group);
        }
        Ok(Self {
            identity,
            provider,
            groups,
        })
    }
}

/// A cursor over the state bytes; running out is `MlsCorruptState`.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], CryptoError> {
        if self.0.len() < n {
            return Err(CryptoError::MlsCorruptState);
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }

    fn u32(&mut self) -> Result<u32, CryptoError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn bytes(&mut self) -> Result<&'a [u8], CryptoError> {
        let n = self.u32()? as usize;
        self.take(n)
    }
}

impl core::fmt::Debug for MlsClient {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MlsClient")
            .field("public_key", &self.identity.public_key())
            .field("groups", &self.groups.len())
            .finish_non_exhaustive()
    }
}
