// Known answers shared with the Rust tests (rust/identity.rs, rust/user_id.rs,
// rust/fingerprint.rs), so the WebAssembly build is checked against the same values.
// Computed once and cross-checked with node:crypto's own Ed25519 and SHA-256.

export const SECRET_OF_ONES = new Uint8Array(32).fill(0x01);
export const PUBLIC_KEY_OF_ONES_HEX = '8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c';
export const USER_ID_OF_ONES = '06e7d5f3d59ca558db70a6bfc289a055';
export const FINGERPRINT_OF_ONES = '69956 40267 05077 89933 31299 93547';

/** RFC 8032 section 7.1, TEST 1. */
export const RFC8032_TEST1 = {
  secretHex: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  publicHex: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  signatureOfEmptyHex:
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155' +
    '5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
};

/** Public keys the strict parser must refuse (see rust/identity.rs for why each is bad). */
export const MALFORMED_PUBLIC_KEYS_HEX = {
  identityPoint: '0100000000000000000000000000000000000000000000000000000000000000',
  orderTwoPoint: 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  orderEightPoint: 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  nonCanonicalY: 'f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  notACurvePoint: '0200000000000000000000000000000000000000000000000000000000000000',
};

export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
