// Test harness shared by integration tests, browser tests and benchmarks: the real
// server process, real clients over real sockets. Nothing here stands in for a real part.
export * from './server-process';
export * from './node-client';
export * from './raw-socket';
export * from './browser';
export * from './wait';
export * from './voice-datachannel';
