import { getMockContextProps, render } from '@stripe/ui-extension-sdk/testing';
import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context';
import type { ReactElement } from 'react';
import { Badge, Button, TextField } from '@stripe/ui-extension-sdk/ui';
import type { BackendClient, BackendDeps } from '../src/api/backendClient';
import { BackendDepsContext, useBackend } from '../src/shared/backend';
import { ClipboardContext } from '../src/shared/clipboard';

const nextImmediate = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The SDK's render, with an update() that also lets React run what it has
 * scheduled. In Node, React runs effects and renders from setImmediate, while
 * the SDK's update() waits for one timer only, which a busy machine may fire
 * first, before the view has even sent its request.
 */
export function renderView(element: ReactElement): ReturnType<typeof render> {
  const view = render(element);
  return {
    wrapper: view.wrapper,
    update: async () => {
      await nextImmediate();
      await view.update();
      await nextImmediate();
      view.wrapper.act(() => null);
    },
  };
}

/** A request as the backend would receive it. */
export interface SentRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown> | null;
  signature: string | null;
}

type Answer = { status?: number; body: unknown } | (() => { status?: number; body: unknown });

/**
 * A stand-in for the backend: answers "METHOD /path" from a table, records
 * every request with its signature header, and signs with a counter so each
 * call's signature is visibly fresh. `clipboard: 'missing'` copies nothing
 * and throws, as the SDK does outside the Dashboard.
 */
/**
 * What the client reads of a response (ok, status, json), settled within the
 * same turn: a real Response reads its body as a stream, which may finish after
 * the test's update() on a busy machine and leave the view still loading.
 */
function jsonAnswer(status: number, body: unknown): Response {
  const copy = JSON.parse(JSON.stringify(body)) as unknown;
  return { ok: status >= 200 && status < 300, status, json: () => Promise.resolve(copy) } as Response;
}

export function fakeBackend(answers: Record<string, Answer>, options: { clipboard?: 'working' | 'missing' } = {}) {
  const sent: SentRequest[] = [];
  const copied: string[] = [];
  const copy = (text: string): Promise<void> => {
    if (options.clipboard === 'missing') throw new Error('hostEndpoint has not been initialized');
    copied.push(text);
    return Promise.resolve();
  };
  let signatures = 0;
  const deps: BackendDeps = {
    baseUrl: 'https://recovery.test',
    signature: async () => `t=1,v1=signature-${++signatures}`,
    fetch: (async (input: string | URL, init?: RequestInit) => {
      const url = new URL(String(input));
      const headers = (init?.headers ?? {}) as Record<string, string>;
      sent.push({
        method: init?.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: init?.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : null,
        signature: headers['Stripe-Signature'] ?? null,
      });
      const found = answers[`${init?.method ?? 'GET'} ${url.pathname}`];
      const answer = typeof found === 'function' ? found() : found;
      return answer ? jsonAnswer(answer.status ?? 200, answer.body) : jsonAnswer(404, { error: { type: 'not_found_error', message: 'No such route in the fake.' } });
    }) as typeof fetch,
  };
  return {
    sent,
    copied,
    withBackend: (view: ReactElement) => (
      <BackendDepsContext.Provider value={deps}>
        <ClipboardContext.Provider value={copy}>{view}</ClipboardContext.Provider>
      </BackendDepsContext.Provider>
    ),
  };
}

/** The view's props as the Dashboard gives them, on `objectId` when the view sits on an object page. */
export function viewProps(options: { objectId?: string; roles?: Array<{ id?: string; name: string; type: 'builtIn' | 'custom' }> } = {}): ExtensionContextValue {
  return getMockContextProps({
    environment: { mode: 'test', viewportID: 'test', ...(options.objectId ? { objectContext: { id: options.objectId, object: 'invoice' } } : {}) },
    ...(options.roles ? { userContext: { roles: options.roles } } : {}),
  });
}

export const errorBody = (message: string, type = 'invalid_request_error') => ({ error: { type, message } });

interface RemoteChild {
  type?: string;
  props?: Record<string, unknown>;
  text?: string;
  children?: RemoteChild[];
}

/**
 * Components given as props (a ListItem's value, a Banner's actions) travel as
 * remote fragments that `find` does not search: this lists them, with their
 * text, so tests can check and press them.
 */
export function componentsIn(fragment: unknown): Array<{ type: string; props: Record<string, unknown>; text: string }> {
  const found: Array<{ type: string; props: Record<string, unknown>; text: string }> = [];
  const textOf = (node: RemoteChild): string => node.text ?? (node.children ?? []).map(textOf).join('');
  const visit = (node: RemoteChild) => {
    if (node.type) found.push({ type: node.type, props: node.props ?? {}, text: textOf(node) });
    (node.children ?? []).forEach(visit);
  };
  ((fragment as RemoteChild | undefined)?.children ?? []).forEach(visit);
  return found;
}

/** A settings section or card on its own, given the signed client a view would give it. */
export function WithClient({ show }: { show: (backend: BackendClient) => ReactElement }) {
  return show(useBackend(viewProps()));
}

type Wrapper = ReturnType<typeof renderView>['wrapper'];

/**
 * Presses the last button with this text (a form opened below a list repeats
 * the list's labels, "Add endpoint"), or the first: the first item's "Edit".
 */
export function pressButton(wrapper: Wrapper, text: string, which: 'first' | 'last' = 'last'): void {
  const found = wrapper.findAll(Button).filter((node) => node.text === text);
  if (found.length === 0) throw new Error(`No button "${text}"; buttons: ${wrapper.findAll(Button).map((node) => node.text).join(', ')}`);
  found[which === 'first' ? 0 : found.length - 1]!.trigger('onPress');
}

/** Each badge as "type: text", in order. */
export function badgesIn(wrapper: Wrapper): string[] {
  return wrapper.findAll(Badge).map((node) => `${String(node.prop('type'))}: ${node.text}`);
}

export function typeInto(wrapper: Wrapper, label: string, value: string): void {
  const found = wrapper.findAll(TextField, { label });
  if (found.length === 0) throw new Error(`No field "${label}"`);
  found[found.length - 1]!.trigger('onChange', { target: { value } } as never);
}
