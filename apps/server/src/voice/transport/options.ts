/**
 * Options for the server's WebRTC voice transport, and how they map onto werift's
 * RTCPeerConnection configuration. Limits are named constants here, in one place.
 */
import type { RTCPeerConnection } from 'werift';

type WeriftConfig = NonNullable<ConstructorParameters<typeof RTCPeerConnection>[0]>;

/** Label of the one data channel that carries voice frames. */
export const VOICE_CHANNEL_LABEL = 'voice';

/**
 * Voice frames are useless late: unordered, and never retransmitted (RFC 8831 §6.6
 * partial reliability with a retransmission limit of zero).
 */
export const VOICE_CHANNEL_OPTIONS = { ordered: false, maxRetransmits: 0 } as const;

/** Bytes the data channel may hold unsent before `send()` drops frames (~0.3 s of a busy batch). */
export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024;

/** A peer not connected this long after its offer was made is failed and freed. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

/** Longest ICE candidate line accepted from a client (real ones are ~100–200 characters). */
export const MAX_CANDIDATE_CHARS = 512;

export interface VoiceTransportOptions {
  /**
   * Inclusive UDP port range ICE may bind, so an operator can open exactly these ports.
   * Undefined: any free port.
   */
  portRange?: readonly [min: number, max: number];
  /**
   * Addresses announced as host candidates besides the interfaces' own, e.g. the public
   * IP of a server behind 1:1 NAT, or `127.0.0.1` for tests over loopback (werift leaves
   * loopback out otherwise).
   */
  announcedAddresses?: readonly string[];
  /**
   * Local IPv4 address the UDP sockets bind to. Needed for loopback tests
   * (`127.0.0.1`); undefined binds to all interfaces.
   */
  bindAddress?: string;
  /** Gather IPv6 host candidates too. Default false. */
  useIpv6?: boolean;
  /** See DEFAULT_MAX_BUFFERED_BYTES. */
  maxBufferedBytes?: number;
  /** See DEFAULT_CONNECT_TIMEOUT_MS. */
  connectTimeoutMs?: number;
}

/** werift configuration for one server-side peer. No STUN/TURN: the server is the public end. */
export function weriftConfigOf(options: VoiceTransportOptions): WeriftConfig {
  const [min, max] = options.portRange ?? [];
  if (min !== undefined && max !== undefined && !(Number.isInteger(min) && Number.isInteger(max) && 0 < min && min <= max && max <= 65535)) {
    throw new RangeError(`invalid UDP port range ${min}-${max}`);
  }
  return {
    iceServers: [],
    icePortRange: min !== undefined && max !== undefined ? [min, max] : undefined,
    iceAdditionalHostAddresses: options.announcedAddresses ? [...options.announcedAddresses] : undefined,
    iceInterfaceAddresses: options.bindAddress ? { udp4: options.bindAddress } : undefined,
    iceUseIpv4: true,
    iceUseIpv6: options.useIpv6 ?? false,
  };
}
