export { PROTOCOL_VERSION, LIMITS, KEY_BYTES } from './limits';
export { ErrorCode, ERROR_TEXT, ERROR_CODES, ProtocolError, isErrorCode } from './errors';
export { toBase64Url, fromBase64Url, utf8Encode, utf8Decode, concatBytes, bytesEqual } from './bytes';
export { normalizeName, normalizeDisplayName, normalizeChannelName, nameKey } from './names';
export type { NameCheck, NameProblem } from './names';
export { LOGIN_SIGNATURE_CONTEXT, loginSignedBytes, serverAddressOf } from './login';
export { User, Channel, UserId, ChannelId, PublicKey, Signature, Challenge, KeyPackage } from './schemas';
export { REQUESTS, EVENTS, isRequestType, isEventType, allowedBeforeLogin } from './messages';
export type {
  RequestType,
  EventType,
  RequestData,
  ResponseData,
  EventData,
  ClientRequest,
  ServerEvent,
} from './messages';
export {
  decodeClientFrame,
  decodeServerFrame,
  parseResponse,
  encodeRequest,
  encodeResponse,
  encodeError,
  encodeEvent,
  encodeEventBody,
  eventsFrame,
} from './envelope';
export type { Decoded, ServerMessage } from './envelope';
export { BinaryKind, encodeBinaryFrame, decodeBinaryFrame } from './binary';
export type { BinaryFrame } from './binary';
export { renderProtocolDoc } from './docs';
