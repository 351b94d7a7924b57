/** Something that can be subscribed to; returns the unsubscribe function. */
export type Subscribe = (recheck: () => void) => () => void;

/**
 * Resolves once `check()` holds, re-checking after every notification of the sources; rejects
 * after `timeoutMs` naming `what`. No polling, no sleeps: it waits for events.
 */
export function waitUntil(check: () => boolean, sources: Subscribe[], what: string, timeoutMs = 20_000): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const offs: (() => void)[] = [];
    const finish = (error?: Error) => {
      clearTimeout(timer);
      offs.forEach((off) => off());
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => finish(new Error(`timed out waiting for ${what}`)), timeoutMs);
    // Checked after the handlers of the event ran, so their state changes are visible.
    const recheck = () => queueMicrotask(() => check() && finish());
    for (const subscribe of sources) offs.push(subscribe(recheck));
  });
}
