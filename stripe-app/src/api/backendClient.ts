import { fetchStripeSignature } from '@stripe/ui-extension-sdk/utils';
import { BACKEND_URL } from '../config';
import type {
  ApiErrorBody,
  ApiKeySummary,
  AtRiskPage,
  AttentionRow,
  CardUpdateLink,
  CaseControl,
  CaseDetail,
  DashboardStats,
  EmailPreview,
  ExportLink,
  Experiment,
  ExperimentDraft,
  ListPage,
  MerchantSettings,
  PaymentFilter,
  PaymentRow,
  PostmarkWebhookCredentials,
  PreDunningSettings,
  RecoveryEmail,
  RecoveryLift,
  RenewalRiskList,
  RenewalRiskSettings,
  SenderSettings,
  SequenceRow,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointChange,
  WebhookEndpointWithSecret,
} from './contract';

/** Who is looking: the Dashboard user and account, and whether the Dashboard is in live mode. */
export interface ViewIdentity {
  userId: string;
  accountId: string;
  livemode: boolean;
}

/** A failed backend call, carrying the backend's own message for the merchant. */
export class BackendError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'BackendError';
  }
}

export interface BackendDeps {
  fetch: typeof fetch;
  /** Stripe signs {user_id, account_id} for our backend; a fresh signature per call, as they expire after 5 minutes. */
  signature: () => Promise<string>;
  baseUrl: string;
}

export const defaultBackendDeps: BackendDeps = { fetch: (...args) => fetch(...args), signature: () => fetchStripeSignature(), baseUrl: BACKEND_URL };

export type SettingsChange = Partial<Pick<MerchantSettings, 'dunning'>> & {
  retryPolicy?: Partial<MerchantSettings['retryPolicy']>;
  branding?: Partial<MerchantSettings['branding']>;
  sender?: Partial<Pick<SenderSettings, 'fromName' | 'fromAddress' | 'replyTo'>>;
  postmarkServerToken?: string | null;
  holdoutShare?: number;
  preDunning?: Partial<PreDunningSettings>;
  renewalRisk?: Partial<RenewalRiskSettings>;
  language?: MerchantSettings['language'];
};

/** GET /api/dashboard/at-risk's filters, in the backend's own parameter names. */
export interface AtRiskFilter {
  limit?: number;
  starting_after?: string;
  min_score?: number;
  reason?: string;
  pre_dunning?: string;
}

/** The views' only way to the backend: every call signed, every error turned into a BackendError. */
export function createBackendClient(identity: ViewIdentity, deps: BackendDeps = defaultBackendDeps) {
  const signed = { user_id: identity.userId, account_id: identity.accountId, livemode: identity.livemode };

  async function call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, input: Record<string, unknown> = {}): Promise<T> {
    const inQuery = method === 'GET' || method === 'DELETE';
    const query = new URLSearchParams();
    if (inQuery) {
      for (const [key, value] of Object.entries({ ...input, ...signed })) if (value !== undefined && value !== null) query.set(key, String(value));
    }
    const response = await deps.fetch(`${deps.baseUrl}${path}${inQuery ? `?${query}` : ''}`, {
      method,
      headers: { 'Stripe-Signature': await deps.signature(), ...(inQuery ? {} : { 'Content-Type': 'application/json' }) },
      ...(inQuery ? {} : { body: JSON.stringify({ ...input, ...signed }) }),
    });
    const body = (await response.json().catch(() => null)) as unknown;
    if (!response.ok) {
      const error = (body as ApiErrorBody | null)?.error;
      throw new BackendError(response.status, error?.message ?? `The recovery service answered ${response.status}.`, error?.code);
    }
    return body as T;
  }

  return {
    stats: () => call<DashboardStats>('GET', '/api/dashboard/stats'),
    payments: (filter: PaymentFilter & { limit?: number; starting_after?: string } = {}) => call<ListPage<PaymentRow>>('GET', '/api/dashboard/payments', { ...filter }),
    attention: () => call<ListPage<AttentionRow>>('GET', '/api/dashboard/attention', { limit: 10 }),
    sequences: (page: { limit?: number; starting_after?: string } = {}) => call<ListPage<SequenceRow>>('GET', '/api/dashboard/sequences', page),
    /** A link the browser downloads the CSV from, without credentials, for 5 minutes. */
    exportLink: (filter: PaymentFilter = {}) => call<ExportLink>('POST', '/api/dashboard/export-link', { ...filter }),
    caseOfInvoice: (invoiceId: string) => call<CaseDetail>('GET', '/api/recovery/status', { invoiceId }),
    casesOfCustomer: (customerId: string) => call<{ object: 'list'; data: CaseDetail[] }>('GET', '/api/recovery/status', { customerId }),
    control: (action: CaseControl, caseId: string) => call<CaseDetail | { caseId: string; retry: 'scheduled' }>('POST', `/api/recovery/${action}`, { caseId }),
    email: (caseId: string, index: number) => call<RecoveryEmail>('GET', `/api/recovery/emails/${encodeURIComponent(caseId)}/${index}`),
    cardUpdateLink: (caseId: string) => call<CardUpdateLink>('POST', '/api/recovery/card-update-link', { caseId }),
    settings: () => call<MerchantSettings>('GET', '/api/settings'),
    saveSettings: (change: SettingsChange) => call<MerchantSettings & { postmarkWebhookCredentials?: PostmarkWebhookCredentials }>('PUT', '/api/settings', change),
    rotatePostmarkWebhookCredentials: () => call<PostmarkWebhookCredentials & { object: 'postmark_webhook_credentials' }>('POST', '/api/settings/postmark-webhook-credentials'),
    previewEmail: (stepIndex: number, draft: { dunning?: MerchantSettings['dunning']; branding?: Partial<MerchantSettings['branding']> }) =>
      call<EmailPreview>('POST', '/api/settings/email-preview', { stepIndex, ...draft }),
    previewPreDunning: (stepIndex: number, draft: { preDunning?: PreDunningSettings; branding?: Partial<MerchantSettings['branding']> }) =>
      call<EmailPreview>('POST', '/api/settings/pre-dunning-preview', { stepIndex, ...draft }),
    atRisk: (filter: AtRiskFilter = {}) => call<AtRiskPage>('GET', '/api/dashboard/at-risk', { ...filter }),
    /** Scores the customer's renewals now; a 404 (resource_missing) when none of their subscriptions is active. */
    riskOfCustomer: (customerId: string) => call<RenewalRiskList>('POST', '/api/predict/risk', { customerId }),
    apiKeys: () => call<{ object: 'list'; data: ApiKeySummary[] }>('GET', '/api/api-keys'),
    createApiKey: (name: string, scope: ApiKeySummary['scope']) => call<ApiKeySummary & { key: string; note: string }>('POST', '/api/api-keys', { name, scope }),
    revokeApiKey: (id: string) => call<{ id: string; revoked: true }>('DELETE', `/api/api-keys/${encodeURIComponent(id)}`),
    lift: () => call<RecoveryLift>('GET', '/api/dashboard/lift'),
    webhookEndpoints: () => call<{ object: 'list'; data: WebhookEndpoint[] }>('GET', '/api/webhook-endpoints'),
    createWebhookEndpoint: (input: { url: string; enabledEvents: string[]; description?: string }) => call<WebhookEndpointWithSecret>('POST', '/api/webhook-endpoints', input),
    updateWebhookEndpoint: (id: string, change: WebhookEndpointChange) => call<WebhookEndpoint>('POST', `/api/webhook-endpoints/${encodeURIComponent(id)}`, { ...change }),
    deleteWebhookEndpoint: (id: string) => call<{ id: string; object: 'webhook_endpoint'; deleted: true }>('DELETE', `/api/webhook-endpoints/${encodeURIComponent(id)}`),
    rotateWebhookSecret: (id: string, overlapHours: number) => call<WebhookEndpointWithSecret>('POST', `/api/webhook-endpoints/${encodeURIComponent(id)}/rotate-secret`, { overlapHours }),
    pingWebhookEndpoint: (id: string) => call<{ event: unknown; delivery: WebhookDelivery }>('POST', `/api/webhook-endpoints/${encodeURIComponent(id)}/ping`),
    webhookDeliveries: (id: string, page: { limit?: number; startingAfter?: string } = {}) =>
      call<{ object: 'list'; data: WebhookDelivery[]; hasMore: boolean }>('GET', `/api/webhook-endpoints/${encodeURIComponent(id)}/deliveries`, page),
    resendWebhookDelivery: (id: string) => call<WebhookDelivery>('POST', `/api/webhook-deliveries/${encodeURIComponent(id)}/resend`),
    experiments: () => call<{ object: 'list'; data: Experiment[] }>('GET', '/api/experiments'),
    createExperiment: (draft: ExperimentDraft) => call<Experiment>('POST', '/api/experiments', { ...draft }),
    // The views read the list again after these two rather than relying on their answers.
    stopExperiment: (id: string) => call<unknown>('POST', `/api/experiments/${encodeURIComponent(id)}/stop`),
    promoteExperiment: (id: string) => call<unknown>('POST', `/api/experiments/${encodeURIComponent(id)}/promote`),
  };
}

export type BackendClient = ReturnType<typeof createBackendClient>;
