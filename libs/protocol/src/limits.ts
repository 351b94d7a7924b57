/** Protocol version carried in every envelope; bumped on any incompatible change. */
export const PROTOCOL_VERSION = 1;

/**
 * Sizes and counts that both ends enforce. The server rejects anything larger before
 * parsing it; the client checks the same numbers to give instant feedback.
 */
export const LIMITS = {
  /** Largest JSON (text) frame a client may send, in bytes. */
  maxTextFrameBytes: 64 * 1024,
  /**
   * Largest JSON frame a server may send, in bytes. Larger than the client's limit because
   * the login snapshot lists every channel and user (about 200 bytes each).
   */
  maxServerFrameBytes: 16 * 1024 * 1024,
  /** The server sends queued events in batches of at most this many bytes. */
  maxEventBatchBytes: 256 * 1024,
  /** Largest binary WebSocket frame (MLS messages, encrypted blobs, voice), in bytes. */
  maxBinaryFrameBytes: 1024 * 1024,
  /** Largest JSON header inside a binary frame, in bytes. */
  maxBinaryHeaderBytes: 4 * 1024,
  /** Display names, counted in Unicode code points after normalisation. */
  displayNameMaxChars: 32,
  channelNameMaxChars: 64,
  channelDescriptionMaxChars: 1024,
  /** How deep channels may nest below the root (Lobby's siblings are depth 1). */
  channelMaxDepth: 8,
  /** A server address (host[:port]) as signed at login. */
  addressMaxChars: 261,
  /** Client software name/version strings reported at login. */
  clientInfoMaxChars: 64,
  /** Bytes of randomness in a login challenge. */
  challengeBytes: 32,
  /** A challenge must be answered within this time. */
  challengeTtlMs: 60_000,
  /** One MLS KeyPackage (an MLSMessage), in bytes; ours are about 300. */
  maxKeyPackageBytes: 4 * 1024,
  /** Most key packages one `keyPackages.upload` may carry. */
  maxKeyPackagesPerUpload: 100,
  /** Most one-time key packages the server keeps per user (plus one last-resort package). */
  maxStoredKeyPackages: 100,
  /** A claim that leaves fewer one-time key packages than this sends the owner keyPackages.low. */
  keyPackageLowWater: 10,
  /** Random bytes in an MLS group id (channel groups: chosen by the server; DMs: by the creator). */
  groupIdBytes: 16,
  /** Largest MLS message payload (commit + Welcome of a big channel), bounded by the binary frame. */
  maxMlsPayloadBytes: 1024 * 1024 - 4 * 1024 - 4,
  /** Old epochs whose application messages the server still relays (members decrypt 3 back). */
  mlsPastEpochs: 3,
  /** Text of one chat message, in UTF-16 units, inside the encrypted payload. */
  chatTextMaxChars: 4000,
  /** A poke's text. */
  pokeTextMaxChars: 200,
  /** Message font size bounds, in CSS pixels. */
  chatFontMinPx: 12,
  chatFontMaxPx: 30,
  /** Undelivered DM messages (ciphertext) the server keeps per recipient; more is QUEUE_FULL. */
  dmQueueMaxMessages: 1000,
  /** Undelivered DM bytes the server keeps per recipient. */
  dmQueueMaxBytes: 16 * 1024 * 1024,
  /** Most message ids one `dm.ack` may carry. */
  maxAckIds: 256,
  /** Default largest picture (before encryption); servers may configure another limit. */
  defaultMaxBlobBytes: 10 * 1024 * 1024,
  /** Voice bitrate a channel may set, in bits per second (Opus); new channels get the default. */
  voiceBitrateMin: 16_000,
  voiceBitrateMax: 128_000,
  voiceBitrateDefault: 48_000,
  /** Largest voice packet (one SFrame-encrypted 20 ms Opus frame plus its type byte). */
  maxVoicePacketBytes: 1500,
  /** Longest SDP offer or answer, in characters. */
  maxSdpChars: 16 * 1024,
  /** Upload and download chunk size of encrypted blobs. */
  blobChunkBytes: 256 * 1024,
  /** Request ids are positive 31-bit integers chosen by the client. */
  maxRequestId: 2 ** 31 - 1,
} as const;

/** Byte lengths of the Ed25519 values that travel in the protocol. */
export const KEY_BYTES = { publicKey: 32, signature: 64 } as const;
