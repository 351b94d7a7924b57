import type { Handler } from './context';

/** Application-level keep-alive and clock check; allowed before login. */
export const ping: Handler<'ping'> = () => ({ serverTime: Date.now() });
