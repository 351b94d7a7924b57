import { PendingLogins, remoteKey } from './websocket';

describe('pending logins', () => {
  it('caps the total and each address, and forgets an address once it has nothing pending', () => {
    const pending = new PendingLogins(3, 2);
    const a1 = pending.reserve('a');
    const a2 = pending.reserve('a');
    expect(typeof a1).toBe('function');
    expect(typeof a2).toBe('function');
    expect(pending.reserve('a')).toBe('address');
    const b1 = pending.reserve('b');
    expect(typeof b1).toBe('function');
    expect(pending.reserve('c')).toBe('full');
    expect(pending.size).toBe(3);

    (a1 as () => void)();
    (a1 as () => void)(); // releasing twice (login, then close) gives back one slot
    expect(pending.size).toBe(2);
    expect(typeof pending.reserve('c')).toBe('function');
    expect(pending.reserve('c')).toBe('full');

    (a2 as () => void)();
    (b1 as () => void)();
    expect(pending.addresses).toBe(1); // only 'c' is still remembered
  });

  it('counts IPv4 addresses (also IPv4-mapped) one by one, and IPv6 by /64 network', () => {
    expect(remoteKey('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(remoteKey('10.0.0.1')).toBe('10.0.0.1');
    expect(remoteKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(remoteKey('2001:0DB8:0000:0000:ffff:1:2:3')).toBe('2001:db8:0:0::/64');
    expect(remoteKey('2001:db8:0:1::7%eth0')).toBe('2001:db8:0:1::/64');
    expect(remoteKey('::1')).toBe('0:0:0:0::/64');
    expect(remoteKey('fe80::')).toBe('fe80:0:0:0::/64');
    expect(remoteKey(undefined)).toBe('unknown');
  });
});
