/**
 * The channel's epoch code as people read it out: 12 digits in three groups of four, taken from
 * the MLS epoch authenticator (RFC 9420 §8.7), which every member of the same epoch shares and
 * nobody outside it (the server included) can compute. Different digits mean different groups.
 */
export function formatEpochCode(authenticator: Uint8Array): string {
  if (authenticator.length < 8) throw new RangeError('an epoch authenticator has at least 8 bytes');
  let value = 0n;
  for (const byte of authenticator.subarray(0, 8)) value = (value << 8n) | BigInt(byte);
  const digits = (value % 10n ** 12n).toString().padStart(12, '0');
  return `${digits.slice(0, 4)} ${digits.slice(4, 8)} ${digits.slice(8)}`;
}
