import { statusWords } from './status';

describe('statusWords', () => {
  it('says online, connecting and offline', () => {
    expect(statusWords('online', 'online', null)).toEqual({ tone: 'ok', label: 'Online' });
    expect(statusWords('connecting', 'connecting', null).label).toBe('Connecting…');
    expect(statusWords('connecting', 'authenticating', null).label).toBe('Signing in…');
    expect(statusWords('disconnected', 'closed', null).tone).toBe('idle');
  });
  it('counts down while a reconnect is scheduled, then says it is trying', () => {
    expect(statusWords('reconnecting', 'reconnecting', 3)).toEqual({ tone: 'warn', label: 'Reconnecting in 3s…' });
    expect(statusWords('reconnecting', 'connecting', null)).toEqual({ tone: 'busy', label: 'Reconnecting…' });
    expect(statusWords('reconnecting', 'reconnecting', 0).label).toBe('Reconnecting…');
  });
});
