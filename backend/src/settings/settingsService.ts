import type { AccountStore, SecretBox } from '../accounts';
import { validateDunningSettings, type DunningPolicy } from '../dunning';
import { validateRetryPolicy, type RetryPolicy } from '../retryPolicy';

export type SaveResult = { ok: true } | { ok: false; problems: string[] };

/**
 * The merchant's settings, validated by the domain that owns them before
 * anything is saved: a refused change leaves the stored settings as they were.
 * The merchant API (issue 5) calls these.
 */
export interface SettingsService {
  saveDunning(accountId: string, livemode: boolean, policy: DunningPolicy): Promise<SaveResult>;
  saveRetryPolicy(accountId: string, livemode: boolean, policy: RetryPolicy): Promise<SaveResult>;
  /** Stores the merchant's own Postmark server token, sealed; null removes it. */
  savePostmarkToken(accountId: string, livemode: boolean, token: string | null): Promise<SaveResult>;
}

export function createSettingsService(deps: { accounts: AccountStore; secrets: SecretBox }): SettingsService {
  return {
    async saveDunning(accountId, livemode, policy) {
      const problems = validateDunningSettings(policy);
      if (problems.length > 0) return { ok: false, problems };
      await deps.accounts.updateSettings(accountId, livemode, { dunning: policy });
      return { ok: true };
    },
    async saveRetryPolicy(accountId, livemode, policy) {
      const problems = validateRetryPolicy(policy);
      if (problems.length > 0) return { ok: false, problems };
      await deps.accounts.updateSettings(accountId, livemode, { retry: policy });
      return { ok: true };
    },
    async savePostmarkToken(accountId, livemode, token) {
      if (token !== null && !/^[\w-]{8,200}$/.test(token)) return { ok: false, problems: ['postmarkServerToken: a Postmark server token (letters, digits and dashes)'] };
      await deps.accounts.updateSettings(accountId, livemode, { postmarkServerTokenSealed: token === null ? undefined : deps.secrets.seal(token) });
      return { ok: true };
    },
  };
}
