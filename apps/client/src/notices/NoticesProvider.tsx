import { createContext, createSignal, onCleanup, useContext, type Accessor, type JSX } from 'solid-js';
import type { Toast } from '@lemon/ui';

export interface NoticesApi {
  list: Accessor<readonly Toast[]>;
  /** Shows a short notice; errors stay longer. Text is rendered as text. */
  show(text: string, tone?: Toast['tone']): void;
  dismiss(id: number): void;
}

const NoticesContext = createContext<NoticesApi>();
const MAX_VISIBLE = 4;

export function NoticesProvider(props: { children: JSX.Element }): JSX.Element {
  const [list, setList] = createSignal<readonly Toast[]>([]);
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  let nextId = 1;
  const dismiss = (id: number) => {
    clearTimeout(timers.get(id));
    timers.delete(id);
    setList((l) => l.filter((t) => t.id !== id));
  };
  const api: NoticesApi = {
    list,
    show(text, tone = 'info') {
      const id = nextId++;
      setList((l) => [...l, { id, text, tone }].slice(-MAX_VISIBLE));
      timers.set(id, setTimeout(() => dismiss(id), tone === 'error' ? 8000 : 4000));
    },
    dismiss,
  };
  onCleanup(() => timers.forEach((t) => clearTimeout(t)));
  return <NoticesContext.Provider value={api}>{props.children}</NoticesContext.Provider>;
}

export function useNotices(): NoticesApi {
  const api = useContext(NoticesContext);
  if (!api) throw new Error('useNotices() outside <NoticesProvider>');
  return api;
}
