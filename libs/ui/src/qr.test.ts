import { encode } from 'uqr';
import { qrMatrix } from './qr';

describe('qrMatrix', () => {
  it('encodes bytes and covers exactly the dark modules', () => {
    const payload = new Uint8Array(Array.from({ length: 80 }, (_, i) => (i * 37) & 0xff));
    const m = qrMatrix(payload);
    const reference = encode(Array.from(payload), { ecc: 'M', border: 4 });
    expect(m.size).toBe(reference.size);
    const dark = new Set<string>();
    for (const run of m.runs) for (let x = run.x; x < run.x + run.width; x++) dark.add(`${x},${run.y}`);
    reference.data.forEach((row, y) => row.forEach((on, x) => expect(dark.has(`${x},${y}`)).toBe(on)));
    // Quiet zone: nothing dark in the 4-module border.
    expect(m.runs.every((r) => r.y >= 4 && r.x >= 4 && r.y < m.size - 4 && r.x + r.width <= m.size - 4)).toBe(true);
  });
  it('is deterministic', () => {
    const payload = new Uint8Array([0, 1, 2, 250, 255]);
    expect(qrMatrix(payload)).toEqual(qrMatrix(payload));
  });
});
