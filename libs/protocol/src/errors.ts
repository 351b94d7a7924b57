/**
 * Every error the server can answer with. Codes are stable strings: clients switch on
 * them and show the matching words; the free-text message is for logs and developers.
 */
export const ErrorCode = {
  BAD_FRAME: 'BAD_FRAME',
  FRAME_TOO_LARGE: 'FRAME_TOO_LARGE',
  UNSUPPORTED_VERSION: 'UNSUPPORTED_VERSION',
  UNKNOWN_TYPE: 'UNKNOWN_TYPE',
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  NOT_AUTHENTICATED: 'NOT_AUTHENTICATED',
  ALREADY_AUTHENTICATED: 'ALREADY_AUTHENTICATED',
  CHALLENGE_INVALID: 'CHALLENGE_INVALID',
  CHALLENGE_EXPIRED: 'CHALLENGE_EXPIRED',
  BAD_SIGNATURE: 'BAD_SIGNATURE',
  WRONG_SERVER: 'WRONG_SERVER',
  ALREADY_CONNECTED: 'ALREADY_CONNECTED',
  NAME_INVALID: 'NAME_INVALID',
  NAME_TAKEN: 'NAME_TAKEN',
  NO_SUCH_CHANNEL: 'NO_SUCH_CHANNEL',
  CHANNEL_INVALID: 'CHANNEL_INVALID',
  FORBIDDEN: 'FORBIDDEN',
  NO_SUCH_USER: 'NO_SUCH_USER',
  NO_KEY_PACKAGE: 'NO_KEY_PACKAGE',
  KEY_PACKAGES_FULL: 'KEY_PACKAGES_FULL',
  STALE_EPOCH: 'STALE_EPOCH',
  NOT_IN_GROUP: 'NOT_IN_GROUP',
  MLS_REJECTED: 'MLS_REJECTED',
  QUEUE_FULL: 'QUEUE_FULL',
  NO_SUCH_BLOB: 'NO_SUCH_BLOB',
  BLOB_TOO_LARGE: 'BLOB_TOO_LARGE',
  BLOB_OFFSET: 'BLOB_OFFSET',
  RATE_LIMITED: 'RATE_LIMITED',
  SERVER_SHUTTING_DOWN: 'SERVER_SHUTTING_DOWN',
  INTERNAL: 'INTERNAL',
  /** Produced by the client itself, never sent by the server. */
  TIMEOUT: 'TIMEOUT',
  DISCONNECTED: 'DISCONNECTED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Words a person sees for each code. */
export const ERROR_TEXT: Record<ErrorCode, string> = {
  BAD_FRAME: 'The message could not be read (it is not valid protocol JSON).',
  FRAME_TOO_LARGE: 'The message is larger than the server accepts.',
  UNSUPPORTED_VERSION: 'This client speaks a protocol version the server does not support.',
  UNKNOWN_TYPE: 'The server does not know this kind of message.',
  INVALID_PAYLOAD: 'The message has missing, extra or malformed fields.',
  NOT_AUTHENTICATED: 'Log in first.',
  ALREADY_AUTHENTICATED: 'This connection is already logged in.',
  CHALLENGE_INVALID: 'The login challenge is unknown or was already used.',
  CHALLENGE_EXPIRED: 'The login challenge expired; reconnect and try again.',
  BAD_SIGNATURE: 'The login signature does not match the public key.',
  WRONG_SERVER: 'This login was signed for a different server address.',
  ALREADY_CONNECTED: 'This identity is already connected from somewhere else.',
  NAME_INVALID: 'That name is not allowed (empty, too long or containing control characters).',
  NAME_TAKEN: 'Somebody on this server already uses that name.',
  NO_SUCH_CHANNEL: 'That channel does not exist (any more).',
  CHANNEL_INVALID: 'That channel change is not possible.',
  FORBIDDEN: 'You are not allowed to do that.',
  NO_SUCH_USER: 'There is no such user on this server.',
  NO_KEY_PACKAGE:
    'That user has no key package on the server, so an encrypted conversation cannot be started yet; try again after they have been online.',
  KEY_PACKAGES_FULL: 'The server already stores as many key packages for you as it allows.',
  STALE_EPOCH:
    'Somebody else changed the encrypted group first; your client catches up by itself and the change is retried.',
  NOT_IN_GROUP: 'You are not (yet) a member of that encrypted group.',
  MLS_REJECTED: 'The server could not verify that encrypted-group message (wrong group, epoch, sender or signature).',
  QUEUE_FULL: 'That user has too many undelivered messages waiting; try again after they have been online.',
  NO_SUCH_BLOB: 'That file does not exist (any more) on the server.',
  BLOB_TOO_LARGE: 'The file is larger than this server accepts.',
  BLOB_OFFSET: 'That upload chunk does not continue where the upload stands; ask for the status and resume.',
  RATE_LIMITED: 'Slow down: too many messages in a short time.',
  SERVER_SHUTTING_DOWN: 'The server is shutting down.',
  INTERNAL: 'The server hit an internal error.',
  TIMEOUT: 'The server did not answer in time.',
  DISCONNECTED: 'The connection to the server was lost.',
};

export const ERROR_CODES = Object.values(ErrorCode) as readonly ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** A typed protocol error; thrown or returned wherever a request fails. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_TEXT[code],
  ) {
    super(message);
    this.name = 'ProtocolError';
  }

  static badFrame(detail: string): ProtocolError {
    return new ProtocolError(ErrorCode.BAD_FRAME, detail);
  }
  static invalidPayload(detail: string): ProtocolError {
    return new ProtocolError(ErrorCode.INVALID_PAYLOAD, detail);
  }
  static forbidden(detail?: string): ProtocolError {
    return new ProtocolError(ErrorCode.FORBIDDEN, detail);
  }
}
