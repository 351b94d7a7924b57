import { addressLabel, defaultAddress, parseServerAddress, serverUrl } from './address';

describe('parseServerAddress', () => {
  it('takes host and port from their fields', () => {
    expect(parseServerAddress(' Chat.Example.org ', '4747', false)).toEqual({ ok: true, address: { host: 'chat.example.org', port: 4747, secure: false } });
    expect(parseServerAddress('127.0.0.1', '1', true)).toEqual({ ok: true, address: { host: '127.0.0.1', port: 1, secure: true } });
  });
  it('reads a port, scheme or path typed into the host field', () => {
    expect(parseServerAddress('example.org:5000', '4747', false)).toMatchObject({ address: { host: 'example.org', port: 5000 } });
    expect(parseServerAddress('wss://example.org/ws', '', false)).toMatchObject({ address: { host: 'example.org', port: 443, secure: true } });
    expect(parseServerAddress('https://example.org:8443', '', false)).toMatchObject({ address: { port: 8443, secure: true } });
    expect(parseServerAddress('ws://10.0.0.2', '', true)).toMatchObject({ address: { port: 80, secure: false } });
    expect(parseServerAddress('[::1]:4747', '', false)).toMatchObject({ address: { host: '::1', port: 4747 } });
    expect(parseServerAddress('::1', '4747', false)).toMatchObject({ address: { host: '::1', port: 4747 } });
  });
  it('says what is wrong, per field', () => {
    expect(parseServerAddress('', '4747', false)).toEqual({ ok: false, field: 'host', problem: 'Enter the server address.' });
    expect(parseServerAddress('bad host!', '4747', false)).toMatchObject({ ok: false, field: 'host' });
    expect(parseServerAddress('<script>', '4747', false)).toMatchObject({ ok: false, field: 'host' });
    expect(parseServerAddress('example.org', '', false)).toMatchObject({ ok: false, field: 'port' });
    expect(parseServerAddress('example.org', '0', false)).toMatchObject({ ok: false, field: 'port' });
    expect(parseServerAddress('example.org', '65536', false)).toMatchObject({ ok: false, field: 'port' });
    expect(parseServerAddress('example.org', '12a', false)).toMatchObject({ ok: false, field: 'port' });
  });
});

describe('serverUrl and addressLabel', () => {
  it('build ws(s) URLs to /ws, with brackets for IPv6', () => {
    expect(serverUrl({ host: '127.0.0.1', port: 4747, secure: false })).toBe('ws://127.0.0.1:4747/ws');
    expect(serverUrl({ host: 'example.org', port: 443, secure: true })).toBe('wss://example.org:443/ws');
    expect(serverUrl({ host: '::1', port: 4747, secure: false })).toBe('ws://[::1]:4747/ws');
    expect(addressLabel({ host: '::1', port: 1 })).toBe('[::1]:1');
  });
});

describe('defaultAddress', () => {
  it('uses the page’s own server when served over http(s)', () => {
    expect(defaultAddress({ protocol: 'http:', hostname: '192.168.1.5', port: '4747' })).toEqual({ host: '192.168.1.5', port: 4747, secure: false });
    expect(defaultAddress({ protocol: 'https:', hostname: 'chat.example.org', port: '' })).toEqual({ host: 'chat.example.org', port: 443, secure: true });
    expect(defaultAddress({ protocol: 'http:', hostname: '[::1]', port: '80' })).toEqual({ host: '::1', port: 80, secure: false });
  });
  it('uses this computer and the default port when opened from disk', () => {
    expect(defaultAddress({ protocol: 'file:', hostname: '', port: '' })).toEqual({ host: '127.0.0.1', port: 4747, secure: false });
    expect(defaultAddress(undefined)).toEqual({ host: '127.0.0.1', port: 4747, secure: false });
  });
});
