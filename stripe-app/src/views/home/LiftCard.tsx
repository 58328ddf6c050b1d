import { Badge, Box, Inline, List, ListItem } from '@stripe/ui-extension-sdk/ui';
import type { BackendClient } from '../../api/backendClient';
import type { LiftGroup, RecoveryLift } from '../../api/contract';
import { formatMoney, formatPoints, formatRate } from '../../format';
import { useLoaded } from '../../shared/backend';
import { Empty, LoadFailed, Loading } from '../../shared/states';

type CurrencyLift = RecoveryLift['currencies'][number];

function groupFigures(group: LiftGroup, currency: string, locale: string): string {
  return `${formatRate(group.recoveredShare)} recovered · ${formatMoney(group.recoveredMinor, currency, locale)} (${group.recovered} of ${group.ended} ended)`;
}

/** "+8.2 points (95 % CI …)" once both groups have enough ended cases; before that, how far along they are. */
export function liftVerdict(lift: CurrencyLift, minimumCasesPerGroup: number): string {
  if (!lift.enoughData || !lift.difference) {
    return `Not enough data yet (${Math.min(lift.treated.ended, lift.control.ended)} of ${minimumCasesPerGroup} ended cases per group)`;
  }
  return `Lift: ${formatPoints(lift.difference)}`;
}

/**
 * The home's "Lift" card: what recovery brings back compared with the holdout,
 * the only honest measure of it, as the two groups differ only by our action.
 */
export function LiftCard({ backend, locale }: { backend: BackendClient; locale: string }) {
  const { loaded, reload } = useLoaded(() => backend.lift(), 'lift');
  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <Box css={{ stack: 'x', gap: 'small', alignY: 'center' }}>
        <Inline css={{ font: 'subheading' }}>Lift</Inline>
        {loaded.state === 'ready' && loaded.data.holdoutShare === 0 && <Badge type="neutral">Holdout off</Badge>}
        {loaded.state === 'ready' && loaded.data.holdoutShare > 0 && <Badge type="info">{`Holdout ${formatRate(loaded.data.holdoutShare)}`}</Badge>}
      </Box>
      {loaded.state === 'loading' && <Loading what="the lift" />}
      {loaded.state === 'error' && <LoadFailed message={loaded.message} onRetry={reload} />}
      {loaded.state === 'ready' && <LiftFigures lift={loaded.data} locale={locale} />}
    </Box>
  );
}

function LiftFigures({ lift, locale }: { lift: RecoveryLift; locale: string }) {
  return (
    <>
      {lift.holdoutShare === 0 && <Inline css={{ color: 'secondary' }}>No payments are held out, so the lift cannot be measured. Set a holdout share in the app's settings to measure it.</Inline>}
      {lift.holdoutShare > 0 && (
        <Inline css={{ color: 'secondary' }}>{`${formatRate(lift.holdoutShare)} of failed payments get no action from us (the control group); the difference in recovered share is what recovery adds.`}</Inline>
      )}
      {lift.currencies.length === 0 ? (
        lift.holdoutShare > 0 && <Empty>No recovery has ended yet in either group.</Empty>
      ) : (
        lift.currencies.map((each) => (
          <Box key={each.currency} css={{ stack: 'y', gap: 'xsmall' }}>
            <Inline css={{ font: 'bodyEmphasized' }}>{each.currency.toUpperCase()}</Inline>
            <List>
              <ListItem id={`${each.currency}-treated`} title="With recovery" value={groupFigures(each.treated, each.currency, locale)} />
              <ListItem id={`${each.currency}-control`} title="Control group (no action)" value={groupFigures(each.control, each.currency, locale)} />
            </List>
            <Inline>{liftVerdict(each, lift.minimumCasesPerGroup)}</Inline>
          </Box>
        ))
      )}
    </>
  );
}
