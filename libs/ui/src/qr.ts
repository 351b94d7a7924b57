import { encode } from 'uqr';
import { qrRuns, type QrRun } from './chat';

export interface QrMatrix {
  /** Modules per side, border included. */
  size: number;
  /** Horizontal runs of dark modules. */
  runs: QrRun[];
}

/** Encodes bytes (QR byte mode) with medium error correction and a quiet zone of 4 modules. */
export function qrMatrix(payload: Uint8Array): QrMatrix {
  const qr = encode(Array.from(payload), { ecc: 'M', border: 4 });
  return { size: qr.size, runs: qrRuns(qr.data) };
}
