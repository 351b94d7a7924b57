// Shared by the storage tests.
import { ProtocolError } from '@lemon/protocol';

/** The ProtocolError `fn` throws; fails the test if it throws nothing or something else. */
export function failure(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
  throw new Error('expected a ProtocolError');
}
