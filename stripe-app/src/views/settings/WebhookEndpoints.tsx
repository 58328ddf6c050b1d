import { Box, Button, Inline } from '@stripe/ui-extension-sdk/ui';
import { useState } from 'react';
import type { BackendClient } from '../../api/backendClient';
import type { WebhookEndpoint, WebhookEndpointWithSecret } from '../../api/contract';
import { useLoaded } from '../../shared/backend';
import { Empty, LoadFailed, Loading } from '../../shared/states';
import { useAction } from '../../shared/useAction';
import { EndpointForm } from './EndpointForm';
import { SecretShown } from './SecretShown';
import { WebhookEndpointItem } from './WebhookEndpointItem';

/** Settings section: the merchant's webhook endpoints, each with its signing secret, test event and delivery log. */
export function WebhookEndpoints({ backend, canChange, locale }: { backend: BackendClient; canChange: boolean; locale: string }) {
  const { loaded, reload, update: setItems } = useLoaded(async () => (await backend.webhookEndpoints()).data, 'webhook-endpoints');
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<{ shown: WebhookEndpointWithSecret; rotated: boolean } | null>(null);
  const { busy, run, banner } = useAction<'create'>();

  const showSecret = (shown: WebhookEndpointWithSecret, rotated: boolean) => setSecret({ shown, rotated });
  const replaceEndpoint = (next: WebhookEndpoint) => setItems((before) => before.map((each) => (each.id === next.id ? next : each)));

  async function create(fields: { url: string; description: string; enabledEvents: string[] }) {
    const created = await run('create', async () => {
      const answer = await backend.createWebhookEndpoint({ url: fields.url, enabledEvents: fields.enabledEvents, ...(fields.description ? { description: fields.description } : {}) });
      const { secret: _secret, ...endpoint } = answer;
      setItems((before) => [...before, endpoint]);
      showSecret(answer, false);
      return null;
    });
    if (created) setAdding(false);
  }

  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <Inline css={{ font: 'heading' }}>Webhook endpoints</Inline>
      <Inline css={{ color: 'secondary' }}>We post a signed event to each endpoint when a recovery case changes, so your systems can grant or cut access, update your CRM or alert your team.</Inline>
      {banner}
      {secret && (
        <SecretShown url={secret.shown.url} secret={secret.shown.secret} previousSignsUntil={secret.rotated ? secret.shown.secretRotationEndsAt : null} locale={locale} onDismiss={() => setSecret(null)} />
      )}
      {loaded.state === 'loading' && <Loading what="your webhook endpoints" />}
      {loaded.state === 'error' && <LoadFailed message={loaded.message} onRetry={reload} />}
      {loaded.state === 'ready' && loaded.data.length === 0 && <Empty>No webhook endpoints yet: add one to have your systems told when a recovery case changes.</Empty>}
      {loaded.state === 'ready' &&
        loaded.data.map((endpoint) => (
          <WebhookEndpointItem
            key={endpoint.id}
            endpoint={endpoint}
            backend={backend}
            canChange={canChange}
            locale={locale}
            onChanged={replaceEndpoint}
            onDeleted={(id) => setItems((before) => before.filter((each) => each.id !== id))}
            onSecret={(shown) => showSecret(shown, true)}
          />
        ))}
      {canChange && loaded.state === 'ready' && !adding && <Button onPress={() => setAdding(true)}>Add endpoint</Button>}
      {canChange && adding && (
        <EndpointForm initial={{ url: '', description: '', enabledEvents: [] }} submitLabel="Add endpoint" busy={busy === 'create'} onSubmit={(fields) => void create(fields)} onCancel={() => setAdding(false)} />
      )}
    </Box>
  );
}
