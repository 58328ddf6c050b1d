import { Box, Inline } from '@stripe/ui-extension-sdk/ui';
import type { BackendClient } from '../../api/backendClient';
import type { AtRiskPage, RenewalRiskView } from '../../api/contract';
import { formatDay, formatMoney } from '../../format';
import { useLoaded } from '../../shared/backend';
import { preDunningStatus, renewingCustomer, RiskBadge } from '../../shared/renewalRisk';
import { Empty, LoadFailed, Loading } from '../../shared/states';

const TOP = 5;

/** "3 renewals scored 70 or more · $148.00 · €25.00": the summary counts only those at or above the alert threshold. */
export function atRiskSummary(summary: AtRiskPage['summary'], locale: string): string {
  const renewals = `${summary.count} renewal${summary.count === 1 ? '' : 's'} scored ${summary.atOrAbove} or more`;
  const amounts = Object.entries(summary.amountMinorByCurrency)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amountMinor]) => formatMoney(amountMinor, currency, locale));
  return [renewals, ...amounts].join(' · ');
}

/**
 * The home's "Renewals at risk" card: renewals in the next 30 days, highest
 * score first, so the merchant sees which payments are likely to fail before
 * they do, and whether reminders are already on their way.
 */
export function AtRiskCard({ backend, locale }: { backend: BackendClient; locale: string }) {
  const { loaded, reload } = useLoaded(() => backend.atRisk({ limit: TOP }), 'at-risk');
  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <Inline css={{ font: 'subheading' }}>Renewals at risk</Inline>
      {loaded.state === 'loading' && <Loading what="renewals at risk" />}
      {loaded.state === 'error' && <LoadFailed message={loaded.message} onRetry={reload} />}
      {loaded.state === 'ready' && loaded.data.data.length === 0 && <Empty>No renewals at risk in the next 30 days.</Empty>}
      {loaded.state === 'ready' && loaded.data.data.length > 0 && (
        <>
          <Inline css={{ font: 'bodyEmphasized' }}>{atRiskSummary(loaded.data.summary, locale)}</Inline>
          <Inline css={{ font: 'caption', color: 'secondary' }}>In the next 30 days, against your alert threshold. The highest scores:</Inline>
          {loaded.data.data.slice(0, TOP).map((renewal) => (
            <AtRiskRenewal key={renewal.subscriptionId} renewal={renewal} locale={locale} />
          ))}
        </>
      )}
    </Box>
  );
}

function AtRiskRenewal({ renewal, locale }: { renewal: RenewalRiskView; locale: string }) {
  return (
    <Box css={{ stack: 'y', gap: 'xsmall', padding: 'small', borderRadius: 'medium', backgroundColor: 'container' }}>
      <Box css={{ stack: 'x', gap: 'small', alignY: 'center', distribute: 'space-between' }}>
        <Inline css={{ font: 'bodyEmphasized' }}>{`${renewingCustomer(renewal)} · ${formatMoney(renewal.amountMinor, renewal.currency, locale)}`}</Inline>
        <RiskBadge risk={renewal} />
      </Box>
      <Inline css={{ font: 'caption', color: 'secondary' }}>{`Renews ${formatDay(renewal.renewsAt, locale)} · ${preDunningStatus(renewal.preDunning, locale)}`}</Inline>
      {renewal.reasons.slice(0, 2).map((reason) => (
        <Inline key={reason.code}>{reason.text}</Inline>
      ))}
    </Box>
  );
}
