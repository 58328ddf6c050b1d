import { randomBytes } from 'node:crypto';
import { secretBinding, type SecretBox } from '../accounts';
import type { EndpointChange, EndpointStore } from './endpointStore';
import { checkEndpointUrl } from './endpointUrl';
import { DEFAULT_ROTATION_OVERLAP_HOURS, MAX_ENDPOINTS_PER_MODE, MAX_ROTATION_OVERLAP_HOURS, type WebhookEndpoint } from './webhookEndpoint';

/** A refusal the API shows as it is: a stable code, a message naming the parameter, an HTTP status. */
export interface Refusal {
  code: string;
  message: string;
  status: number;
  param?: string;
}
export type Outcome<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

export interface EndpointInput {
  url: string;
  enabledEvents: string[];
  description?: string | undefined;
}
export interface EndpointUpdate {
  url?: string | undefined;
  enabledEvents?: string[] | undefined;
  description?: string | undefined;
  status?: 'enabled' | 'disabled' | undefined;
}

/** Endpoints with their signing secret: generated here, sealed at rest, shown once (create, rotate). */
export interface EndpointService {
  create(accountId: string, livemode: boolean, input: EndpointInput, now: Date): Promise<Outcome<{ endpoint: WebhookEndpoint; secret: string }>>;
  update(accountId: string, livemode: boolean, id: string, change: EndpointUpdate): Promise<Outcome<WebhookEndpoint>>;
  rotateSecret(accountId: string, livemode: boolean, id: string, overlapHours: number | undefined, now: Date): Promise<Outcome<{ endpoint: WebhookEndpoint; secret: string }>>;
  /** The plain secrets that sign at `now` (two while a rotation overlaps). */
  openSigningSecrets(endpoint: WebhookEndpoint, sealed: string[]): string[];
}

const notFound: Refusal = { code: 'no_webhook_endpoint', message: 'No such webhook endpoint.', status: 404, param: 'id' };
const refuse = (refusal: Refusal) => ({ ok: false as const, refusal });

export function createEndpointService(deps: { endpoints: EndpointStore; secrets: SecretBox; allowLocalUrls: boolean }): EndpointService {
  const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;
  const checkUrl = (url: string): Outcome<string> => {
    const check = checkEndpointUrl(url, deps.allowLocalUrls);
    return check.ok ? { ok: true, value: check.url } : refuse({ code: 'url_invalid', message: check.message, status: 400, param: 'url' });
  };

  return {
    async create(accountId, livemode, input, now) {
      const url = checkUrl(input.url);
      if (!url.ok) return url;
      if ((await deps.endpoints.count(accountId, livemode)) >= MAX_ENDPOINTS_PER_MODE) {
        return refuse({ code: 'too_many_endpoints', message: `At most ${MAX_ENDPOINTS_PER_MODE} webhook endpoints per account and mode; delete one first.`, status: 400 });
      }
      const secret = newSecret();
      const endpoint: WebhookEndpoint = {
        id: `we_${randomBytes(12).toString('hex')}`,
        accountId,
        livemode,
        url: url.value,
        description: input.description ?? '',
        enabledEvents: input.enabledEvents,
        status: 'enabled',
        disabledReason: null,
        createdAt: now,
        secretSealed: deps.secrets.seal(secret, secretBinding(accountId, livemode)),
        previousSecretSealed: null,
        secretRotationEndsAt: null,
      };
      await deps.endpoints.insert(endpoint);
      return { ok: true, value: { endpoint, secret } };
    },
    async update(accountId, livemode, id, change) {
      const patch: EndpointChange = {};
      if (change.url !== undefined) {
        const url = checkUrl(change.url);
        if (!url.ok) return url;
        patch.url = url.value;
      }
      if (change.enabledEvents !== undefined) patch.enabledEvents = change.enabledEvents;
      if (change.description !== undefined) patch.description = change.description;
      if (change.status === 'enabled') Object.assign(patch, { status: 'enabled', disabledReason: null });
      if (change.status === 'disabled') Object.assign(patch, { status: 'disabled', disabledReason: 'disabled by the merchant' });
      const updated = await deps.endpoints.update(accountId, livemode, id, patch);
      return updated ? { ok: true, value: updated } : refuse(notFound);
    },
    async rotateSecret(accountId, livemode, id, overlapHours, now) {
      const hours = overlapHours ?? DEFAULT_ROTATION_OVERLAP_HOURS;
      if (hours < 0 || hours > MAX_ROTATION_OVERLAP_HOURS) {
        return refuse({ code: 'parameter_invalid', message: `overlapHours: from 0 to ${MAX_ROTATION_OVERLAP_HOURS} (7 days)`, status: 400, param: 'overlapHours' });
      }
      const current = await deps.endpoints.find(accountId, livemode, id);
      if (!current) return refuse(notFound);
      const secret = newSecret();
      const endsAt = hours > 0 ? new Date(now.getTime() + hours * 3_600_000) : null;
      const updated = await deps.endpoints.update(accountId, livemode, id, {
        secretSealed: deps.secrets.seal(secret, secretBinding(accountId, livemode)),
        previousSecretSealed: endsAt ? current.secretSealed : null,
        secretRotationEndsAt: endsAt,
      });
      return updated ? { ok: true, value: { endpoint: updated, secret } } : refuse(notFound);
    },
    openSigningSecrets(endpoint, sealed) {
      const binding = secretBinding(endpoint.accountId, endpoint.livemode);
      return sealed.map((value) => deps.secrets.open(value, binding)).filter((secret): secret is string => secret !== null);
    },
  };
}
