export { PROTOCOL_VERSION, LIMITS, KEY_BYTES } from './limits';
export { ErrorCode, ERROR_TEXT, ERROR_CODES, ProtocolError, isErrorCode } from './errors';
export { toBase64Url, fromBase64Url, utf8Encode, utf8Decode, concatBytes, bytesEqual } from './bytes';
export { normalizeName, normalizeDisplayName, normalizeChannelName, nameKey } from './names';
export type { NameCheck, NameProblem } from './names';
export { LOGIN_SIGNATURE_CONTEXT, loginSignedBytes, serverAddressOf } from './login';
export { User, Channel, VoiceBitrate, UserId, ChannelId, PublicKey, Signature, Challenge, KeyPackage, GroupId, BlobId, Epoch } from './schemas';
export { REQUESTS, EVENTS, isRequestType, isEventType, allowedBeforeLogin, isBinaryRequest, isBinaryEvent, hasPayloadResponse } from './messages';
export type {
  BinaryRequestType,
  BinaryEventType,
  PayloadResponseType,
  ResponseOf,
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
export {
  RESPONSE_KIND,
  binaryKinds,
  encodeBinaryFrame,
  decodeBinaryFrame,
  encodeBinaryRequest,
  encodeBinaryEvent,
  encodeBinaryResponse,
  decodeClientBinaryFrame,
  decodeServerBinaryFrame,
} from './binary';
export type { BinaryFrame } from './binary';
export { renderProtocolDoc } from './docs';
export {
  CHAT_FONTS,
  PICTURE_TYPES,
  ChatPayload,
  ChatStyle,
  ChatMessageId,
  PictureRef,
  encodeChatPayload,
  decodeChatPayload,
  isChatMessageId,
} from './chat-payload';
export type { ChatFont, PictureType } from './chat-payload';
export * from './voice';
