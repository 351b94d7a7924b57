/**
 * `keyPackages.upload`, `keyPackages.claim`, `keyPackages.stock`: the server's stock of MLS
 * key packages (storage/key-packages.ts). Every uploaded package is verified with OpenMLS
 * (validateKeyPackage) and must name the uploader's own identity key as its credential; a
 * batch with one bad package is refused whole. Key packages are public, but only counts are
 * logged.
 */
import { CryptoError, validateKeyPackage } from '@lemon/crypto-wasm';
import { ErrorCode, LIMITS, ProtocolError, bytesEqual, encodeEventBody, fromBase64Url, toBase64Url } from '@lemon/protocol';
import { logger } from '../log';
import { memberOf, type Handler } from './context';

const log = logger('key-packages');

/** Decodes and verifies one uploaded package; `what` names it in the error. */
function verifiedKeyPackage(text: string, owner: Uint8Array, what: string): Uint8Array {
  const bytes = fromBase64Url(text);
  if (!bytes) throw ProtocolError.invalidPayload(`${what} is not base64url`);
  if (bytes.length > LIMITS.maxKeyPackageBytes) {
    throw ProtocolError.invalidPayload(`${what} is larger than ${LIMITS.maxKeyPackageBytes} bytes`);
  }
  let key: Uint8Array;
  try {
    key = validateKeyPackage(bytes);
  } catch (error) {
    if (error instanceof CryptoError) throw ProtocolError.invalidPayload(`${what} is not a valid MLS key package (${error.code})`);
    throw error;
  }
  if (!bytesEqual(key, owner)) throw ProtocolError.invalidPayload(`${what} belongs to another identity, not to you`);
  return bytes;
}

export const uploadKeyPackages: Handler<'keyPackages.upload'> = (ctx, session, data) => {
  const { userId, publicKey } = memberOf(session);
  const owner = fromBase64Url(publicKey);
  if (!owner) throw new Error('a member without a decodable public key');
  const oneTime = data.keyPackages.map((text, i) => verifiedKeyPackage(text, owner, `key package ${i + 1}`));
  const lastResort = data.lastResort === undefined ? null : verifiedKeyPackage(data.lastResort, owner, 'the last-resort key package');
  const stock = ctx.storage.keyPackages.upload(userId, oneTime, lastResort);
  log.info('key packages uploaded', { userId, count: oneTime.length, lastResort: lastResort !== null, stock });
  ctx.channelGroups.keyPackagesUploaded(userId);
  return { stock };
};

export const claimKeyPackage: Handler<'keyPackages.claim'> = (ctx, session, data) => {
  const claimer = memberOf(session);
  if (!ctx.storage.users.get(data.userId)) throw new ProtocolError(ErrorCode.NO_SUCH_USER);
  const claimed = ctx.storage.keyPackages.claim(data.userId);
  if (!claimed) throw new ProtocolError(ErrorCode.NO_KEY_PACKAGE);
  log.info('key package claimed', { userId: data.userId, by: claimer.userId, lastResort: claimed.lastResort, stock: claimed.stock });
  if (claimed.stock < LIMITS.keyPackageLowWater) {
    ctx.presence.get(data.userId)?.member.sendEvent(encodeEventBody('keyPackages.low', { stock: claimed.stock }));
  }
  return { userId: data.userId, keyPackage: toBase64Url(claimed.bytes), lastResort: claimed.lastResort };
};

export const keyPackageStock: Handler<'keyPackages.stock'> = (ctx, session) => {
  const { userId } = memberOf(session);
  return ctx.storage.keyPackages.stock(userId);
};
