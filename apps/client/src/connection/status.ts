// The words and colour of the connection status, from the controller's state. Pure.
import type { StatusTone } from '@lemon/ui';
import type { ConnectionPhase } from './controller';
import type { SessionState } from '@lemon/session';

export interface StatusWords {
  tone: StatusTone;
  label: string;
}

export function statusWords(phase: ConnectionPhase, sessionState: SessionState, retryInSeconds: number | null): StatusWords {
  switch (phase) {
    case 'online':
      return { tone: 'ok', label: 'Online' };
    case 'connecting':
      return { tone: 'busy', label: sessionState === 'authenticating' ? 'Signing in…' : 'Connecting…' };
    case 'reconnecting':
      if (retryInSeconds !== null && retryInSeconds > 0) return { tone: 'warn', label: `Reconnecting in ${retryInSeconds}s…` };
      return { tone: 'busy', label: 'Reconnecting…' };
    case 'disconnected':
      return { tone: 'idle', label: 'Offline' };
  }
}
