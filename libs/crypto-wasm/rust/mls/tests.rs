//! MLS scenarios with real OpenMLS on both ends: a server as external sender and several
//! clients, all in memory. Messages travel as bytes only.

use openmls::prelude::tls_codec::Serialize as _;
use openmls::prelude::{
    BasicCredential, CredentialWithKey, KeyPackage, MlsMessageOut, SignaturePublicKey,
};

use super::provider::{IdentitySigner, Provider};
use super::*;
use crate::error::CryptoError;
use crate::identity::Identity;

const GROUP: &[u8] = b"channel-1";
const SERVER_SECRET: [u8; 32] = [0xAA; 32];
const SERVER_NAME: &[u8] = b"lemon-server";

fn client(byte: u8) -> MlsClient {
    MlsClient::new(&[byte; 32]).unwrap()
}

fn server() -> ExternalSenderKey {
    ExternalSenderKey::new(&SERVER_SECRET).unwrap()
}

fn pk(c: &MlsClient) -> [u8; 32] {
    c.public_key().to_bytes()
}

fn create(creator: &mut MlsClient) {
    creator
        .create_group(GROUP, server().public_key().as_bytes(), SERVER_NAME)
        .unwrap();
}

/// The server proposes adding `joiner`; every member stores the proposal; `committer` commits
/// and the others process the commit; the joiner joins from the Welcome.
fn add(committer: &mut MlsClient, others: &mut [&mut MlsClient], joiner: &mut MlsClient) {
    let key_package = joiner.key_packages(1).unwrap().remove(0);
    let epoch = committer.epoch(GROUP).unwrap();
    let proposal = server().propose_add(GROUP, epoch, &key_package).unwrap();
    let stored = committer.process_message(GROUP, &proposal).unwrap();
    assert_eq!(
        stored,
        Processed::Proposal {
            action: ProposalAction::Add(pk(joiner)),
            sender: MessageSender::External(SERVER_NAME.to_vec()),
            epoch,
        }
    );
    for other in others.iter_mut() {
        other.process_message(GROUP, &proposal).unwrap();
    }
    let out = committer.commit_pending_proposals(GROUP).unwrap();
    assert!(out.group_info.is_some());
    committer.merge_pending_commit(GROUP).unwrap();
    for other in others.iter_mut() {
        let processed = other.process_message(GROUP, &out.commit).unwrap();
        assert!(matches!(
            processed,
            Processed::Commit { removed: false, .. }
        ));
    }
    let joined = joiner
        .join_from_welcome(&out.welcome.unwrap(), None)
        .unwrap();
    assert_eq!(joined, GROUP);
}

/// Alice (creator), Bob and Carol in one group.
fn three() -> (MlsClient, MlsClient, MlsClient) {
    let (mut alice, mut bob, mut carol) = (client(1), client(2), client(3));
    create(&mut alice);
    add(&mut alice, &mut [], &mut bob);
    add(&mut alice, &mut [&mut bob], &mut carol);
    (alice, bob, carol)
}

fn read(receiver: &mut MlsClient, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
    match receiver.process_message(GROUP, message)? {
        Processed::Application { plaintext, .. } => Ok(plaintext),
        other => panic!("expected an application message, got {other:?}"),
    }
}

fn index_of(c: &MlsClient, member: &MlsClient) -> u32 {
    c.members(GROUP)
        .unwrap()
        .into_iter()
        .find(|m| m.public_key == pk(member))
        .unwrap()
        .index
}

#[test]
fn three_members_exchange_messages() {
    let (mut alice, mut bob, mut carol) = three();
    assert_eq!(alice.epoch(GROUP).unwrap(), 2);
    let members: Vec<[u8; 32]> = bob
        .members(GROUP)
        .unwrap()
        .iter()
        .map(|m| m.public_key)
        .collect();
    assert_eq!(members, vec![pk(&alice), pk(&bob), pk(&carol)]);

    let from_alice = alice.encrypt(GROUP, b"hello from alice").unwrap();
    let processed = bob.process_message(GROUP, &from_alice).unwrap();
    assert_eq!(
        processed,
        Processed::Application {
            plaintext: b"hello from alice".to_vec(),
            sender: MessageSender::Member(pk(&alice)),
            epoch: 2,
        }
    );
    assert_eq!(read(&mut carol, &from_alice).unwrap(), b"hello from alice");
    let from_carol = carol.encrypt(GROUP, b"hi, carol here").unwrap();
    assert_eq!(read(&mut alice, &from_carol).unwrap(), b"hi, carol here");
    assert_eq!(read(&mut bob, &from_carol).unwrap(), b"hi, carol here");
    // The ciphertext does not contain the plaintext.
    assert!(!from_carol
        .windows(b"carol here".len())
        .any(|w| w == b"carol here"));
    // The sender's own message fanned back is recognised, not an error.
    assert_eq!(
        alice.process_message(GROUP, &from_alice).unwrap(),
        Processed::OwnMessage { epoch: 2 }
    );
}

#[test]
fn members_agree_on_epoch_authenticator_and_exported_secrets() {
    let (mut alice, bob, carol) = three();
    let code = alice.epoch_authenticator(GROUP).unwrap();
    assert!(!code.is_empty());
    assert_eq!(bob.epoch_authenticator(GROUP).unwrap(), code);
    assert_eq!(carol.epoch_authenticator(GROUP).unwrap(), code);
    let secret = alice.export_secret(GROUP, "sframe", b"ctx", 32).unwrap();
    assert_eq!(secret.len(), 32);
    assert_eq!(
        bob.export_secret(GROUP, "sframe", b"ctx", 32).unwrap(),
        secret
    );
    assert_ne!(
        alice.export_secret(GROUP, "other", b"ctx", 32).unwrap(),
        secret
    );
    assert_eq!(
        alice.export_secret(GROUP, "sframe", b"ctx", 0).unwrap_err(),
        CryptoError::MlsInvalidArgument
    );
    // A new epoch has a new code.
    alice.commit_pending_proposals(GROUP).unwrap();
    alice.merge_pending_commit(GROUP).unwrap();
    assert_ne!(alice.epoch_authenticator(GROUP).unwrap(), code);
}

#[test]
fn a_fourth_member_joins_and_cannot_read_earlier_messages() {
    let (mut alice, mut bob, mut carol) = three();
    let before = alice.encrypt(GROUP, b"before dave").unwrap();
    let mut dave = client(4);
    add(&mut bob, &mut [&mut alice, &mut carol], &mut dave);
    assert_eq!(dave.epoch(GROUP).unwrap(), 3);
    assert_eq!(dave.members(GROUP).unwrap().len(), 4);
    assert_eq!(
        dave.process_message(GROUP, &before).unwrap_err(),
        CryptoError::MlsWrongEpoch
    );
    let after = alice.encrypt(GROUP, b"welcome dave").unwrap();
    assert_eq!(read(&mut dave, &after).unwrap(), b"welcome dave");
    let from_dave = dave.encrypt(GROUP, b"thanks").unwrap();
    assert_eq!(read(&mut carol, &from_dave).unwrap(), b"thanks");
}

#[test]
fn an_external_remove_locks_the_member_out_of_the_next_epoch() {
    let (mut alice, mut bob, mut carol) = three();
    let epoch = alice.epoch(GROUP).unwrap();
    let remove = server()
        .propose_remove(GROUP, epoch, index_of(&alice, &carol))
        .unwrap();
    let carol_key = pk(&carol);
    for member in [&mut alice, &mut bob, &mut carol] {
        assert_eq!(
            member.process_message(GROUP, &remove).unwrap(),
            Processed::Proposal {
                action: ProposalAction::Remove(carol_key),
                sender: MessageSender::External(SERVER_NAME.to_vec()),
                epoch,
            }
        );
    }
    // Carol's state as it was before the removal, to show that even it cannot read on.
    let carol_before = MlsClient::restore(&[3; 32], &carol.export_state()).unwrap();
    let out = alice.commit_pending_proposals(GROUP).unwrap();
    assert!(out.welcome.is_none());
    alice.merge_pending_commit(GROUP).unwrap();
    let Processed::Commit { members, .. } = bob.process_message(GROUP, &out.commit).unwrap() else {
        panic!("expected a commit");
    };
    assert_eq!(members.len(), 2);
    assert_eq!(
        carol.process_message(GROUP, &out.commit).unwrap(),
        Processed::Commit {
            epoch: epoch + 1,
            members: vec![],
            removed: true
        }
    );
    assert_eq!(carol.group_ids(), Vec::<Vec<u8>>::new());

    let secret = alice.encrypt(GROUP, b"carol is gone").unwrap();
    assert_eq!(read(&mut bob, &secret).unwrap(), b"carol is gone");
    assert_eq!(
        carol.process_message(GROUP, &secret).unwrap_err(),
        CryptoError::MlsUnknownGroup
    );
    let mut carol_before = carol_before;
    assert_eq!(
        carol_before.process_message(GROUP, &secret).unwrap_err(),
        CryptoError::MlsWrongEpoch
    );
}

#[test]
fn tampered_ciphertext_is_rejected() {
    let (mut alice, mut bob, _) = three();
    let message = alice.encrypt(GROUP, b"do not touch").unwrap();
    for at in [message.len() - 1, message.len() - 20] {
        let mut bad = message.clone();
        bad[at] ^= 0x01;
        assert_eq!(
            bob.process_message(GROUP, &bad).unwrap_err(),
            CryptoError::MlsDecryptionFailed,
            "byte {at}"
        );
    }
    // The untouched message still decrypts.
    assert_eq!(read(&mut bob, &message).unwrap(), b"do not touch");
}

#[test]
fn replayed_message_is_rejected() {
    let (mut alice, mut bob, _) = three();
    let message = alice.encrypt(GROUP, b"once").unwrap();
    assert_eq!(read(&mut bob, &message).unwrap(), b"once");
    assert_eq!(
        bob.process_message(GROUP, &message).unwrap_err(),
        CryptoError::MlsReplay
    );
}

#[test]
fn messages_of_recent_epochs_decrypt_older_ones_do_not() {
    let (mut alice, mut bob, _) = three();
    let old = alice.encrypt(GROUP, b"epoch 2").unwrap();
    let mut late = Vec::new();
    // Bob commits MAX_PAST_EPOCHS + 1 times; Alice follows. A message Alice sent in each epoch
    // reaches Bob only after his next commit.
    for _ in 0..=MAX_PAST_EPOCHS {
        late.push(alice.encrypt(GROUP, b"late").unwrap());
        let out = bob.commit_pending_proposals(GROUP).unwrap();
        bob.merge_pending_commit(GROUP).unwrap();
        alice.process_message(GROUP, &out.commit).unwrap();
    }
    // The message from the epoch just before the current one decrypts...
    let last = late.pop().unwrap();
    assert_eq!(read(&mut bob, &last).unwrap(), b"late");
    // ...and so does one from MAX_PAST_EPOCHS epochs ago, but not one more.
    assert_eq!(read(&mut bob, &late[1]).unwrap(), b"late");
    assert_eq!(
        bob.process_message(GROUP, &old).unwrap_err(),
        CryptoError::MlsWrongEpoch
    );
    // A message from an epoch Bob has not reached yet is also the wrong epoch.
    let out = alice.commit_pending_proposals(GROUP).unwrap();
    alice.merge_pending_commit(GROUP).unwrap();
    let ahead = alice.encrypt(GROUP, b"ahead").unwrap();
    assert_eq!(
        bob.process_message(GROUP, &ahead).unwrap_err(),
        CryptoError::MlsWrongEpoch
    );
    bob.process_message(GROUP, &out.commit).unwrap();
    assert_eq!(read(&mut bob, &ahead).unwrap(), b"ahead");
}

#[test]
fn a_replayed_commit_is_the_wrong_epoch() {
    let (mut alice, mut bob, _) = three();
    let out = alice.commit_pending_proposals(GROUP).unwrap();
    alice.merge_pending_commit(GROUP).unwrap();
    bob.process_message(GROUP, &out.commit).unwrap();
    assert_eq!(
        bob.process_message(GROUP, &out.commit).unwrap_err(),
        CryptoError::MlsWrongEpoch
    );
}

#[test]
fn a_commit_from_a_non_member_is_rejected() {
    let (mut alice, _, _) = three();
    // Mallory builds her own group with the same id and epoch and commits in it.
    let mut mallory = client(9);
    create(&mut mallory);
    let mut m2 = client(10);
    let mut m3 = client(11);
    add(&mut mallory, &mut [], &mut m2);
    add(&mut mallory, &mut [&mut m2], &mut m3);
    assert_eq!(mallory.epoch(GROUP).unwrap(), alice.epoch(GROUP).unwrap());
    let forged = mallory.commit_pending_proposals(GROUP).unwrap();
    assert_eq!(
        alice.process_message(GROUP, &forged.commit).unwrap_err(),
        CryptoError::MlsNotAMember
    );
    assert_eq!(alice.epoch(GROUP).unwrap(), 2);
}

#[test]
fn a_proposal_not_signed_by_the_external_sender_is_rejected() {
    let (mut alice, _, _) = three();
    let rogue = ExternalSenderKey::new(&[0xBB; 32]).unwrap();
    let key_package = client(5).key_packages(1).unwrap().remove(0);
    let epoch = alice.epoch(GROUP).unwrap();
    let forged = rogue.propose_add(GROUP, epoch, &key_package).unwrap();
    assert_eq!(
        alice.process_message(GROUP, &forged).unwrap_err(),
        CryptoError::MlsInvalidSignature
    );
    let forged_remove = rogue.propose_remove(GROUP, epoch, 1).unwrap();
    assert_eq!(
        alice.process_message(GROUP, &forged_remove).unwrap_err(),
        CryptoError::MlsInvalidSignature
    );
    // Nothing was stored: the next commit adds nobody.
    let out = alice.commit_pending_proposals(GROUP).unwrap();
    assert!(out.welcome.is_none());
}

#[test]
fn two_commits_in_one_epoch_the_loser_clears_and_catches_up() {
    let (mut alice, mut bob, mut carol) = three();
    let mut dave = client(4);
    let key_package = dave.key_packages(1).unwrap().remove(0);
    let proposal = server()
        .propose_add(GROUP, alice.epoch(GROUP).unwrap(), &key_package)
        .unwrap();
    for member in [&mut alice, &mut bob, &mut carol] {
        member.process_message(GROUP, &proposal).unwrap();
    }
    let from_alice = alice.commit_pending_proposals(GROUP).unwrap();
    let from_bob = bob.commit_pending_proposals(GROUP).unwrap();
    // While a commit is pending, a member may not send.
    assert_eq!(
        bob.encrypt(GROUP, b"x").unwrap_err(),
        CryptoError::MlsInvalidState
    );
    // The server takes Alice's (first valid for the epoch) and refuses Bob's.
    alice.merge_pending_commit(GROUP).unwrap();
    bob.clear_pending_commit(GROUP).unwrap();
    bob.clear_pending_commit(GROUP).unwrap(); // nothing pending: no-op
    assert_eq!(
        bob.merge_pending_commit(GROUP).unwrap_err(),
        CryptoError::MlsInvalidState
    );
    let Processed::Commit { epoch, members, .. } =
        bob.process_message(GROUP, &from_alice.commit).unwrap()
    else {
        panic!("expected a commit");
    };
    assert_eq!((epoch, members.len()), (3, 4));
    carol.process_message(GROUP, &from_alice.commit).unwrap();
    // Bob's losing commit is now for a past epoch.
    assert_eq!(
        carol.process_message(GROUP, &from_bob.commit).unwrap_err(),
        CryptoError::MlsWrongEpoch
    );
    dave.join_from_welcome(&from_alice.welcome.unwrap(), None)
        .unwrap();
    let hello = bob.encrypt(GROUP, b"all in epoch 3").unwrap();
    for member in [&mut alice, &mut carol, &mut dave] {
        assert_eq!(read(member, &hello).unwrap(), b"all in epoch 3");
    }
}

#[test]
fn own_commit_fanned_back_is_merged() {
    let (mut alice, mut bob, _) = three();
    let out = alice.commit_pending_proposals(GROUP).unwrap();
    let Processed::Commit { epoch, .. } = alice.process_message(GROUP, &out.commit).unwrap() else {
        panic!("expected a commit");
    };
    assert_eq!(epoch, 3);
    bob.process_message(GROUP, &out.commit).unwrap();
    let message = bob.encrypt(GROUP, b"ok").unwrap();
    assert_eq!(read(&mut alice, &message).unwrap(), b"ok");
}

#[test]
fn state_export_and_restore_keep_the_group_working() {
    let (mut alice, bob, mut carol) = three();
    // An unused key package's private key is part of the state as well.
    let key_package = bob.export_state();
    drop(key_package);
    let mut bob = bob;
    let spare = bob.key_packages(1).unwrap().remove(0);
    let state = bob.export_state();
    assert_eq!(state, bob.export_state(), "export is deterministic");
    drop(bob);
    let mut bob = MlsClient::restore(&[2; 32], &state).unwrap();
    assert_eq!(bob.group_ids(), vec![GROUP.to_vec()]);
    assert_eq!(bob.epoch(GROUP).unwrap(), 2);

    let message = alice.encrypt(GROUP, b"after restore").unwrap();
    assert_eq!(read(&mut bob, &message).unwrap(), b"after restore");
    let out = bob.commit_pending_proposals(GROUP).unwrap();
    bob.merge_pending_commit(GROUP).unwrap();
    alice.process_message(GROUP, &out.commit).unwrap();
    carol.process_message(GROUP, &out.commit).unwrap();
    let reply = bob.encrypt(GROUP, b"from restored bob").unwrap();
    assert_eq!(read(&mut carol, &reply).unwrap(), b"from restored bob");

    // Bob's spare key package (made before the export) still lets him join another group.
    let other: &[u8] = b"channel-2";
    carol
        .create_group(other, server().public_key().as_bytes(), SERVER_NAME)
        .unwrap();
    let proposal = server().propose_add(other, 0, &spare).unwrap();
    carol.process_message(other, &proposal).unwrap();
    let out = carol.commit_pending_proposals(other).unwrap();
    carol.merge_pending_commit(other).unwrap();
    assert_eq!(
        bob.join_from_welcome(&out.welcome.unwrap(), None).unwrap(),
        other
    );
}

#[test]
fn restore_rejects_damaged_state_or_another_identity() {
    let (alice, _, _) = three();
    let state = alice.export_state();
    assert_eq!(
        MlsClient::restore(&[2; 32], &state).unwrap_err(),
        CryptoError::MlsCorruptState
    );
    for bad in [
        &state[..state.len() - 1],
        &state[..10],
        b"LEMONMLX".as_slice(),
    ] {
        assert_eq!(
            MlsClient::restore(&[1; 32], bad).unwrap_err(),
            CryptoError::MlsCorruptState
        );
    }
    let mut trailing = state.clone();
    trailing.push(0);
    assert_eq!(
        MlsClient::restore(&[1; 32], &trailing).unwrap_err(),
        CryptoError::MlsCorruptState
    );
    assert_eq!(
        MlsClient::restore(&[1; 31], &state).unwrap_err(),
        CryptoError::InvalidKey
    );
}

#[test]
fn last_resort_key_package_can_be_used_twice() {
    let mut alice = client(1);
    let mut bob = client(2);
    let last_resort = bob.last_resort_key_package().unwrap();
    for group in [b"g-1".as_slice(), b"g-2".as_slice()] {
        alice
            .create_group(group, server().public_key().as_bytes(), SERVER_NAME)
            .unwrap();
        let proposal = server().propose_add(group, 0, &last_resort).unwrap();
        alice.process_message(group, &proposal).unwrap();
        let out = alice.commit_pending_proposals(group).unwrap();
        alice.merge_pending_commit(group).unwrap();
        assert_eq!(
            bob.join_from_welcome(&out.welcome.unwrap(), None).unwrap(),
            group
        );
    }
    // A one-time key package is gone after its first use.
    let once = bob.key_packages(1).unwrap().remove(0);
    let mut welcomes = Vec::new();
    for group in [b"g-3".as_slice(), b"g-4".as_slice()] {
        alice
            .create_group(group, server().public_key().as_bytes(), SERVER_NAME)
            .unwrap();
        let proposal = server().propose_add(group, 0, &once).unwrap();
        alice.process_message(group, &proposal).unwrap();
        let out = alice.commit_pending_proposals(group).unwrap();
        alice.merge_pending_commit(group).unwrap();
        welcomes.push(out.welcome.unwrap());
    }
    bob.join_from_welcome(&welcomes[0], None).unwrap();
    assert_eq!(
        bob.join_from_welcome(&welcomes[1], None).unwrap_err(),
        CryptoError::MlsNoMatchingKeyPackage
    );
}

#[test]
fn join_with_an_explicit_ratchet_tree() {
    let (mut alice, mut bob, _) = three();
    let mut dave = client(4);
    let key_package = dave.key_packages(1).unwrap().remove(0);
    let proposal = server()
        .propose_add(GROUP, alice.epoch(GROUP).unwrap(), &key_package)
        .unwrap();
    alice.process_message(GROUP, &proposal).unwrap();
    bob.process_message(GROUP, &proposal).unwrap();
    let out = alice.commit_pending_proposals(GROUP).unwrap();
    alice.merge_pending_commit(GROUP).unwrap();
    let tree = alice.ratchet_tree(GROUP).unwrap();
    assert_eq!(
        dave.join_from_welcome(&out.welcome.unwrap(), Some(&tree))
            .unwrap(),
        GROUP
    );
    assert_eq!(
        dave.epoch_authenticator(GROUP).unwrap(),
        alice.epoch_authenticator(GROUP).unwrap()
    );
}

#[test]
fn a_key_package_whose_credential_is_not_its_key_is_refused() {
    // Eve signs a key package with her key but claims Alice's public key as credential.
    let eve = Identity::from_secret_key(&[6; 32]).unwrap();
    let alice = Identity::from_secret_key(&[1; 32]).unwrap();
    let provider = Provider::default();
    let bundle = KeyPackage::builder()
        .build(
            CIPHERSUITE,
            &provider,
            &IdentitySigner(&eve),
            CredentialWithKey {
                credential: BasicCredential::new(alice.public_key().to_bytes().to_vec()).into(),
                signature_key: SignaturePublicKey::from(eve.public_key().to_bytes().to_vec()),
            },
        )
        .unwrap();
    let bytes = MlsMessageOut::from(bundle.key_package().clone())
        .tls_serialize_detached()
        .unwrap();
    assert_eq!(
        server().propose_add(GROUP, 0, &bytes).unwrap_err(),
        CryptoError::MlsInvalidKeyPackage
    );
    // A damaged key package fails verification too.
    let mut good = client(7).key_packages(1).unwrap().remove(0);
    let last = good.len() - 1;
    good[last] ^= 1;
    assert_eq!(
        server().propose_add(GROUP, 0, &good).unwrap_err(),
        CryptoError::MlsInvalidKeyPackage
    );
}

#[test]
fn validate_key_package_returns_the_owner_and_refuses_bad_ones() {
    let mut alice = client(1);
    let good = alice.key_packages(1).unwrap().remove(0);
    assert_eq!(validate_key_package(&good).unwrap(), pk(&alice));
    let last_resort = alice.last_resort_key_package().unwrap();
    assert_eq!(validate_key_package(&last_resort).unwrap(), pk(&alice));
    // A flipped byte in the signature.
    let mut tampered = good.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    assert_eq!(
        validate_key_package(&tampered).unwrap_err(),
        CryptoError::MlsInvalidKeyPackage
    );
    // Garbage, empty, trailing bytes, and an MLS message that is not a KeyPackage.
    assert_eq!(
        validate_key_package(b"garbage").unwrap_err(),
        CryptoError::MlsMalformedMessage
    );
    assert_eq!(
        validate_key_package(&[]).unwrap_err(),
        CryptoError::MlsMalformedMessage
    );
    let mut trailing = good.clone();
    trailing.push(0);
    assert_eq!(
        validate_key_package(&trailing).unwrap_err(),
        CryptoError::MlsMalformedMessage
    );
    let proposal = server().propose_add(GROUP, 0, &good).unwrap();
    assert_eq!(
        validate_key_package(&proposal).unwrap_err(),
        CryptoError::MlsMalformedMessage
    );
    // Eve signs with her key but names Alice as credential.
    let eve = Identity::from_secret_key(&[6; 32]).unwrap();
    let provider = Provider::default();
    let bundle = KeyPackage::builder()
        .build(
            CIPHERSUITE,
            &provider,
            &IdentitySigner(&eve),
            CredentialWithKey {
                credential: BasicCredential::new(pk(&alice).to_vec()).into(),
                signature_key: SignaturePublicKey::from(eve.public_key().to_bytes().to_vec()),
            },
        )
        .unwrap();
    let forged = MlsMessageOut::from(bundle.key_package().clone())
        .tls_serialize_detached()
        .unwrap();
    assert_eq!(
        validate_key_package(&forged).unwrap_err(),
        CryptoError::MlsInvalidCredential
    );
}

#[test]
fn argument_and_lookup_errors() {
    let mut alice = client(1);
    create(&mut alice);
    assert_eq!(
        alice
            .create_group(GROUP, server().public_key().as_bytes(), SERVER_NAME)
            .unwrap_err(),
        CryptoError::MlsGroupExists
    );
    assert_eq!(
        alice.create_group(b"x", &[0; 32], SERVER_NAME).unwrap_err(),
        CryptoError::InvalidKey
    );
    assert_eq!(
        alice
            .create_group(b"", server().public_key().as_bytes(), SERVER_NAME)
            .unwrap_err(),
        CryptoError::MlsInvalidArgument
    );
    assert_eq!(
        alice.encrypt(b"nope", b"x").unwrap_err(),
        CryptoError::MlsUnknownGroup
    );
    assert_eq!(
        alice.epoch(b"nope").unwrap_err(),
        CryptoError::MlsUnknownGroup
    );
    assert_eq!(
        alice.leave_group(b"nope").unwrap_err(),
        CryptoError::MlsUnknownGroup
    );
    let message = alice.encrypt(GROUP, b"x").unwrap();
    assert_eq!(
        alice.process_message(b"nope", &message).unwrap_err(),
        CryptoError::MlsUnknownGroup
    );
    assert_eq!(
        alice.process_message(GROUP, b"garbage").unwrap_err(),
        CryptoError::MlsMalformedMessage
    );
    assert_eq!(
        alice.join_from_welcome(&message, None).unwrap_err(),
        CryptoError::MlsMalformedMessage
    );
    assert_eq!(
        alice
            .key_packages(MAX_KEY_PACKAGES_PER_CALL + 1)
            .unwrap_err(),
        CryptoError::MlsInvalidArgument
    );
    alice.leave_group(GROUP).unwrap();
    assert!(alice.group_ids().is_empty());
}

// --- The server's DeliveryService -------------------------------------------------------------

/// Alice's group with the DeliveryService's key as external sender, tracked by it.
fn tracked() -> (DeliveryService, MlsClient) {
    let mut ds = DeliveryService::new(&SERVER_SECRET).unwrap();
    let mut alice = client(1);
    alice
        .create_group(GROUP, ds.key().public_key().as_bytes(), SERVER_NAME)
        .unwrap();
    let info = alice.group_info(GROUP).unwrap();
    assert_eq!(ds.track_group(&info, None).unwrap(), GROUP);
    assert_eq!(ds.epoch(GROUP).unwrap(), 0);
    (ds, alice)
}

/// The DeliveryService proposes `joiner`; members store it; `committer` commits; the DS accepts;
/// everyone follows.
fn ds_add(
    ds: &mut DeliveryService,
    committer: &mut MlsClient,
    others: &mut [&mut MlsClient],
    joiner: &mut MlsClient,
) -> AcceptedCommit {
    let key_package = joiner.key_packages(1).unwrap().remove(0);
    let proposal = ds.propose_add(GROUP, &key_package).unwrap();
    committer.process_message(GROUP, &proposal).unwrap();
    for other in others.iter_mut() {
        other.process_message(GROUP, &proposal).unwrap();
    }
    let out = committer.commit_pending_proposals(GROUP).unwrap();
    let accepted = ds.accept_commit(GROUP, &out.commit).unwrap();
    committer.merge_pending_commit(GROUP).unwrap();
    for other in others.iter_mut() {
        other.process_message(GROUP, &out.commit).unwrap();
    }
    joiner
        .join_from_welcome(&out.welcome.unwrap(), None)
        .unwrap();
    accepted
}

#[test]
fn delivery_service_follows_the_group_and_first_commit_wins() {
    let (mut ds, mut alice) = tracked();
    let (mut bob, mut carol) = (client(2), client(3));
    let accepted = ds_add(&mut ds, &mut alice, &mut [], &mut bob);
    assert_eq!(accepted.epoch, 1);
    assert_eq!(accepted.committer, pk(&alice));
    assert_eq!(
        accepted
            .members
            .iter()
            .map(|m| m.public_key)
            .collect::<Vec<_>>(),
        vec![pk(&alice), pk(&bob)]
    );

    // Carol is proposed; Alice and Bob both commit; the DS takes the first.
    let key_package = carol.key_packages(1).unwrap().remove(0);
    let proposal = ds.propose_add(GROUP, &key_package).unwrap();
    alice.process_message(GROUP, &proposal).unwrap();
    bob.process_message(GROUP, &proposal).unwrap();
    let from_bob = bob.commit_pending_proposals(GROUP).unwrap();
    let from_alice = alice.commit_pending_proposals(GROUP).unwrap();
    let accepted = ds.accept_commit(GROUP, &from_bob.commit).unwrap();
    assert_eq!((accepted.epoch, accepted.committer), (2, pk(&bob)));
    assert_eq!(
        ds.accept_commit(GROUP, &from_alice.commit).unwrap_err(),
        CryptoError::MlsWrongEpoch
    );
    bob.merge_pending_commit(GROUP).unwrap();
    alice.clear_pending_commit(GROUP).unwrap();
    alice.process_message(GROUP, &from_bob.commit).unwrap();
    carol
        .join_from_welcome(&from_bob.welcome.unwrap(), None)
        .unwrap();
    assert_eq!(ds.members(GROUP).unwrap(), alice.members(GROUP).unwrap());

    // The DS removes Carol by her key.
    let remove = ds.propose_remove(GROUP, &pk(&carol)).unwrap();
    for member in [&mut alice, &mut bob, &mut carol] {
        member.process_message(GROUP, &remove).unwrap();
    }
    let out = alice.commit_pending_proposals(GROUP).unwrap();
    let accepted = ds.accept_commit(GROUP, &out.commit).unwrap();
    assert_eq!(accepted.members.len(), 2);
    alice.merge_pending_commit(GROUP).unwrap();
    bob.process_message(GROUP, &out.commit).unwrap();
    assert!(matches!(
        carol.process_message(GROUP, &out.commit).unwrap(),
        Processed::Commit { removed: true, .. }
    ));
    assert_eq!(ds.epoch(GROUP).unwrap(), alice.epoch(GROUP).unwrap());

    // Re-tracking from the GroupInfo of a commit bundle, with an explicit ratchet tree.
    let out = bob.commit_pending_proposals(GROUP).unwrap();
    bob.merge_pending_commit(GROUP).unwrap();
    let tree = bob.ratchet_tree(GROUP).unwrap();
    let mut fresh = DeliveryService::new(&SERVER_SECRET).unwrap();
    fresh
        .track_group(&out.group_info.unwrap(), Some(&tree))
        .unwrap();
    assert_eq!(fresh.epoch(GROUP).unwrap(), bob.epoch(GROUP).unwrap());
    assert_eq!(fresh.members(GROUP).unwrap(), bob.members(GROUP).unwrap());
}

#[test]
fn delivery_service_rejects_bad_commits() {
    let (mut ds, mut alice) = tracked();
    let mut bob = client(2);
    ds_add(&mut ds, &mut alice, &mut [], &mut bob);

    // A commit from someone outside the group (same group id and epoch, another group). It
    // claims leaf 0 (Alice's); the server holds no membership key, so what fails is the
    // signature check against Alice's key.
    let mut mallory = client(9);
    create(&mut mallory);
    add(&mut mallory, &mut [], &mut client(10));
    let forged = mallory.commit_pending_proposals(GROUP).unwrap();
    assert_eq!(
        ds.accept_commit(GROUP, &forged.commit).unwrap_err(),
        CryptoError::MlsInvalidSignature
    );
    // A member's commit with a modified signature byte. The message ends with the signature
    // (1 + 64 bytes), the confirmation tag (1 + 32) and the membership tag (1 + 32); the tags are
    // MACs under group secrets the server does not have, so only members can check those.
    let out = alice.commit_pending_proposals(GROUP).unwrap();
    let mut tampered = out.commit.clone();
    let at = tampered.len() - 66 - 10;
    tampered[at] ^= 1;
    assert_eq!(
        ds.accept_commit(GROUP, &tampered).unwrap_err(),
        CryptoError::MlsInvalidSignature
    );
    // An application message is not a commit.
    let message = bob.encrypt(GROUP, b"hi").unwrap();
    assert_eq!(
        ds.accept_commit(GROUP, &message).unwrap_err(),
        CryptoError::MlsMalformedMessage
    );
    assert_eq!(ds.epoch(GROUP).unwrap(), 1);
    // The genuine commit still goes through.
    assert_eq!(ds.accept_commit(GROUP, &out.commit).unwrap().epoch, 2);

    assert_eq!(
        ds.propose_remove(GROUP, &[7; 32]).unwrap_err(),
        CryptoError::MlsNotAMember
    );
    assert_eq!(ds.epoch(b"nope").unwrap_err(), CryptoError::MlsUnknownGroup);
    ds.forget_group(GROUP).unwrap();
    assert_eq!(
        ds.propose_add(GROUP, &client(5).key_packages(1).unwrap()[0])
            .unwrap_err(),
        CryptoError::MlsUnknownGroup
    );
}

#[test]
fn delivery_service_only_tracks_groups_it_is_the_external_sender_of() {
    let mut ds = DeliveryService::new(&SERVER_SECRET).unwrap();
    let mut alice = client(1);
    let other_server = ExternalSenderKey::new(&[0xBB; 32]).unwrap();
    alice
        .create_group(GROUP, other_server.public_key().as_bytes(), SERVER_NAME)
        .unwrap();
    assert_eq!(
        ds.track_group(&alice.group_info(GROUP).unwrap(), None)
            .unwrap_err(),
        CryptoError::MlsUnauthorizedSender
    );
    assert_eq!(
        ds.track_group(b"garbage", None).unwrap_err(),
        CryptoError::MlsMalformedMessage
    );
    let mut info = alice.group_info(GROUP).unwrap();
    let last = info.len() - 1;
    info[last] ^= 1;
    assert!(ds.track_group(&info, None).is_err());
}

#[test]
fn delivery_service_refuses_commits_with_member_proposals() {
    let (mut ds, mut alice) = tracked();
    let mut bob = client(2);
    ds_add(&mut ds, &mut alice, &mut [], &mut bob);

    // Alice adds Carol on her own authority: an inline Add from a member.
    let carol = client(3).key_packages(1).unwrap().remove(0);
    let inline = alice.add_members(GROUP, &[&carol]).unwrap();
    assert_eq!(
        ds.accept_commit(GROUP, &inline.commit).unwrap_err(),
        CryptoError::MlsForbiddenProposal
    );
    assert_eq!(ds.epoch(GROUP).unwrap(), 1);
    assert_eq!(ds.members(GROUP).unwrap().len(), 2);
    alice.clear_pending_commit(GROUP).unwrap();

    // The server's own Add, committed by reference together with an inline Add: still refused.
    let mut dave = client(4);
    let proposal = ds
        .propose_add(GROUP, &dave.key_packages(1).unwrap().remove(0))
        .unwrap();
    alice.process_message(GROUP, &proposal).unwrap();
    bob.process_message(GROUP, &proposal).unwrap();
    let mixed = alice.add_members(GROUP, &[&carol]).unwrap();
    assert_eq!(
        ds.accept_commit(GROUP, &mixed.commit).unwrap_err(),
        CryptoError::MlsForbiddenProposal
    );
    alice.clear_pending_commit(GROUP).unwrap();

    // Only the server's proposal: accepted.
    let out = alice.commit_pending_proposals(GROUP).unwrap();
    let accepted = ds.accept_commit(GROUP, &out.commit).unwrap();
    assert_eq!(accepted.epoch, 2);
    assert_eq!(
        accepted
            .members
            .iter()
            .map(|m| m.public_key)
            .collect::<Vec<_>>(),
        vec![pk(&alice), pk(&bob), pk(&dave)]
    );
    alice.merge_pending_commit(GROUP).unwrap();
    bob.process_message(GROUP, &out.commit).unwrap();
    dave.join_from_welcome(&out.welcome.unwrap(), None).unwrap();

    // No proposals at all (a key rotation): accepted.
    let rotation = bob.commit_pending_proposals(GROUP).unwrap();
    assert_eq!(ds.accept_commit(GROUP, &rotation.commit).unwrap().epoch, 3);
}

const DM: &[u8] = b"dm-alice-bob";

/// Alice's DM group with Bob added by Alice's own commit; both joined.
fn dm_pair() -> (MlsClient, MlsClient) {
    let (mut alice, mut bob) = (client(1), client(2));
    alice.create_dm_group(DM).unwrap();
    let key_package = bob.key_packages(1).unwrap().remove(0);
    let out = alice.add_members(DM, &[&key_package]).unwrap();
    assert!(out.group_info.is_some());
    // Pending until merged, as with commit_pending_proposals.
    assert_eq!(alice.epoch(DM).unwrap(), 0);
    alice.merge_pending_commit(DM).unwrap();
    // The Welcome carries the ratchet tree: nothing else is needed to join.
    assert_eq!(
        bob.join_from_welcome(&out.welcome.unwrap(), None).unwrap(),
        DM
    );
    (alice, bob)
}

fn read_dm(receiver: &mut MlsClient, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
    match receiver.process_message(DM, message)? {
        Processed::Application { plaintext, .. } => Ok(plaintext),
        other => panic!("expected an application message, got {other:?}"),
    }
}

#[test]
fn dm_group_members_add_each_other_and_talk_both_ways() {
    let (mut alice, mut bob) = dm_pair();
    assert_eq!(alice.epoch(DM).unwrap(), 1);
    assert_eq!(bob.members(DM).unwrap(), alice.members(DM).unwrap());
    assert_eq!(alice.external_senders(DM).unwrap(), Vec::<Vec<u8>>::new());
    assert_eq!(bob.external_senders(DM).unwrap(), Vec::<Vec<u8>>::new());

    let to_bob = alice.encrypt(DM, b"hi bob").unwrap();
    assert_eq!(
        bob.process_message(DM, &to_bob).unwrap(),
        Processed::Application {
            plaintext: b"hi bob".to_vec(),
            sender: MessageSender::Member(pk(&alice)),
            epoch: 1,
        }
    );
    let to_alice = bob.encrypt(DM, b"hi alice").unwrap();
    let mut tampered = to_alice.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    assert_eq!(
        read_dm(&mut alice, &tampered).unwrap_err(),
        CryptoError::MlsDecryptionFailed
    );
    assert_eq!(read_dm(&mut alice, &to_alice).unwrap(), b"hi alice");
    assert_eq!(
        read_dm(&mut bob, &to_bob).unwrap_err(),
        CryptoError::MlsReplay
    );
    assert_eq!(
        bob.epoch_authenticator(DM).unwrap(),
        alice.epoch_authenticator(DM).unwrap()
    );
}

#[test]
fn external_senders_of_a_channel_group_is_the_server_key() {
    let (alice, bob, _) = three();
    let server_key = server().public_key().to_bytes().to_vec();
    assert_eq!(
        alice.external_senders(GROUP).unwrap(),
        vec![server_key.clone()]
    );
    assert_eq!(bob.external_senders(GROUP).unwrap(), vec![server_key]);
    assert_eq!(
        alice.external_senders(b"nope").unwrap_err(),
        CryptoError::MlsUnknownGroup
    );
}

#[test]
fn add_members_checks_its_key_packages() {
    let (mut alice, _bob) = dm_pair();
    let good = client(3).key_packages(1).unwrap().remove(0);
    let mut damaged = good.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 1;
    assert_eq!(
        alice.add_members(DM, &[&good, &damaged]).unwrap_err(),
        CryptoError::MlsInvalidKeyPackage
    );
    assert_eq!(
        alice.add_members(DM, &[b"garbage"]).unwrap_err(),
        CryptoError::MlsMalformedMessage
    );
    assert_eq!(
        alice.add_members(DM, &[]).unwrap_err(),
        CryptoError::MlsInvalidArgument
    );
    assert_eq!(
        alice.add_members(b"nope", &[&good]).unwrap_err(),
        CryptoError::MlsUnknownGroup
    );
    // A key package whose credential is not its signature key.
    let mallory = Identity::from_secret_key(&[9; 32]).unwrap();
    let forged = KeyPackage::builder()
        .build(
            CIPHERSUITE,
            &Provider::default(),
            &IdentitySigner(&mallory),
            CredentialWithKey {
                credential: BasicCredential::new(pk(&client(5)).to_vec()).into(),
                signature_key: SignaturePublicKey::from(mallory.public_key().to_bytes().to_vec()),
            },
        )
        .unwrap();
    let forged = MlsMessageOut::from(forged.key_package().clone())
        .tls_serialize_detached()
        .unwrap();
    assert_eq!(
        alice.add_members(DM, &[&forged]).unwrap_err(),
        CryptoError::MlsInvalidCredential
    );
    // Nothing was staged by the failures: a valid add still works.
    assert_eq!(alice.epoch(DM).unwrap(), 1);
    alice.add_members(DM, &[&good]).unwrap();
    assert!(matches!(
        alice.merge_pending_commit(DM).unwrap(),
        Processed::Commit { epoch: 2, ref members, removed: false } if members.len() == 3
    ));
}

#[test]
fn inspect_reads_the_clear_framing() {
    let (mut alice, mut bob, _) = three();
    let key_package = client(4).key_packages(1).unwrap().remove(0);
    assert_eq!(
        inspect_message(&key_package).unwrap(),
        MessageInfo {
            wire_format: MessageWireFormat::KeyPackage,
            group_id: None,
            epoch: None,
            content_type: None,
        }
    );
    let proposal = server().propose_add(GROUP, 2, &key_package).unwrap();
    assert_eq!(
        inspect_message(&proposal).unwrap(),
        MessageInfo {
            wire_format: MessageWireFormat::Public,
            group_id: Some(GROUP.to_vec()),
            epoch: Some(2),
            content_type: Some(MessageContentType::Proposal),
        }
    );
    alice.process_message(GROUP, &proposal).unwrap();
    let out = alice.commit_pending_proposals(GROUP).unwrap();
    assert_eq!(
        inspect_message(&out.commit).unwrap(),
        MessageInfo {
            wire_format: MessageWireFormat::Public,
            group_id: Some(GROUP.to_vec()),
            epoch: Some(2),
            content_type: Some(MessageContentType::Commit),
        }
    );
    let welcome = out.welcome.unwrap();
    assert_eq!(
        inspect_message(&welcome).unwrap().wire_format,
        MessageWireFormat::Welcome
    );
    assert_eq!(inspect_message(&welcome).unwrap().group_id, None);
    assert_eq!(
        inspect_message(&out.group_info.unwrap()).unwrap(),
        MessageInfo {
            wire_format: MessageWireFormat::GroupInfo,
            group_id: None,
            epoch: None,
            content_type: None,
        }
    );
    alice.clear_pending_commit(GROUP).unwrap();
    let message = bob.encrypt(GROUP, b"secret").unwrap();
    assert_eq!(
        inspect_message(&message).unwrap(),
        MessageInfo {
            wire_format: MessageWireFormat::Private,
            group_id: Some(GROUP.to_vec()),
            epoch: Some(2),
            content_type: Some(MessageContentType::Application),
        }
    );

    let mut trailing = message.clone();
    trailing.push(0);
    for bad in [
        &trailing[..],
        &message[..message.len() - 1],
        b"garbage",
        b"",
    ] {
        assert_eq!(
            inspect_message(bad).unwrap_err(),
            CryptoError::MlsMalformedMessage
        );
    }
    // Two messages back to back are not one message.
    let two = [message.clone(), message].concat();
    assert_eq!(
        inspect_message(&two).unwrap_err(),
        CryptoError::MlsMalformedMessage
    );
}
