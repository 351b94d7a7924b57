/**
 * WebSocket close codes the server uses. Only standard codes (RFC 6455 §7.4.1): the reason
 * a client should show always arrives first as a protocol error frame (an ErrorCode from
 * @lemon/protocol), and the close reason repeats that code for logs and debugging.
 */
export const CloseCode = {
  /** Normal end, e.g. this session was replaced by a newer login of the same identity. */
  NORMAL: 1000,
  /** The server is shutting down. */
  GOING_AWAY: 1001,
  /** Failed or expired login, or too many errors in a row. */
  POLICY: 1008,
  /** Unexpected server failure. */
  INTERNAL: 1011,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
