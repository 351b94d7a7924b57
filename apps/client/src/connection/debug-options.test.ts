import { reconnectDelay } from '@lemon/session';
import { RECONNECT_DELAY_BOUNDS, reconnectPolicyFromQuery } from './debug-options';

describe('reconnectPolicyFromQuery', () => {
  it('is absent unless the page address asks for it', () => {
    expect(reconnectPolicyFromQuery('')).toBeUndefined();
    expect(reconnectPolicyFromQuery('?other=1')).toBeUndefined();
    for (const bad of ['', 'abc', '-5', '1e5', '12.5', '9999999999']) expect(reconnectPolicyFromQuery(`?reconnect-delay-ms=${bad}`)).toBeUndefined();
  });

  it('gives the same fixed delay for every attempt', () => {
    const policy = reconnectPolicyFromQuery('?reconnect-delay-ms=60000')!;
    for (const attempt of [0, 1, 5, 20]) expect(reconnectDelay(attempt, policy, () => 0.99)).toBe(60_000);
  });

  it('stays within bounds', () => {
    expect(reconnectPolicyFromQuery('?reconnect-delay-ms=0')!.initialMs).toBe(RECONNECT_DELAY_BOUNDS.minMs);
    expect(reconnectPolicyFromQuery('?reconnect-delay-ms=999999999')!.maxMs).toBe(RECONNECT_DELAY_BOUNDS.maxMs);
  });
});
