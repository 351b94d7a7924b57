import { createContext, createSignal, useContext, type Accessor, type JSX } from 'solid-js';

/** Every dialog the app can show, as one typed union. */
export type Modal =
  | { kind: 'createChannel'; parentId: number | null }
  | { kind: 'editChannel'; channelId: number }
  | { kind: 'deleteChannel'; channelId: number }
  | { kind: 'identity' }
  | { kind: 'safetyNumber'; userId: string }
  | { kind: 'poke'; userId: string }
  | { kind: 'messageStyle' }
  | { kind: 'backup'; mode: 'export' | 'import' }
  | { kind: 'voiceSettings' }
  | { kind: 'userVolume'; userId: string };

export interface ModalsApi {
  current: Accessor<Modal | null>;
  open(modal: Modal): void;
  close(): void;
}

const ModalsContext = createContext<ModalsApi>();

export function ModalsProvider(props: { children: JSX.Element }): JSX.Element {
  const [current, setCurrent] = createSignal<Modal | null>(null);
  const api: ModalsApi = { current, open: setCurrent, close: () => setCurrent(null) };
  return <ModalsContext.Provider value={api}>{props.children}</ModalsContext.Provider>;
}

export function useModals(): ModalsApi {
  const api = useContext(ModalsContext);
  if (!api) throw new Error('useModals() outside <ModalsProvider>');
  return api;
}
