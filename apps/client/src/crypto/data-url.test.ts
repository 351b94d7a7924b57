import { dataUrlBytes } from './data-url';

describe('dataUrlBytes', () => {
  it('decodes base64 data: URLs, NUL bytes included', () => {
    const bytes = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 255]);
    const url = `data:application/wasm;base64,${btoa(String.fromCharCode(...bytes))}`;
    expect(dataUrlBytes(url)).toEqual(bytes);
  });
  it('refuses anything that is not an inlined base64 data: URL', () => {
    expect(() => dataUrlBytes('./lemon_crypto_bg.wasm')).toThrow(/not inlined/);
    expect(() => dataUrlBytes('data:application/wasm,abc')).toThrow(/not inlined/);
  });
});
