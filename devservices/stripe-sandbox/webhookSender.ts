import Stripe from 'stripe';
import { newId, type Json, type SandboxState } from './sandboxState';

export const SANDBOX_API_VERSION = '2026-10-28.endive';

export interface Delivery {
  eventId: string;
  type: string;
  url: string;
  status: number | null;
  attempts: number;
}

/**
 * Emits events the way Stripe does: an envelope with `account` for
 * connected accounts and the request's idempotency key, signed with each
 * endpoint's secret, delivered in order per endpoint and retried a few times.
 */
export class WebhookSender {
  readonly deliveries: Delivery[] = [];
  private queue: Promise<void> = Promise.resolve();
  private readonly pending = new Set<Promise<void>>();
  private held: Array<() => void> | null = null;

  constructor(
    private readonly state: SandboxState,
    private readonly staticEndpoint: { url: string; secret: string } | null,
  ) {}

  emit(account: string, type: string, object: Json, options: { previous?: Json; idempotencyKey?: string | null } = {}): Json {
    const event: Json = {
      id: newId('evt'),
      object: 'event',
      api_version: SANDBOX_API_VERSION,
      created: this.state.nowSeconds(),
      livemode: this.state.livemode,
      pending_webhooks: 1,
      type,
      ...(account !== 'platform' ? { account } : {}),
      request: { id: newId('req'), idempotency_key: options.idempotencyKey ?? null },
      data: { object: structuredClone(object), ...(options.previous ? { previous_attributes: options.previous } : {}) },
    };
    this.state.account(account).events.push(event);
    for (const endpoint of this.endpointsFor(type)) this.enqueue(event, endpoint);
    return event;
  }

  /** Holds deliveries back until release(), as when Stripe's events lag behind its API. */
  hold(): void {
    this.held ??= [];
  }

  /** Sends what was held back, in order. */
  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const send of held) send();
  }

  /** Resolves when every queued delivery has finished (tests wait on it); held deliveries are not queued yet. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private endpointsFor(type: string): Array<{ url: string; secret: string }> {
    const endpoints = [...this.state.webhookEndpoints.values()]
      .filter((endpoint) => endpoint.status === 'enabled')
      .filter((endpoint) => (endpoint.enabled_events as string[]).some((wanted) => wanted === '*' || wanted === type))
      .map((endpoint) => ({ url: endpoint.url as string, secret: endpoint.secret as string }));
    return this.staticEndpoint ? [this.staticEndpoint, ...endpoints] : endpoints;
  }

  private enqueue(event: Json, endpoint: { url: string; secret: string }): void {
    if (this.held) {
      this.held.push(() => this.enqueue(event, endpoint));
      return;
    }
    const delivery: Delivery = { eventId: event.id as string, type: event.type as string, url: endpoint.url, status: null, attempts: 0 };
    this.deliveries.push(delivery);
    const run = this.queue.then(() => this.deliver(event, endpoint, delivery));
    this.queue = run.catch(() => undefined);
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }

  private async deliver(event: Json, endpoint: { url: string; secret: string }, delivery: Delivery): Promise<void> {
    const payload = JSON.stringify(event);
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      delivery.attempts = attempt;
      try {
        const response = await fetch(endpoint.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: endpoint.secret }) },
          body: payload,
          signal: AbortSignal.timeout(10_000),
        });
        delivery.status = response.status;
        await response.arrayBuffer();
        if (response.ok) return;
      } catch {
        delivery.status = null;
      }
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
}
