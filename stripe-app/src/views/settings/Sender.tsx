import { Banner, Box, Button, Inline, TextField } from '@stripe/ui-extension-sdk/ui';
import { useState } from 'react';
import type { BackendClient } from '../../api/backendClient';
import type { MerchantSettings, PostmarkWebhookCredentials } from '../../api/contract';
import { ShownOnce } from '../../shared/ShownOnce';
import { useAction } from '../../shared/useAction';

export const CREDENTIALS_SHOWN_ONCE = 'Copy this password now: it won’t be shown again.';

/**
 * Settings section: who the emails come from (From name, From address,
 * Reply-To), which sender applies and why, the merchant's own Postmark server
 * (its token is write-only: only whether one is set and the server's name come
 * back), and the webhook URL and credentials to paste into that server.
 * Saved on its own, so a refused token never holds up the rest of the settings.
 */
export function Sender({ saved, backend, canChange, onSaved }: { saved: MerchantSettings; backend: BackendClient; canChange: boolean; onSaved: (next: MerchantSettings) => void }) {
  const [fromName, setFromName] = useState(saved.sender.fromName ?? '');
  const [fromAddress, setFromAddress] = useState(saved.sender.fromAddress ?? '');
  const [replyTo, setReplyTo] = useState(saved.sender.replyTo ?? '');
  const [token, setToken] = useState('');
  const [credentials, setCredentials] = useState<{ shown: PostmarkWebhookCredentials; rotated: boolean } | null>(null);
  const { busy, run, banner } = useAction<'save' | 'remove' | 'rotate'>();
  const { sender, postmark } = saved;

  const save = (change: { postmarkServerToken?: string | null }, name: 'save' | 'remove') =>
    run(name, async () => {
      const next = await backend.saveSettings({
        sender: { fromName: fromName.trim() || null, fromAddress: fromAddress.trim() || null, replyTo: replyTo.trim() || null },
        ...change,
      });
      const { postmarkWebhookCredentials, ...settings } = next;
      onSaved(settings);
      setToken('');
      if (postmarkWebhookCredentials) setCredentials({ shown: postmarkWebhookCredentials, rotated: false });
      return name === 'remove' ? 'Your Postmark server is no longer used.' : 'Sender saved.';
    });

  const rotate = () =>
    run('rotate', async () => {
      const { object: _object, ...shown } = await backend.rotatePostmarkWebhookCredentials();
      setCredentials({ shown, rotated: true });
      return null;
    });

  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <Inline css={{ font: 'heading' }}>Sender</Inline>
      {banner}
      <Box css={{ stack: 'y', gap: 'xsmall', padding: 'small', backgroundColor: 'container' }}>
        <Inline>{`Emails come from ${sender.effectiveFrom}${sender.effectiveReplyTo ? `; replies go to ${sender.effectiveReplyTo}` : ''}.`}</Inline>
        <Inline css={{ color: 'secondary' }}>{sender.explanation}</Inline>
      </Box>
      {sender.lastRefusal && (
        <Banner
          type="critical"
          title="Postmark refused this From address"
          description={`${sender.lastRefusal.message} Emails wait until it is confirmed on the sending server (we try again hourly), or until you change the address.`}
        />
      )}
      <TextField label="From name" placeholder={saved.branding.merchantName} value={fromName} disabled={!canChange} onChange={(event) => setFromName(event.target.value)} />
      <TextField label="From address" type="email" value={fromAddress} disabled={!canChange} onChange={(event) => setFromAddress(event.target.value)} />
      <TextField label="Reply-To" type="email" placeholder={saved.branding.supportEmail ?? ''} value={replyTo} disabled={!canChange} onChange={(event) => setReplyTo(event.target.value)} />

      <Inline css={{ font: 'subheading' }}>Your own Postmark server</Inline>
      <Inline css={{ color: 'secondary' }}>
        {postmark.configured ? `Your Postmark server${postmark.serverName ? ` “${postmark.serverName}”` : ''} sends the emails, from the address above.` : 'Emails go out through our Postmark server.'}
      </Inline>
      <TextField
        label={postmark.configured ? 'Replace the server token' : 'Postmark server token (optional)'}
        description="We check it with Postmark before we store it, encrypted; it is never shown again. Your From address must be confirmed on that server."
        type="password"
        value={token}
        disabled={!canChange}
        onChange={(event) => setToken(event.target.value)}
      />
      {canChange && (
        <Box css={{ stack: 'x', gap: 'small' }}>
          <Button type="primary" disabled={busy !== null} onPress={() => void save(token.trim() ? { postmarkServerToken: token.trim() } : {}, 'save')}>
            Save sender
          </Button>
          {postmark.configured && (
            <Button type="destructive" disabled={busy !== null} onPress={() => void save({ postmarkServerToken: null }, 'remove')}>
              Stop using my Postmark server
            </Button>
          )}
        </Box>
      )}

      {credentials && <CredentialsShown credentials={credentials.shown} rotated={credentials.rotated} onDismiss={() => setCredentials(null)} />}
      {postmark.webhook && (
        <Box css={{ stack: 'y', gap: 'xsmall' }}>
          <Inline css={{ font: 'subheading' }}>Webhooks from your Postmark server</Inline>
          <Inline css={{ color: 'secondary' }}>In Postmark, add a webhook to this URL with basic auth, for Delivery, Bounce, Spam complaint, Open, Click and Subscription change.</Inline>
          <Inline>{`URL: ${postmark.webhook.url}`}</Inline>
          <Inline>{`User name: ${postmark.webhook.username}`}</Inline>
          {canChange && (
            <Button size="small" disabled={busy !== null} onPress={() => void rotate()}>
              New credentials
            </Button>
          )}
        </Box>
      )}
    </Box>
  );
}

/** The webhook password, shown the one time the backend tells it; dismissing it forgets it. */
function CredentialsShown({ credentials, rotated, onDismiss }: { credentials: PostmarkWebhookCredentials; rotated: boolean; onDismiss: () => void }) {
  return (
    <ShownOnce title={CREDENTIALS_SHOWN_ONCE} value={credentials.password} what="password" onDismiss={onDismiss}>
      <Inline css={{ color: 'secondary' }}>{`In Postmark, use it with the user name ${credentials.username} for webhooks to ${credentials.url}.${rotated ? ' The previous credentials no longer work.' : ''}`}</Inline>
    </ShownOnce>
  );
}
