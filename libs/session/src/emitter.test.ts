import { Emitter } from './emitter';

class Bus extends Emitter<{ n: [value: number] }> {
  fire(v: number) {
    this.emit('n', v);
  }
}

describe('Emitter', () => {
  it('delivers to every listener, survives a throwing one, and unsubscribes', () => {
    const errors: unknown[] = [];
    const bus = new Bus((e) => errors.push(e));
    const seen: number[] = [];
    bus.on('n', () => {
      throw new Error('boom');
    });
    const off = bus.on('n', (v) => seen.push(v));
    bus.fire(1);
    off();
    bus.fire(2);
    expect(seen).toEqual([1]);
    expect(errors).toHaveLength(2);
  });
});
