// @lemon/chat: end-to-end encrypted channel chat, DMs and pictures on top of a Session and
// an MlsClient. The MLS engines are sans-IO; ChatClient is the one place that does I/O.
export { ChatClient } from './chat-client';
export type { ChatClientEvents, ChatClientOptions, IncomingChat } from './chat-client';
export { ChannelGroup } from './channel-group';
export type { GroupOutput, GroupRequest, GroupState, GroupMessage } from './channel-group';
export { DirectMessages, DmError } from './direct-messages';
export type { DmPeer, DmReceived } from './direct-messages';
export { Conversations, channelConversation, dmConversation, MAX_ENTRIES_PER_CONVERSATION } from './conversations';
export type { ChatEntry, ConversationId } from './conversations';
export { encryptPicture, decryptPicture, sniffPictureType, sha256, PictureError } from './pictures';
export type { EncryptedPicture } from './pictures';
export { formatEpochCode } from './epoch-code';
export { membersNotInChannel, MEMBERSHIP_GRACE_MS } from './membership-check';
