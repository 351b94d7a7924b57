/** Builds the server's ChannelGroups with real timers and randomness. */
import { randomBytes } from 'node:crypto';
import { MlsDeliveryService } from '@lemon/crypto-wasm';
import { LIMITS } from '@lemon/protocol';
import type { Presence } from '../presence/registry';
import { ChannelGroups, type KeyPackageAccess } from './channel-groups';

export interface ChannelGroupsSetup {
  /** The server's 32-byte identity secret (read only when the first group is needed). */
  secretKey: () => Uint8Array;
  keyPackages: KeyPackageAccess;
  presence: Presence;
  responseTimeoutMs: number;
}

export function createChannelGroups(setup: ChannelGroupsSetup): ChannelGroups {
  return new ChannelGroups({
    deliveryService: () => MlsDeliveryService.fromSecretKey(setup.secretKey()),
    keyPackages: setup.keyPackages,
    presence: setup.presence,
    responseTimeoutMs: setup.responseTimeoutMs,
    setTimer: (fn, ms) => {
      const timer = setTimeout(fn, ms);
      timer.unref();
      return () => clearTimeout(timer);
    },
    defer: (fn) => void setImmediate(fn),
    randomGroupId: () => new Uint8Array(randomBytes(LIMITS.groupIdBytes)),
  });
}

export { ChannelGroups } from './channel-groups';
