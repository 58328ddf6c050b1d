import { Box, Inline } from '@stripe/ui-extension-sdk/ui';
import { BackendError, type BackendClient } from '../../api/backendClient';
import type { RenewalRiskView } from '../../api/contract';
import { formatDay, formatMoney, formatWhen } from '../../format';
import { useLoaded } from '../../shared/backend';
import { cardSummary, preDunningStatus, riskModelLabel, RiskBadge } from '../../shared/renewalRisk';
import { Empty, LoadFailed, Loading } from '../../shared/states';

/** The customer's renewals scored now; the backend's 404 means it knows no active subscription of theirs, which is an answer, not a failure. */
async function risksOf(backend: BackendClient, customerId: string): Promise<RenewalRiskView[]> {
  try {
    return (await backend.riskOfCustomer(customerId)).data;
  } catch (error) {
    if (error instanceof BackendError && error.status === 404) return [];
    throw error;
  }
}

/** The customer view's "Renewal risk": each upcoming renewal's score with every reason, the card it will be charged on, and the reminders. */
export function CustomerRisk({ backend, customerId, locale }: { backend: BackendClient; customerId: string; locale: string }) {
  const { loaded, reload } = useLoaded(() => risksOf(backend, customerId), `risk:${customerId}`);
  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <Inline css={{ font: 'subheading' }}>Renewal risk</Inline>
      {loaded.state === 'loading' && <Loading what="this customer's renewal risk" />}
      {loaded.state === 'error' && <LoadFailed message={loaded.message} onRetry={reload} />}
      {loaded.state === 'ready' && loaded.data.length === 0 && <Empty>No active subscription renewing in the next 30 days.</Empty>}
      {loaded.state === 'ready' && loaded.data.map((risk) => <RenewalRisk key={risk.subscriptionId} risk={risk} locale={locale} />)}
    </Box>
  );
}

function RenewalRisk({ risk, locale }: { risk: RenewalRiskView; locale: string }) {
  return (
    <Box css={{ stack: 'y', gap: 'xsmall', padding: 'small', borderRadius: 'medium', backgroundColor: 'container' }}>
      <Box css={{ stack: 'x', gap: 'small', alignY: 'center', distribute: 'space-between' }}>
        <Inline css={{ font: 'bodyEmphasized' }}>{`${formatMoney(risk.amountMinor, risk.currency, locale)} renews ${formatDay(risk.renewsAt, locale)}`}</Inline>
        <RiskBadge risk={risk} />
      </Box>
      <Inline css={{ font: 'caption', color: 'secondary' }}>{`${risk.subscriptionId} · ${riskModelLabel(risk.model)} · ${formatWhen(risk.scoredAt, locale)}`}</Inline>
      {risk.reasons.length === 0 ? (
        <Inline css={{ color: 'secondary' }}>Nothing found that makes this renewal likely to fail.</Inline>
      ) : (
        risk.reasons.map((reason) => <Inline key={reason.code}>{reason.text}</Inline>)
      )}
      <Inline>{`Card: ${cardSummary(risk.card)}`}</Inline>
      <Inline>{`Before the renewal: ${preDunningStatus(risk.preDunning, locale)}`}</Inline>
    </Box>
  );
}
