import { Badge, Box, Button, Inline } from '@stripe/ui-extension-sdk/ui';
import { useState } from 'react';
import type { BackendClient } from '../../api/backendClient';
import type { WebhookDelivery, WebhookDeliveryAttempt } from '../../api/contract';
import { formatWhen } from '../../format';
import { useLoaded } from '../../shared/backend';
import { Empty, LoadFailed, Loading } from '../../shared/states';
import { useAction } from '../../shared/useAction';

const PAGE_SIZE = 10;

const STATUS: Record<WebhookDelivery['status'], { label: string; badge: 'info' | 'positive' | 'negative' | 'neutral' }> = {
  pending: { label: 'Pending', badge: 'info' },
  succeeded: { label: 'Delivered', badge: 'positive' },
  failed: { label: 'Failed, retrying', badge: 'negative' },
  abandoned: { label: 'Gave up', badge: 'neutral' },
};

/** "answered 500 in 120 ms: Internal Server Error", or "no answer after 10000 ms: timeout". */
export function describeAttempt(attempt: WebhookDeliveryAttempt): string {
  const answer = attempt.statusCode === null ? `no answer after ${attempt.latencyMs} ms` : `answered ${attempt.statusCode} in ${attempt.latencyMs} ms`;
  return attempt.error ? `${answer}: ${attempt.error}` : answer;
}

/** A delivery in a few words: its state and its last attempt. */
export function describeDelivery(delivery: WebhookDelivery): string {
  const last = delivery.attempts[delivery.attempts.length - 1];
  return `${STATUS[delivery.status].label.toLowerCase()}${last ? `, ${describeAttempt(last)}` : ''}`;
}

/** An endpoint's deliveries, newest first, each with every attempt, when the next one is, and "Resend". `round` changes to read them again. */
export function DeliveryLog({ endpointId, round, backend, canResend, locale }: { endpointId: string; round: number; backend: BackendClient; canResend: boolean; locale: string }) {
  const { loaded, reload, update } = useLoaded(() => backend.webhookDeliveries(endpointId, { limit: PAGE_SIZE }), `${endpointId}-${round}`);
  const { busy, run, banner } = useAction<string>();
  const [more, setMore] = useState<'idle' | 'loading'>('idle');

  const resend = (delivery: WebhookDelivery) =>
    void run(delivery.id, async () => {
      const sent = await backend.resendWebhookDelivery(delivery.id);
      // A resend may queue the same delivery again or start a new one: show it either way.
      update((page) => ({ ...page, data: page.data.some((each) => each.id === sent.id) ? page.data.map((each) => (each.id === sent.id ? sent : each)) : [sent, ...page.data] }));
      return `Resent ${delivery.eventType}: ${describeDelivery(sent)}.`;
    });

  async function loadMore(after: string) {
    setMore('loading');
    await run('more', async () => {
      const next = await backend.webhookDeliveries(endpointId, { limit: PAGE_SIZE, startingAfter: after });
      update((page) => ({ ...next, data: [...page.data, ...next.data] }));
      return null;
    });
    setMore('idle');
  }

  if (loaded.state === 'loading') return <Loading what="the delivery log" />;
  if (loaded.state === 'error') return <LoadFailed message={loaded.message} onRetry={reload} />;
  const deliveries = loaded.data.data;
  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      {banner}
      {deliveries.length === 0 && <Empty>No events sent to this endpoint yet. Send a test event to try it.</Empty>}
      {deliveries.map((delivery) => (
        <Box key={delivery.id} css={{ stack: 'y', gap: 'xsmall', padding: 'small' }}>
          <Box css={{ stack: 'x', gap: 'small', alignY: 'center' }}>
            <Inline css={{ font: 'bodyEmphasized' }}>{`${delivery.eventType} · ${formatWhen(delivery.createdAt, locale)}`}</Inline>
            <Badge type={STATUS[delivery.status].badge}>{STATUS[delivery.status].label}</Badge>
          </Box>
          {delivery.attempts.map((attempt, index) => (
            <Inline key={attempt.at} css={{ font: 'caption' }}>{`Attempt ${index + 1} · ${formatWhen(attempt.at, locale)} · ${describeAttempt(attempt)}`}</Inline>
          ))}
          {delivery.nextAttemptAt && <Inline css={{ font: 'caption', color: 'secondary' }}>{`Next attempt ${formatWhen(delivery.nextAttemptAt, locale)}`}</Inline>}
          {canResend && delivery.status !== 'pending' && (
            <Button size="small" disabled={busy !== null} pending={busy === delivery.id} onPress={() => resend(delivery)}>Resend</Button>
          )}
        </Box>
      ))}
      {loaded.data.hasMore && deliveries.length > 0 && (
        <Button size="small" pending={more === 'loading'} onPress={() => void loadMore(deliveries[deliveries.length - 1]!.id)}>Older deliveries</Button>
      )}
    </Box>
  );
}
