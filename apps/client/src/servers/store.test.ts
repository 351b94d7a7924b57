import { MAX_SAVED_SERVERS, SERVERS_STORAGE_KEY, forgetServer, rememberServer, serversStore, type SavedServer } from './store';

const server = (host: string, lastUsedAt: number, extra: Partial<SavedServer> = {}): SavedServer => ({
  host,
  port: 4747,
  secure: false,
  nickname: 'Ada',
  serverName: 'Lemon',
  lastUsedAt,
  ...extra,
});

function storageWith(value: string | null) {
  const writes: [string, string][] = [];
  return {
    getItem: (key: string) => (key === SERVERS_STORAGE_KEY ? value : null),
    setItem: (key: string, v: string) => void writes.push([key, v]),
    writes,
  };
}

describe('serversStore', () => {
  it('defaults to no servers', () => {
    expect(serversStore.default()).toEqual({ servers: [] });
    expect(serversStore.hydrate(null)).toEqual({ servers: [] });
    expect(serversStore.hydrate(storageWith(null))).toEqual({ servers: [] });
  });

  it('survives garbage in storage', () => {
    for (const raw of ['not json', '42', 'null', '[]', '{"servers":"x"}', '{"servers":[1,null,"a",{}]}', '{"servers":[{"host":"<script>","port":1}]}']) {
      expect(serversStore.hydrate(storageWith(raw))).toEqual({ servers: [] });
    }
    const throwing = {
      getItem: () => {
        throw new Error('SecurityError');
      },
    };
    expect(serversStore.hydrate(throwing)).toEqual({ servers: [] });
  });

  it('keeps valid entries, drops invalid ones, dedupes, sorts by last use and clamps text', () => {
    const raw = JSON.stringify({
      servers: [
        server('a.example', 1),
        { host: 'b.example', port: 70000 },
        server('C.Example', 3, { nickname: 'x'.repeat(100), secure: 'yes' as unknown as boolean }),
        server('a.example', 2),
        { host: 'd.example', port: 1, lastUsedAt: 'soon' },
      ],
    });
    const state = serversStore.hydrate(storageWith(raw));
    expect(state.servers.map((s) => s.host)).toEqual(['c.example', 'a.example', 'd.example']);
    expect(state.servers[0]!.nickname).toHaveLength(32);
    expect(state.servers[0]!.secure).toBe(false);
    expect(state.servers[2]).toEqual({ host: 'd.example', port: 1, secure: false, nickname: '', serverName: '', lastUsedAt: 0 });
  });

  it('remembers the latest first, replaces the same address, and forgets', () => {
    let state = serversStore.default();
    state = rememberServer(state, server('a.example', 1));
    state = rememberServer(state, server('b.example', 2));
    state = rememberServer(state, server('a.example', 3, { nickname: 'Ada2' }));
    expect(state.servers.map((s) => [s.host, s.nickname])).toEqual([
      ['a.example', 'Ada2'],
      ['b.example', 'Ada'],
    ]);
    state = forgetServer(state, { host: 'A.example', port: 4747 });
    expect(state.servers.map((s) => s.host)).toEqual(['b.example']);
  });

  it('keeps at most a dozen servers', () => {
    let state = serversStore.default();
    for (let i = 0; i < 20; i++) state = rememberServer(state, server(`s${i}.example`, i));
    expect(state.servers).toHaveLength(MAX_SAVED_SERVERS);
    expect(state.servers[0]!.host).toBe('s19.example');
  });

  it('saves a clean copy and round-trips', () => {
    const storage = storageWith(null);
    const state = rememberServer(serversStore.default(), server('a.example', 5));
    serversStore.save(storage, state);
    expect(storage.writes).toHaveLength(1);
    expect(serversStore.hydrate(storageWith(storage.writes[0]![1]))).toEqual(state);
    // A full or disabled storage is not an error.
    expect(() =>
      serversStore.save(
        {
          setItem: () => {
            throw new Error('QuotaExceededError');
          },
        },
        state,
      ),
    ).not.toThrow();
  });
});
