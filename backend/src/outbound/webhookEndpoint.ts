import type { OutboundEventType } from './outboundEvent';

/** A merchant's webhook endpoint in one mode, as stored (secrets sealed with the secret box). */
export interface WebhookEndpoint {
  id: string;
  accountId: string;
  livemode: boolean;
  url: string;
  description: string;
  /** Event types it receives, or ['*'] for all of them. */
  enabledEvents: string[];
  status: 'enabled' | 'disabled';
  disabledReason: string | null;
  createdAt: Date;
  secretSealed: string;
  /** The secret before the last rotation, which keeps signing until `secretRotationEndsAt`. */
  previousSecretSealed: string | null;
  secretRotationEndsAt: Date | null;
}

/** The endpoint as the API shows it: never a secret. */
export interface WebhookEndpointView {
  id: string;
  object: 'webhook_endpoint';
  url: string;
  description: string;
  enabledEvents: string[];
  status: 'enabled' | 'disabled';
  disabledReason: string | null;
  livemode: boolean;
  createdAt: string;
  secretRotationEndsAt: string | null;
}

/** Per account and mode: enough for every real integration, few enough to keep one event's fan-out small. */
export const MAX_ENDPOINTS_PER_MODE = 16;
export const DEFAULT_ROTATION_OVERLAP_HOURS = 24;
export const MAX_ROTATION_OVERLAP_HOURS = 7 * 24;

export function endpointView(endpoint: WebhookEndpoint, now: Date): WebhookEndpointView {
  const rotating = endpoint.secretRotationEndsAt && endpoint.secretRotationEndsAt > now ? endpoint.secretRotationEndsAt : null;
  return {
    id: endpoint.id,
    object: 'webhook_endpoint',
    url: endpoint.url,
    description: endpoint.description,
    enabledEvents: endpoint.enabledEvents,
    status: endpoint.status,
    disabledReason: endpoint.disabledReason,
    livemode: endpoint.livemode,
    createdAt: endpoint.createdAt.toISOString(),
    secretRotationEndsAt: rotating ? rotating.toISOString() : null,
  };
}

/** Whether the endpoint wants this type: listed, or subscribed to everything with '*'. */
export function isSubscribed(endpoint: Pick<WebhookEndpoint, 'enabledEvents'>, type: OutboundEventType): boolean {
  return endpoint.enabledEvents.includes('*') || endpoint.enabledEvents.includes(type);
}

/**
 * The sealed secrets that sign a delivery at `now`: the current one, and the
 * previous one while the rotation overlap lasts.
 * Example: rotated at 10:00 with 24 h overlap → until 10:00 next day both sign, then only the new.
 */
export function signingSecretsAt(endpoint: Pick<WebhookEndpoint, 'secretSealed' | 'previousSecretSealed' | 'secretRotationEndsAt'>, now: Date): string[] {
  const overlapping = endpoint.previousSecretSealed && endpoint.secretRotationEndsAt && endpoint.secretRotationEndsAt > now;
  return overlapping ? [endpoint.secretSealed, endpoint.previousSecretSealed!] : [endpoint.secretSealed];
}
