import type { Account } from '../accounts';

/** When a renewal counts as at risk: customer.renewal_at_risk fires, and the at-risk summary counts, at or above this score. */
export interface RenewalRiskSettings {
  /** A score from 1 to 100; default 70 (the "high" level). */
  alertThreshold: number;
}

export const DEFAULT_RENEWAL_RISK_SETTINGS: RenewalRiskSettings = { alertThreshold: 70 };

export function validateRenewalRiskSettings(settings: RenewalRiskSettings): string[] {
  const threshold = settings.alertThreshold;
  return Number.isInteger(threshold) && threshold >= 1 && threshold <= 100 ? [] : ['alertThreshold: a whole score from 1 to 100'];
}

/** The merchant's renewal-risk settings, with our defaults for what they have not chosen. */
export function renewalRiskSettingsOf(account: Account | null): RenewalRiskSettings {
  return { ...DEFAULT_RENEWAL_RISK_SETTINGS, ...((account?.settings?.renewalRisk as Partial<RenewalRiskSettings> | undefined) ?? {}) };
}
