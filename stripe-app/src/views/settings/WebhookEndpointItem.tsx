import { Badge, Banner, Box, Button, Inline } from '@stripe/ui-extension-sdk/ui';
import { useState } from 'react';
import type { BackendClient } from '../../api/backendClient';
import type { WebhookEndpoint, WebhookEndpointChange, WebhookEndpointWithSecret } from '../../api/contract';
import { formatWhen } from '../../format';
import { useAction } from '../../shared/useAction';
import { WholeNumberField } from '../../shared/WholeNumberField';
import { DeliveryLog, describeDelivery } from './DeliveryLog';
import { describeEvents, EndpointForm, type EndpointFields } from './EndpointForm';

type Action = 'edit' | 'status' | 'delete' | 'rotate' | 'ping';
/** What the endpoint's block shows below its summary: nothing, or one form or question at a time. */
type Open = 'none' | 'edit' | 'confirm_delete' | 'rotate';

const DEFAULT_OVERLAP_HOURS = 24;

/** Only what the merchant changed goes to the backend, so an untouched field is never rewritten. */
function changesTo(endpoint: WebhookEndpoint, fields: EndpointFields): WebhookEndpointChange {
  const sameEvents = fields.enabledEvents.length === endpoint.enabledEvents.length && fields.enabledEvents.every((type) => endpoint.enabledEvents.includes(type));
  return {
    ...(fields.url !== endpoint.url ? { url: fields.url } : {}),
    ...(fields.description !== (endpoint.description ?? '') ? { description: fields.description } : {}),
    ...(sameEvents ? {} : { enabledEvents: fields.enabledEvents }),
  };
}

/** One endpoint: what it receives, why it is off, and the merchant's controls (edit, enable or disable, delete, rotate the secret, test event, delivery log). */
export function WebhookEndpointItem({ endpoint, backend, canChange, locale, onChanged, onDeleted, onSecret }: {
  endpoint: WebhookEndpoint;
  backend: BackendClient;
  canChange: boolean;
  locale: string;
  onChanged: (next: WebhookEndpoint) => void;
  onDeleted: (id: string) => void;
  onSecret: (shown: WebhookEndpointWithSecret) => void;
}) {
  const { busy, run, banner } = useAction<Action>();
  const [open, setOpen] = useState<Open>('none');
  const [overlapHours, setOverlapHours] = useState(DEFAULT_OVERLAP_HOURS);
  const [showLog, setShowLog] = useState(false);
  const [logRound, setLogRound] = useState(0);
  const enabled = endpoint.status === 'enabled';

  const edit = (fields: EndpointFields) =>
    void run('edit', async () => {
      onChanged(await backend.updateWebhookEndpoint(endpoint.id, changesTo(endpoint, fields)));
      setOpen('none');
      return 'Endpoint saved.';
    });
  const switchStatus = () =>
    void run('status', async () => {
      onChanged(await backend.updateWebhookEndpoint(endpoint.id, { status: enabled ? 'disabled' : 'enabled' }));
      return enabled ? 'Endpoint disabled: no events go to it until you enable it.' : 'Endpoint enabled.';
    });
  const remove = () =>
    void run('delete', async () => {
      await backend.deleteWebhookEndpoint(endpoint.id);
      onDeleted(endpoint.id);
      return null;
    });
  const rotate = () =>
    void run('rotate', async () => {
      const rotated = await backend.rotateWebhookSecret(endpoint.id, overlapHours);
      const { secret: _secret, ...next } = rotated;
      onChanged(next);
      onSecret(rotated);
      setOpen('none');
      return null;
    });
  const ping = () =>
    void run('ping', async () => {
      const { delivery } = await backend.pingWebhookEndpoint(endpoint.id);
      setLogRound((round) => round + 1);
      return `Test event sent: ${describeDelivery(delivery)}.`;
    });

  return (
    <Box css={{ stack: 'y', gap: 'small', padding: 'small', borderRadius: 'medium', backgroundColor: 'container' }}>
      <Box css={{ stack: 'x', gap: 'small', alignY: 'center' }}>
        <Inline css={{ font: 'subheading' }}>{endpoint.url}</Inline>
        <Badge type={enabled ? 'positive' : 'negative'}>{enabled ? 'Enabled' : 'Disabled'}</Badge>
      </Box>
      {endpoint.description && <Inline>{endpoint.description}</Inline>}
      <Inline css={{ color: 'secondary' }}>{`Events: ${describeEvents(endpoint.enabledEvents)}`}</Inline>
      {endpoint.disabledReason && <Banner type="critical" title={`Disabled after 3 days of failed deliveries: ${endpoint.disabledReason}`} description="Fix your receiver, then enable the endpoint again and resend what it missed from the delivery log." />}
      {endpoint.secretRotationEndsAt && <Inline css={{ color: 'secondary' }}>{`The previous signing secret also signs until ${formatWhen(endpoint.secretRotationEndsAt, locale)}.`}</Inline>}
      {banner}

      {canChange && open === 'none' && (
        <Box css={{ stack: 'x', gap: 'small', wrap: 'wrap' }}>
          <Button size="small" disabled={busy !== null} onPress={() => setOpen('edit')}>Edit</Button>
          <Button size="small" disabled={busy !== null} pending={busy === 'status'} onPress={switchStatus}>{enabled ? 'Disable' : 'Enable'}</Button>
          <Button size="small" disabled={busy !== null || !enabled} pending={busy === 'ping'} onPress={ping}>Send test event</Button>
          <Button size="small" disabled={busy !== null} onPress={() => setOpen('rotate')}>Rotate secret</Button>
          <Button size="small" type="destructive" disabled={busy !== null} onPress={() => setOpen('confirm_delete')}>Delete</Button>
        </Box>
      )}
      {open === 'edit' && (
        <EndpointForm initial={{ url: endpoint.url, description: endpoint.description ?? '', enabledEvents: endpoint.enabledEvents }} submitLabel="Save endpoint" busy={busy === 'edit'} onSubmit={edit} onCancel={() => setOpen('none')} />
      )}
      {open === 'rotate' && (
        <Box css={{ stack: 'y', gap: 'small' }}>
          <WholeNumberField label="Keep the old secret signing for (hours)" description="During the overlap each event carries both signatures, so your receiver can switch without missing one." value={overlapHours} disabled={false} onValue={setOverlapHours} />
          <Box css={{ stack: 'x', gap: 'small' }}>
            <Button type="primary" disabled={Number.isNaN(overlapHours) || busy !== null} pending={busy === 'rotate'} onPress={rotate}>Rotate now</Button>
            <Button onPress={() => setOpen('none')}>Cancel</Button>
          </Box>
        </Box>
      )}
      {open === 'confirm_delete' && (
        <Box css={{ stack: 'y', gap: 'small' }}>
          <Inline>{`Delete ${endpoint.url}? Events stop going to it at once, and this cannot be undone.`}</Inline>
          <Box css={{ stack: 'x', gap: 'small' }}>
            <Button type="destructive" pending={busy === 'delete'} onPress={remove}>Delete endpoint</Button>
            <Button onPress={() => setOpen('none')}>Keep it</Button>
          </Box>
        </Box>
      )}

      <Button size="small" onPress={() => setShowLog((shown) => !shown)}>{showLog ? 'Hide delivery log' : 'Show delivery log'}</Button>
      {showLog && <DeliveryLog endpointId={endpoint.id} round={logRound} backend={backend} canResend={canChange} locale={locale} />}
    </Box>
  );
}
