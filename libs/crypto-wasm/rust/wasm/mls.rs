//! Bindings for the MLS client, the server's external-sender key and its delivery service.
//!
//! Lists cross as flat values the TypeScript wrapper reassembles (members: 32-byte keys back to
//! back plus an index list; key packages: one per call), so no JavaScript objects are built
//! here. Epochs cross as `f64` (exact below 2^53).

use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::error::CryptoFailure;
use crate::error::CryptoError;
use crate::mls::{
    AcceptedCommit, CommitOutput, DeliveryService, ExternalSenderKey, GroupMember,
    MessageContentType, MessageInfo, MessageSender, MessageWireFormat, MlsClient, Processed,
    ProposalAction,
};

fn epoch_to_js(epoch: u64) -> f64 {
    epoch as f64
}

fn epoch_from_js(epoch: f64) -> Result<u64, CryptoFailure> {
    if epoch.is_finite() && epoch >= 0.0 && epoch.fract() == 0.0 && epoch < 9_007_199_254_740_992.0
    {
        Ok(epoch as u64)
    } else {
        Err(CryptoError::MlsInvalidArgument.into())
    }
}

fn flat_keys(members: &[GroupMember]) -> Vec<u8> {
    members.iter().flat_map(|m| m.public_key).collect()
}

/// The result of processing one message (see `Processed` in rust/mls/client.rs).
#[wasm_bindgen(js_name = MlsProcessedMessage)]
pub struct MlsProcessedMessage(Processed);

#[wasm_bindgen(js_class = MlsProcessedMessage)]
impl MlsProcessedMessage {
    /// "application", "proposal", "commit" or "own".
    #[wasm_bindgen(js_name = kind)]
    pub fn kind(&self) -> String {
        match self.0 {
            Processed::Application { .. } => "application",
            Processed::Proposal { .. } => "proposal",
            Processed::Commit { .. } => "commit",
            Processed::OwnMessage { .. } => "own",
        }
        .to_owned()
    }

    /// The message's epoch, or the new epoch after a commit.
    #[wasm_bindgen(js_name = epoch)]
    pub fn epoch(&self) -> f64 {
        epoch_to_js(match self.0 {
            Processed::Application { epoch, .. }
            | Processed::Proposal { epoch, .. }
            | Processed::Commit { epoch, .. }
            | Processed::OwnMessage { epoch } => epoch,
        })
    }

    /// The plaintext of an application message (empty otherwise).
    #[wasm_bindgen(js_name = plaintext)]
    pub fn plaintext(&self) -> Vec<u8> {
        match &self.0 {
            Processed::Application { plaintext, .. } => plaintext.clone(),
            _ => Vec::new(),
        }
    }

    /// "member" or "external" for applications and proposals, "" otherwise.
    #[wasm_bindgen(js_name = senderKind)]
    pub fn sender_kind(&self) -> String {
        match &self.0 {
            Processed::Application { sender, .. } | Processed::Proposal { sender, .. } => {
                match sender {
                    MessageSender::Member(_) => "member",
                    MessageSender::External(_) => "external",
                }
            }
            _ => "",
        }
        .to_owned()
    }

    /// A member sender's public key, or the external sender's credential bytes.
    #[wasm_bindgen(js_name = sender)]
    pub fn sender(&self) -> Vec<u8> {
        match &self.0 {
            Processed::Application { sender, .. } | Processed::Proposal { sender, .. } => {
                match sender {
                    MessageSender::Member(key) => key.to_vec(),
                    MessageSender::External(credential) => credential.clone(),
                }
            }
            _ => Vec::new(),
        }
    }

    /// "add", "remove" or "other" for a proposal, "" otherwise.
    #[wasm_bindgen(js_name = proposalAction)]
    pub fn proposal_action(&self) -> String {
        match &self.0 {
            Processed::Proposal { action, .. } => match action {
                ProposalAction::Add(_) => "add",
                ProposalAction::Remove(_) => "remove",
                ProposalAction::Other => "other",
            },
            _ => "",
        }
        .to_owned()
    }

    /// The public key of the member a proposal adds or removes (empty otherwise).
    #[wasm_bindgen(js_name = proposalSubject)]
    pub fn proposal_subject(&self) -> Vec<u8> {
        match &self.0 {
            Processed::Proposal {
                action: ProposalAction::Add(key) | ProposalAction::Remove(key),
                ..
            } => key.to_vec(),
            _ => Vec::new(),
        }
    }

    /// After a commit: the members' public keys, 32 bytes each, in leaf order.
    #[wasm_bindgen(js_name = memberKeys)]
    pub fn member_keys(&self) -> Vec<u8> {
        match &self.0 {
            Processed::Commit { members, .. } => flat_keys(members),
            _ => Vec::new(),
        }
    }

    /// After a commit: the members' leaf indices, in the same order.
    #[wasm_bindgen(js_name = memberIndices)]
    pub fn member_indices(&self) -> Vec<u32> {
        match &self.0 {
            Processed::Commit { members, .. } => members.iter().map(|m| m.index).collect(),
            _ => Vec::new(),
        }
    }

    /// After a commit: whether it removed this client (whose group state is then gone).
    #[wasm_bindgen(js_name = removed)]
    pub fn removed(&self) -> bool {
        matches!(self.0, Processed::Commit { removed: true, .. })
    }
}

/// What to send after committing.
#[wasm_bindgen(js_name = MlsCommitOutput)]
pub struct MlsCommitOutput(CommitOutput);

#[wasm_bindgen(js_class = MlsCommitOutput)]
impl MlsCommitOutput {
    /// The commit, for the server.
    #[wasm_bindgen(js_name = commit)]
    pub fn commit(&self) -> Vec<u8> {
        self.0.commit.clone()
    }

    /// The Welcome for added members, if any.
    #[wasm_bindgen(js_name = welcome)]
    pub fn welcome(&self) -> Option<Vec<u8>> {
        self.0.welcome.clone()
    }

    /// The new epoch's GroupInfo, if any.
    #[wasm_bindgen(js_name = groupInfo)]
    pub fn group_info(&self) -> Option<Vec<u8>> {
        self.0.group_info.clone()
    }
}

/// One user's MLS client (see rust/mls/client.rs).
#[wasm_bindgen(js_name = MlsClientHandle)]
pub struct MlsClientHandle(MlsClient);

#[wasm_bindgen(js_class = MlsClientHandle)]
impl MlsClientHandle {
    /// A client without groups for the 32-byte identity secret (the copy is wiped).
    #[wasm_bindgen(js_name = create)]
    pub fn create(identity_secret: Vec<u8>) -> Result<MlsClientHandle, CryptoFailure> {
        let secret = Zeroizing::new(identity_secret);
        Ok(Self(MlsClient::new(&secret)?))
    }

    /// A client from `exportState()` bytes (the copies are wiped).
    #[wasm_bindgen(js_name = restore)]
    pub fn restore(
        identity_secret: Vec<u8>,
        state: Vec<u8>,
    ) -> Result<MlsClientHandle, CryptoFailure> {
        let secret = Zeroizing::new(identity_secret);
        let state = Zeroizing::new(state);
        Ok(Self(MlsClient::restore(&secret, &state)?))
    }

    /// The identity public key (= credential).
    #[wasm_bindgen(js_name = publicKey)]
    pub fn public_key(&self) -> Vec<u8> {
        self.0.public_key().to_bytes().to_vec()
    }

    /// One new one-time KeyPackage.
    #[wasm_bindgen(js_name = keyPackage)]
    pub fn key_package(&mut self) -> Result<Vec<u8>, CryptoFailure> {
        Ok(self.0.key_packages(1)?.remove(0))
    }

    /// A new last-resort KeyPackage.
    #[wasm_bindgen(js_name = lastResortKeyPackage)]
    pub fn last_resort_key_package(&mut self) -> Result<Vec<u8>, CryptoFailure> {
        Ok(self.0.last_resort_key_package()?)
    }

    /// Creates a group: with the server as external sender when both its key and credential
    /// are given, a DM group (no external sender) when neither is.
    #[wasm_bindgen(js_name = createGroup)]
    pub fn create_group(
        &mut self,
        group_id: &[u8],
        external_sender_public_key: Option<Vec<u8>>,
        external_sender_credential: Option<Vec<u8>>,
    ) -> Result<(), CryptoFailure> {
        match (external_sender_public_key, external_sender_credential) {
            (Some(key), Some(credential)) => {
                Ok(self.0.create_group(group_id, &key, &credential)?)
            }
            (None, None) => Ok(self.0.create_dm_group(group_id)?),
            _ => Err(CryptoError::MlsInvalidArgument.into()),
        }
    }

    /// A member commit adding key packages given back to back (`key_packages`) with their
    /// lengths (`lengths`).
    #[wasm_bindgen(js_name = addMembers)]
    pub fn add_members(
        &mut self,
        group_id: &[u8],
        key_packages: &[u8],
        lengths: &[u32],
    ) -> Result<MlsCommitOutput, CryptoFailure> {
        let mut rest = key_packages;
        let mut split = Vec::with_capacity(lengths.len());
        for &length in lengths {
            let length = length as usize;
            if length > rest.len() {
                return Err(CryptoError::MlsInvalidArgument.into());
            }
            let (head, tail) = rest.split_at(length);
            split.push(head);
            rest = tail;
        }
        if !rest.is_empty() {
            return Err(CryptoError::MlsInvalidArgument.into());
        }
        Ok(MlsCommitOutput(self.0.add_members(group_id, &split)?))
    }

    /// The external senders' 32-byte public keys, back to back (empty for a DM group).
    #[wasm_bindgen(js_name = externalSenders)]
    pub fn external_senders(&self, group_id: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
        Ok(self.0.external_senders(group_id)?.concat())
    }

    /// Verifies and applies one incoming message.
    #[wasm_bindgen(js_name = processMessage)]
    pub fn process_message(
        &mut self,
        group_id: &[u8],
        message: &[u8],
    ) -> Result<MlsProcessedMessage, CryptoFailure> {
        Ok(MlsProcessedMessage(
            self.0.process_message(group_id, message)?,
        ))
    }

    /// Commits to the stored proposals.
    #[wasm_bindgen(js_name = commitPendingProposals)]
    pub fn commit_pending_proposals(
        &mut self,
        group_id: &[u8],
    ) -> Result<MlsCommitOutput, CryptoFailure> {
        Ok(MlsCommitOutput(self.0.commit_pending_proposals(group_id)?))
    }

    /// Applies the pending commit.
    #[wasm_bindgen(js_name = mergePendingCommit)]
    pub fn merge_pending_commit(
        &mut self,
        group_id: &[u8],
    ) -> Result<MlsProcessedMessage, CryptoFailure> {
        Ok(MlsProcessedMessage(self.0.merge_pending_commit(group_id)?))
    }

    /// Drops the pending commit.
    #[wasm_bindgen(js_name = clearPendingCommit)]
    pub fn clear_pending_commit(&mut self, group_id: &[u8]) -> Result<(), CryptoFailure> {
        Ok(self.0.clear_pending_commit(group_id)?)
    }

    /// Joins from a Welcome; returns the group id.
    #[wasm_bindgen(js_name = joinFromWelcome)]
    pub fn join_from_welcome(
        &mut self,
        welcome: &[u8],
        ratchet_tree: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, CryptoFailure> {
        Ok(self.0.join_from_welcome(welcome, ratchet_tree.as_deref())?)
    }

    /// Deletes the group's local state.
    #[wasm_bindgen(js_name = leaveGroup)]
    pub fn leave_group(&mut self, group_id: &[u8]) -> Result<(), CryptoFailure> {
        Ok(self.0.leave_group(group_id)?)
    }

    /// Encrypts an application message.
    #[wasm_bindgen(js_name = encrypt)]
    pub fn encrypt(&mut self, group_id: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
        Ok(self.0.encrypt(group_id, plaintext)?)
    }

    /// How many groups this client is in.
    #[wasm_bindgen(js_name = groupCount)]
    pub fn group_count(&self) -> u32 {
        self.0.group_ids().len() as u32
    }

    /// The id of the `index`-th group (byte order).
    #[wasm_bindgen(js_name = groupIdAt)]
    pub fn group_id_at(&self, index: u32) -> Result<Vec<u8>, CryptoFailure> {
        self.0
            .group_ids()
            .into_iter()
            .nth(index as usize)
            .ok_or_else(|| CryptoError::MlsInvalidArgument.into())
    }

    /// The group's epoch.
    #[wasm_bindgen(js_name = epoch)]
    pub fn epoch(&self, group_id: &[u8]) -> Result<f64, CryptoFailure> {
        Ok(epoch_to_js(self.0.epoch(group_id)?))
    }

    /// The members' public keys, 32 bytes each, in leaf order.
    #[wasm_bindgen(js_name = memberKeys)]
    pub fn member_keys(&self, group_id: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
        Ok(flat_keys(&self.0.members(group_id)?))
    }

    /// The members' leaf indices, in the same order.
    #[wasm_bindgen(js_name = memberIndices)]
    pub fn member_indices(&self, group_id: &[u8]) -> Result<Vec<u32>, CryptoFailure> {
        Ok(self.0.members(group_id)?.iter().map(|m| m.index).collect())
    }

    /// The epoch authenticator.
    #[wasm_bindgen(js_name = epochAuthenticator)]
    pub fn epoch_authenticator(&self, group_id: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
        Ok(self.0.epoch_authenticator(group_id)?)
    }

    /// An MLS-Exporter secret of the current epoch.
    #[wasm_bindgen(js_name = exportSecret)]
    pub fn export_secret(
        &self,
        group_id: &[u8],
        label: &str,
        context: &[u8],
        length: u32,
    ) -> Result<Vec<u8>, CryptoFailure> {
        Ok(self
            .0
            .export_secret(group_id, label, context, length as usize)?)
    }

    /// The TLS-encoded ratchet tree.
    #[wasm_bindgen(js_name = ratchetTree)]
    pub fn ratchet_tree(&self, group_id: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
        Ok(self.0.ratchet_tree(group_id)?)
    }

    /// The current GroupInfo (an MLSMessage).
    #[wasm_bindgen(js_name = groupInfo)]
    pub fn group_info(&self, group_id: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
        Ok(self.0.group_info(group_id)?)
    }

    /// The whole client state (secret).
    #[wasm_bindgen(js_name = exportState)]
    pub fn export_state(&self) -> Vec<u8> {
        self.0.export_state()
    }
}

/// Verifies a KeyPackage (signature, ciphersuite, version, lifetime, credential rule) and
/// returns the 32-byte identity public key it belongs to.
#[wasm_bindgen(js_name = validateKeyPackage)]
pub fn validate_key_package(key_package: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
    Ok(crate::mls::validate_key_package(key_package)?.to_vec())
}

/// The clear facts of one MLSMessage (see rust/mls/inspect.rs).
#[wasm_bindgen(js_name = MlsMessageInspection)]
pub struct MlsMessageInspection(MessageInfo);

#[wasm_bindgen(js_class = MlsMessageInspection)]
impl MlsMessageInspection {
    /// "public", "private", "welcome", "group-info" or "key-package".
    #[wasm_bindgen(js_name = wireFormat)]
    pub fn wire_format(&self) -> String {
        match self.0.wire_format {
            MessageWireFormat::Public => "public",
            MessageWireFormat::Private => "private",
            MessageWireFormat::Welcome => "welcome",
            MessageWireFormat::GroupInfo => "group-info",
            MessageWireFormat::KeyPackage => "key-package",
        }
        .to_owned()
    }

    /// The group id of a Public- or PrivateMessage.
    #[wasm_bindgen(js_name = groupId)]
    pub fn group_id(&self) -> Option<Vec<u8>> {
        self.0.group_id.clone()
    }

    /// The epoch of a Public- or PrivateMessage.
    #[wasm_bindgen(js_name = epoch)]
    pub fn epoch(&self) -> Option<f64> {
        self.0.epoch.map(epoch_to_js)
    }

    /// "application", "proposal" or "commit" for a Public- or PrivateMessage.
    #[wasm_bindgen(js_name = contentType)]
    pub fn content_type(&self) -> Option<String> {
        self.0.content_type.map(|kind| {
            match kind {
                MessageContentType::Application => "application",
                MessageContentType::Proposal => "proposal",
                MessageContentType::Commit => "commit",
            }
            .to_owned()
        })
    }
}

/// Parses one MLSMessage (no state, nothing verified) and reports its clear framing.
#[wasm_bindgen(js_name = inspectMlsMessage)]
pub fn inspect_mls_message(message: &[u8]) -> Result<MlsMessageInspection, CryptoFailure> {
    Ok(MlsMessageInspection(crate::mls::inspect_message(message)?))
}

/// The server's key as a group's external sender.
#[wasm_bindgen(js_name = MlsExternalSenderHandle)]
pub struct MlsExternalSenderHandle(ExternalSenderKey);

#[wasm_bindgen(js_class = MlsExternalSenderHandle)]
impl MlsExternalSenderHandle {
    /// From the server's 32-byte identity secret (the copy is wiped).
    #[wasm_bindgen(js_name = fromSecretKey)]
    pub fn from_secret_key(secret: Vec<u8>) -> Result<MlsExternalSenderHandle, CryptoFailure> {
        let secret = Zeroizing::new(secret);
        Ok(Self(ExternalSenderKey::new(&secret)?))
    }

    /// The public key for groups' external_senders extension.
    #[wasm_bindgen(js_name = publicKey)]
    pub fn public_key(&self) -> Vec<u8> {
        self.0.public_key().to_bytes().to_vec()
    }

    /// An external Add proposal for a KeyPackage.
    #[wasm_bindgen(js_name = proposeAdd)]
    pub fn propose_add(
        &self,
        group_id: &[u8],
        epoch: f64,
        key_package: &[u8],
    ) -> Result<Vec<u8>, CryptoFailure> {
        Ok(self
            .0
            .propose_add(group_id, epoch_from_js(epoch)?, key_package)?)
    }

    /// An external Remove proposal for a leaf index.
    #[wasm_bindgen(js_name = proposeRemove)]
    pub fn propose_remove(
        &self,
        group_id: &[u8],
        epoch: f64,
        leaf_index: u32,
    ) -> Result<Vec<u8>, CryptoFailure> {
        Ok(self
            .0
            .propose_remove(group_id, epoch_from_js(epoch)?, leaf_index)?)
    }
}

/// What an accepted commit did.
#[wasm_bindgen(js_name = MlsAcceptedCommit)]
pub struct MlsAcceptedCommit(AcceptedCommit);

#[wasm_bindgen(js_class = MlsAcceptedCommit)]
impl MlsAcceptedCommit {
    /// The group's epoch now.
    #[wasm_bindgen(js_name = epoch)]
    pub fn epoch(&self) -> f64 {
        epoch_to_js(self.0.epoch)
    }

    /// The members' public keys, 32 bytes each, in leaf order.
    #[wasm_bindgen(js_name = memberKeys)]
    pub fn member_keys(&self) -> Vec<u8> {
        flat_keys(&self.0.members)
    }

    /// The members' leaf indices, in the same order.
    #[wasm_bindgen(js_name = memberIndices)]
    pub fn member_indices(&self) -> Vec<u32> {
        self.0.members.iter().map(|m| m.index).collect()
    }

    /// The committer's public key.
    #[wasm_bindgen(js_name = committer)]
    pub fn committer(&self) -> Vec<u8> {
        self.0.committer.to_vec()
    }
}

/// The server's tracking of its groups (see rust/mls/delivery.rs).
#[wasm_bindgen(js_name = MlsDeliveryServiceHandle)]
pub struct MlsDeliveryServiceHandle(DeliveryService);

#[wasm_bindgen(js_class = MlsDeliveryServiceHandle)]
impl MlsDeliveryServiceHandle {
    /// From the server's 32-byte identity secret (the copy is wiped).
    #[wasm_bindgen(js_name = fromSecretKey)]
    pub fn from_secret_key(secret: Vec<u8>) -> Result<MlsDeliveryServiceHandle, CryptoFailure> {
        let secret = Zeroizing::new(secret);
        Ok(Self(DeliveryService::new(&secret)?))
    }

    /// The server's external-sender public key.
    #[wasm_bindgen(js_name = publicKey)]
    pub fn public_key(&self) -> Vec<u8> {
        self.0.key().public_key().to_bytes().to_vec()
    }

    /// Starts tracking a group from a GroupInfo; returns the group id.
    #[wasm_bindgen(js_name = trackGroup)]
    pub fn track_group(
        &mut self,
        group_info: &[u8],
        ratchet_tree: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, CryptoFailure> {
        Ok(self.0.track_group(group_info, ratchet_tree.as_deref())?)
    }

    /// Stops tracking a group.
    #[wasm_bindgen(js_name = forgetGroup)]
    pub fn forget_group(&mut self, group_id: &[u8]) -> Result<(), CryptoFailure> {
        Ok(self.0.forget_group(group_id)?)
    }

    /// The tracked epoch.
    #[wasm_bindgen(js_name = epoch)]
    pub fn epoch(&self, group_id: &[u8]) -> Result<f64, CryptoFailure> {
        Ok(epoch_to_js(self.0.epoch(group_id)?))
    }

    /// The tracked members' public keys, 32 bytes each, in leaf order.
    #[wasm_bindgen(js_name = memberKeys)]
    pub fn member_keys(&self, group_id: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
        Ok(flat_keys(&self.0.members(group_id)?))
    }

    /// The tracked members' leaf indices, in the same order.
    #[wasm_bindgen(js_name = memberIndices)]
    pub fn member_indices(&self, group_id: &[u8]) -> Result<Vec<u32>, CryptoFailure> {
        Ok(self.0.members(group_id)?.iter().map(|m| m.index).collect())
    }

    /// Validates a commit and, if valid, applies it to the tracked state.
    #[wasm_bindgen(js_name = acceptCommit)]
    pub fn accept_commit(
        &mut self,
        group_id: &[u8],
        commit: &[u8],
    ) -> Result<MlsAcceptedCommit, CryptoFailure> {
        Ok(MlsAcceptedCommit(self.0.accept_commit(group_id, commit)?))
    }

    /// An external Add proposal at the tracked epoch.
    #[wasm_bindgen(js_name = proposeAdd)]
    pub fn propose_add(
        &mut self,
        group_id: &[u8],
        key_package: &[u8],
    ) -> Result<Vec<u8>, CryptoFailure> {
        Ok(self.0.propose_add(group_id, key_package)?)
    }

    /// An external Remove proposal for the member with this public key.
    #[wasm_bindgen(js_name = proposeRemove)]
    pub fn propose_remove(
        &mut self,
        group_id: &[u8],
        public_key: &[u8],
    ) -> Result<Vec<u8>, CryptoFailure> {
        Ok(self.0.propose_remove(group_id, public_key)?)
    }
}
