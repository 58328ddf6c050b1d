import { randomBytes } from 'node:crypto';
import { brandingOf, issueWebhookCredentials, secretBinding, type Account, type AccountStore, type Branding, type SecretBox } from '../accounts';
import { DEFAULT_DUNNING_POLICY, sanitizeDunningPolicy, validateDunningSettings, validateSenderSettings, type DunningPolicy, type MailServerDirectory, type SenderSettings } from '../dunning';
import { SUPPORTED_LOCALES, isSupportedLocale, merchantLanguageOf, type Locale } from '../i18n';
import { DEFAULT_HOLDOUT_SHARE, MAX_HOLDOUT_SHARE, type Holdout } from '../lift/holdout';
import { DEFAULT_PRE_DUNNING_POLICY, sanitizePreDunningPolicy, validatePreDunningSettings, type PreDunningPolicy } from '../preDunning';
import { DEFAULT_RETRY_POLICY, validateRetryPolicy, type RetryPolicy } from '../retryPolicy';
import { renewalRiskSettingsOf, validateRenewalRiskSettings, type RenewalRiskSettings } from './renewalRiskSettings';
import { postmarkViewOf, postmarkWebhookUrl, senderSettingsOf, senderViewOf, type OperatorSender, type PostmarkView, type SenderView } from './senderSettings';

/** Shown once, when a merchant's own Postmark server is first saved or its webhook credentials are rotated. */
export interface ShownWebhookCredentials {
  url: string;
  username: string;
  password: string;
}

/**
 * `sanitizerRemoved` names each template part the HTML sanitizer took something out of (absent when none).
 * A refusal carries a `code` and `status` when it is not a plain validation problem (a token Postmark refused: 400, Postmark down: 503).
 */
export type SaveResult =
  | { ok: true; sanitizerRemoved?: string[]; postmarkWebhookCredentials?: ShownWebhookCredentials }
  | { ok: false; problems: string[]; code?: string; status?: number };

/** What a merchant has chosen, with our defaults for what they have not. */
export interface MerchantSettings {
  retryPolicy: RetryPolicy;
  dunning: DunningPolicy;
  branding: Branding;
  /** From name, address and Reply-To, with the sender that applies and why. */
  sender: SenderView;
  postmark: PostmarkView;
  /** The share of customers whose failed payments we leave to Stripe alone, to measure the lift (0 to 0.5; 0: off). */
  holdoutShare: number;
  /** Reminders before a renewal whose card expires first. */
  preDunning: PreDunningPolicy;
  renewalRisk: RenewalRiskSettings;
  /** The language customers get when Stripe names none of theirs that we support (default en). */
  language: Locale;
}

/** A change to any part of the settings; parts left out stay as they are. */
export interface SettingsChange {
  retryPolicy?: Partial<RetryPolicy>;
  dunning?: DunningPolicy;
  branding?: Partial<Branding>;
  sender?: Partial<SenderSettings>;
  /** The merchant's own Postmark server token; null removes it. */
  postmarkServerToken?: string | null;
  /** Applies to cases opened from now on; a case keeps the group it opened with. */
  holdoutShare?: number;
  preDunning?: Partial<PreDunningPolicy>;
  renewalRisk?: Partial<RenewalRiskSettings>;
  language?: string;
}

/** The merchant's retry policy; `merchantTimeZone` is the deployment's default zone (DEFAULT_MERCHANT_TIME_ZONE) until they set one. */
export function retryPolicyOf(account: Account | null, merchantTimeZone = DEFAULT_RETRY_POLICY.merchantTimeZone): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, merchantTimeZone, ...((account?.settings?.retry as Partial<RetryPolicy> | undefined) ?? {}) };
}

export function dunningPolicyOf(account: Account | null): DunningPolicy {
  return (account?.settings?.dunning as DunningPolicy | undefined) ?? DEFAULT_DUNNING_POLICY;
}

/** The merchant's pre-dunning sequence, or ours (30, 14 and 3 days before, our copy). */
export function preDunningPolicyOf(account: Account | null): PreDunningPolicy {
  return { ...DEFAULT_PRE_DUNNING_POLICY, ...((account?.settings?.preDunning as Partial<PreDunningPolicy> | undefined) ?? {}) };
}

/** The merchant's holdout share, or the deployment's default (10 % unless the caller says otherwise). */
export function holdoutShareOf(account: Account | null, defaultShare = DEFAULT_HOLDOUT_SHARE): number {
  return account?.settings?.holdoutShare ?? defaultShare;
}

/**
 * The merchant's settings, validated by the domain that owns each part
 * before anything is saved: a change with any problem saves nothing.
 */
export interface SettingsService {
  read(accountId: string, livemode: boolean): Promise<MerchantSettings>;
  update(accountId: string, livemode: boolean, change: SettingsChange, now: Date): Promise<SaveResult>;
  saveDunning(accountId: string, livemode: boolean, policy: DunningPolicy): Promise<SaveResult>;
  saveRetryPolicy(accountId: string, livemode: boolean, policy: RetryPolicy): Promise<SaveResult>;
  /** Stores the merchant's own Postmark server token, sealed; null removes it. */
  savePostmarkToken(accountId: string, livemode: boolean, token: string | null): Promise<SaveResult>;
  /** New basic-auth credentials for the merchant's own server's webhooks; the old ones stop working. Null without an own server. */
  rotatePostmarkWebhookCredentials(accountId: string, livemode: boolean, now: Date): Promise<ShownWebhookCredentials | null>;
  /** The holdout new cases of this account and mode are assigned with; null when it is off. Gives the account its salt the first time. */
  holdoutOf(account: Account): Promise<Holdout | null>;
}

const POSTMARK_TOKEN = /^[\w-]{8,200}$/;

const NO_OPERATOR_SENDER: OperatorSender = { from: 'Billing <billing@localhost.test>', verifiedDomains: [] };

export function createSettingsService(deps: {
  accounts: AccountStore;
  secrets: SecretBox;
  defaultHoldoutShare?: number;
  /** Checks a merchant's Postmark server token when it is saved; null: tokens cannot be checked, so none is taken. */
  mailServers?: MailServerDirectory | null;
  /** EMAIL_FROM and POSTMARK_VERIFIED_DOMAINS, for the sender rule. */
  operatorSender?: OperatorSender;
  /** Where merchants' own Postmark servers send their webhooks. */
  publicUrl?: string;
}): SettingsService {
  const shareOf = (account: Account | null) => holdoutShareOf(account, deps.defaultHoldoutShare);
  const operator = deps.operatorSender ?? NO_OPERATOR_SENDER;
  const publicUrl = deps.publicUrl ?? 'http://127.0.0.1:3000';
  const showCredentials = (account: Account, issued: { username: string; password: string }): ShownWebhookCredentials => ({
    url: postmarkWebhookUrl(publicUrl, account.accountId, account.livemode),
    username: issued.username,
    password: issued.password,
  });

  /** Checks a token with Postmark; the server it opens, or why it cannot be saved. */
  async function checkToken(token: string): Promise<{ ok: true; server: { id: number; name: string } } | Extract<SaveResult, { ok: false }>> {
    if (!deps.mailServers) return { ok: false, problems: ['postmarkServerToken: this deployment cannot reach Postmark to check a token'], code: 'postmark_unavailable', status: 503 };
    const check = await deps.mailServers.checkServerToken(token);
    if (check.kind === 'valid') return { ok: true, server: { id: check.serverId, name: check.serverName } };
    if (check.kind === 'invalid_token') return { ok: false, problems: [`postmarkServerToken: Postmark does not accept this server token (${check.message}); copy it from your server's API Tokens tab`], code: 'postmark_token_invalid', status: 400 };
    return { ok: false, problems: [`postmarkServerToken: Postmark did not answer, so the token could not be checked (${check.message}); try again`], code: 'postmark_unavailable', status: 503 };
  }

  const service: SettingsService = {
    async read(accountId, livemode) {
      const account = await deps.accounts.find(accountId, livemode);
      return {
        retryPolicy: retryPolicyOf(account),
        dunning: dunningPolicyOf(account),
        branding: brandingOf(account),
        sender: senderViewOf(account, operator),
        postmark: postmarkViewOf(account, publicUrl),
        holdoutShare: shareOf(account),
        preDunning: preDunningPolicyOf(account),
        renewalRisk: renewalRiskSettingsOf(account),
        language: merchantLanguageOf(account?.settings),
      };
    },

    async update(accountId, livemode, change, now) {
      // A Stripe App user may open settings before the install event arrives; saving them installs nothing.
      const account = await deps.accounts.ensureRecord(accountId, livemode, now);
      const retryPolicy = change.retryPolicy ? { ...retryPolicyOf(account), ...change.retryPolicy } : null;
      // Merchant HTML is stored only as the allow-list lets it through.
      const sanitized = change.dunning ? sanitizeDunningPolicy(change.dunning) : null;
      const dunning = sanitized?.policy ?? null;
      const preDunningSanitized = change.preDunning ? sanitizePreDunningPolicy({ ...preDunningPolicyOf(account), ...change.preDunning }) : null;
      const preDunning = preDunningSanitized?.policy ?? null;
      const renewalRisk = change.renewalRisk ? { ...renewalRiskSettingsOf(account), ...change.renewalRisk } : null;
      const sender = change.sender ? { ...senderSettingsOf(account), ...change.sender } : null;
      const newToken = typeof change.postmarkServerToken === 'string' ? change.postmarkServerToken : null;
      const problems = [
        ...(sender ? validateSenderSettings(sender) : []),
        // Postmark sends only from the merchant's confirmed addresses on their own server: ours would be refused.
        ...(newToken !== null && !(sender ?? senderSettingsOf(account)).fromAddress
          ? ['postmarkServerToken: set sender.fromAddress too, an address confirmed on your Postmark server (a sender signature or on a verified domain)']
          : []),
        ...(retryPolicy ? validateRetryPolicy(retryPolicy).map((problem) => `retryPolicy.${problem}`) : []),
        ...(dunning ? validateDunningSettings(dunning).map((problem) => `dunning.${problem}`) : []),
        ...(preDunning ? validatePreDunningSettings(preDunning).map((problem) => `preDunning.${problem}`) : []),
        ...(renewalRisk ? validateRenewalRiskSettings(renewalRisk).map((problem) => `renewalRisk.${problem}`) : []),
        ...(typeof change.postmarkServerToken === 'string' && !POSTMARK_TOKEN.test(change.postmarkServerToken)
          ? ['postmarkServerToken: a Postmark server token (letters, digits and dashes)']
          : []),
        ...(change.language !== undefined && !isSupportedLocale(change.language) ? [`language: one of ${SUPPORTED_LOCALES.join(', ')}`] : []),
        ...(change.holdoutShare !== undefined && !(Number.isFinite(change.holdoutShare) && change.holdoutShare >= 0 && change.holdoutShare <= MAX_HOLDOUT_SHARE)
          ? [`holdoutShare: a share from 0 (off) to ${MAX_HOLDOUT_SHARE}`]
          : []),
      ];
      if (problems.length > 0) return { ok: false, problems };
      // Asked last: a change with other problems never reaches Postmark, and a token Postmark refuses stores nothing.
      const checked = newToken !== null && POSTMARK_TOKEN.test(newToken) ? await checkToken(newToken) : null;
      if (checked && !checked.ok) return checked;
      // The first own server gets webhook credentials, shown once in this answer; removing the server removes them.
      const issued = checked && !account.settings?.postmarkWebhook ? issueWebhookCredentials(now) : null;

      await deps.accounts.updateSettings(accountId, livemode, {
        ...(sender ? { sender } : {}),
        ...(checked?.ok ? { postmarkServer: { ...checked.server, checkedAt: now } } : {}),
        ...(issued ? { postmarkWebhook: issued.stored } : {}),
        ...(change.postmarkServerToken === null ? { postmarkServer: undefined, postmarkWebhook: undefined } : {}),
        ...(retryPolicy ? { retry: retryPolicy } : {}),
        ...(dunning ? { dunning } : {}),
        ...(preDunning ? { preDunning } : {}),
        ...(renewalRisk ? { renewalRisk } : {}),
        ...(change.holdoutShare !== undefined ? { holdoutShare: change.holdoutShare } : {}),
        ...(change.language !== undefined ? { language: change.language } : {}),
        ...(change.postmarkServerToken !== undefined
          ? { postmarkServerTokenSealed: change.postmarkServerToken === null ? undefined : deps.secrets.seal(change.postmarkServerToken, secretBinding(accountId, livemode)) }
          : {}),
      });
      if (change.branding) await deps.accounts.setBranding(accountId, livemode, { ...(account.branding ?? {}), ...change.branding });
      const removed = [...(sanitized?.removed ?? []).map((part) => `dunning.${part}`), ...(preDunningSanitized?.removed ?? []).map((part) => `preDunning.${part}`)];
      return {
        ok: true,
        ...(removed.length > 0 ? { sanitizerRemoved: removed } : {}),
        ...(issued ? { postmarkWebhookCredentials: showCredentials(account, issued) } : {}),
      };
    },

    saveDunning: (accountId, livemode, policy) => service.update(accountId, livemode, { dunning: policy }, new Date()),
    saveRetryPolicy: (accountId, livemode, policy) => service.update(accountId, livemode, { retryPolicy: policy }, new Date()),
    savePostmarkToken: (accountId, livemode, token) => service.update(accountId, livemode, { postmarkServerToken: token }, new Date()),

    async rotatePostmarkWebhookCredentials(accountId, livemode, now) {
      const account = await deps.accounts.find(accountId, livemode);
      if (!account?.settings?.postmarkServerTokenSealed) return null;
      const issued = issueWebhookCredentials(now);
      await deps.accounts.updateSettings(accountId, livemode, { postmarkWebhook: issued.stored });
      return showCredentials(account, issued);
    },

    async holdoutOf(account) {
      const share = shareOf(account);
      if (share <= 0) return null;
      const salt = account.holdoutSalt ?? (await deps.accounts.ensureHoldoutSalt(account.accountId, account.livemode, randomBytes(16).toString('hex')));
      return { salt, share };
    },
  };
  return service;
}
