import { errorFields, logger, setLogLevel, setLogSink } from './log';

let out: string[];
let err: string[];
beforeEach(() => {
  out = [];
  err = [];
  setLogSink({ out: (l) => out.push(l), err: (l) => err.push(l) });
  setLogLevel('info');
});
afterEach(() => {
  setLogSink(null);
  setLogLevel('info');
});

describe('logger', () => {
  it('writes one JSON object per line, named by concept', () => {
    logger('auth').info('login', { userId: 'abc', firstLogin: true, nothing: undefined });
    expect(out).toHaveLength(1);
    expect(out[0]!.endsWith('\n')).toBe(true);
    const record = JSON.parse(out[0]!);
    expect(record).toEqual({ time: expect.any(String), level: 'info', logger: 'auth', msg: 'login', userId: 'abc', firstLogin: true });
  });

  it('sends warnings and errors to stderr and filters by level', () => {
    const log = logger('x');
    log.debug('hidden');
    log.warn('careful');
    log.error('broken');
    expect(out).toEqual([]);
    expect(err.map((l) => JSON.parse(l).level)).toEqual(['warn', 'error']);
    setLogLevel('error');
    log.warn('hidden too');
    log.notice('listening');
    expect(err).toHaveLength(2);
    expect(JSON.parse(out[0]!).msg).toBe('listening');
    setLogLevel('silent');
    log.notice('nothing at all');
    log.error('nothing');
    expect(out).toHaveLength(1);
    expect(err).toHaveLength(2);
  });

  it('does not let fields overwrite the envelope', () => {
    logger('x').info('real', { msg: 'fake', level: 'error' });
    expect(JSON.parse(out[0]!)).toMatchObject({ msg: 'real', level: 'info' });
  });

  it('survives a sink that throws', () => {
    setLogSink({ out: () => { throw new Error('EPIPE'); }, err: () => { throw new Error('EPIPE'); } });
    expect(() => logger('x').info('still fine')).not.toThrow();
  });
});

describe('errorFields', () => {
  it('keeps the class, message and a short stack', () => {
    const fields = errorFields(new TypeError('bad thing'));
    expect(fields).toMatchObject({ error: 'TypeError', errorMessage: 'bad thing' });
    expect(typeof fields.stack).toBe('string');
    expect(errorFields('just a string')).toEqual({ error: 'string' });
  });
});
