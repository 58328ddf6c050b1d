import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context';
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { createBackendClient, defaultBackendDeps, type BackendClient, type BackendDeps } from '../api/backendClient';

/** Tests put a fake fetch and signature here; in the Dashboard the defaults talk to the real backend. */
export const BackendDepsContext = createContext<BackendDeps>(defaultBackendDeps);

export function useBackend(context: Pick<ExtensionContextValue, 'userContext' | 'environment'>): BackendClient {
  const deps = useContext(BackendDepsContext);
  const userId = context.userContext.id ?? '';
  const accountId = context.userContext.account.id ?? '';
  const livemode = context.environment.mode === 'live';
  return useMemo(() => createBackendClient({ userId, accountId, livemode }, deps), [userId, accountId, livemode, deps]);
}

export type Loaded<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; data: T };

/**
 * Loads once (and again on reload()), remembering whether it is loading, failed, or ready.
 * `update` changes what was loaded in place (an item added, changed or removed), without a loading flash.
 */
export function useLoaded<T>(load: () => Promise<T>, key: string): { loaded: Loaded<T>; reload: () => void; replace: (data: T) => void; update: (change: (data: T) => T) => void } {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setLoaded({ state: 'loading' });
    load().then(
      (data) => current && setLoaded({ state: 'ready', data }),
      (error: unknown) => current && setLoaded({ state: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
    // `load` changes identity every render; `key` and `round` say when to load again.
  }, [key, round]);
  const reload = useCallback(() => setRound((value) => value + 1), []);
  const replace = useCallback((data: T) => setLoaded({ state: 'ready', data }), []);
  const update = useCallback((change: (data: T) => T) => setLoaded((before) => (before.state === 'ready' ? { state: 'ready', data: change(before.data) } : before)), []);
  return { loaded, reload, replace, update };
}
