import { randomBytes } from 'node:crypto';

/**
 * Everything the sandbox remembers, per Stripe account. Objects are plain
 * JSON in Stripe's current shape (basil and later), so the official SDK reads
 * them as it reads Stripe's own answers.
 */
export type Json = Record<string, unknown>;

export interface ScriptedDecline {
  code: string;
  decline_code?: string;
  advice_code?: string;
  network_advice_code?: string;
  network_decline_code?: string;
}

/** How a sandbox card answers charges. */
export interface CardBehaviour {
  declines: ScriptedDecline[];
  then: 'succeed' | 'repeat_last';
  /** Succeed only on these UTC days of the month (sandbox clock); otherwise decline with insufficient funds. */
  succeedOnDaysOfMonth?: number[];
  requiresAction?: boolean;
}

export interface ChargeRecord {
  account: string;
  invoice: string | null;
  paymentIntent: string;
  paymentMethod: string;
  fingerprint: string;
  idempotencyKey: string | null;
  outcome: 'succeeded' | 'declined' | 'requires_action';
  declineCode: string | null;
  at: string;
}

/** One /v1 request as the sandbox saw it, in order of arrival (see README: the request log). */
export interface RequestRecord {
  /** Position in the log, from 1. */
  seq: number;
  method: string;
  path: string;
  /** The Stripe-Account header, or "platform". */
  account: string;
  idempotencyKey: string | null;
  /** True when the answer came from the idempotency cache (Stripe's `Idempotent-Replayed: true`). */
  replayed: boolean;
  /** The HTTP status answered; null while the request is still in flight, or when the connection was dropped before an answer. */
  status: number | null;
  /** Sandbox clock at arrival. */
  at: string;
  /** True when a `hold` fault held the request until a test released it. */
  held: boolean;
  /** What a POST sent (form fields as Stripe parses them, so booleans arrive as "true"); null for GET and DELETE. */
  params: Json | null;
}

export interface AccountData {
  customers: Map<string, Json>;
  paymentMethods: Map<string, Json>;
  subscriptions: Map<string, Json>;
  invoices: Map<string, Json>;
  paymentIntents: Map<string, Json>;
  setupIntents: Map<string, Json>;
  invoicePayments: Map<string, Json>;
  portalSessions: Map<string, Json>;
  events: Json[];
}

export class SandboxState {
  private readonly accounts = new Map<string, AccountData>();
  readonly behaviours = new Map<string, { behaviour: CardBehaviour; attempts: number }>();
  readonly charges: ChargeRecord[] = [];
  readonly webhookEndpoints = new Map<string, Json>();
  readonly idempotency = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  /** Every /v1 request, oldest first. */
  readonly requests: RequestRecord[] = [];
  /** Each account's own email (the one Stripe verified), as GET /v1/account shows it. */
  private readonly accountEmails = new Map<string, string | null>();
  clockOffsetMs = 0;

  /** Live or test mode, as the key's prefix says at Stripe: every object and event carries it. */
  constructor(
    private readonly realNow: () => Date,
    readonly livemode = false,
  ) {}

  now(): Date {
    return new Date(this.realNow().getTime() + this.clockOffsetMs);
  }

  nowSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  /** Objects of an account; the platform's own account is "platform". */
  account(accountId: string): AccountData {
    let data = this.accounts.get(accountId);
    if (!data) {
      data = { customers: new Map(), paymentMethods: new Map(), subscriptions: new Map(), invoices: new Map(), paymentIntents: new Map(), setupIntents: new Map(), invoicePayments: new Map(), portalSessions: new Map(), events: [] };
      this.accounts.set(accountId, data);
    }
    return data;
  }

  setAccountEmail(accountId: string, email: string | null): void {
    this.accountEmails.set(accountId, email);
  }

  /** The account object Stripe answers GET /v1/account with (only what we use). */
  accountObject(accountId: string): Json {
    const id = accountId === 'platform' ? 'acct_sandbox_platform' : accountId;
    return { id, object: 'account', email: this.accountEmails.get(accountId) ?? null, livemode: this.livemode };
  }

  reset(): void {
    this.accountEmails.clear();
    this.accounts.clear();
    this.behaviours.clear();
    this.charges.length = 0;
    this.webhookEndpoints.clear();
    this.idempotency.clear();
    this.requests.length = 0;
    this.clockOffsetMs = 0;
  }
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
}
