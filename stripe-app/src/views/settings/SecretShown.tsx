import { Banner, Box, Button, Inline } from '@stripe/ui-extension-sdk/ui';
import { useContext, useState } from 'react';
import { formatWhen } from '../../format';
import { ClipboardContext, copyToClipboard } from '../../shared/clipboard';

export const SECRET_SHOWN_ONCE = 'Copy this signing secret now: it won’t be shown again.';

/** A new signing secret, shown the one time the backend tells it; dismissing it forgets it. */
export function SecretShown({ url, secret, previousSignsUntil, locale, onDismiss }: { url: string; secret: string; previousSignsUntil: string | null; locale: string; onDismiss: () => void }) {
  const copyText = useContext(ClipboardContext);
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <Box css={{ stack: 'y', gap: 'xsmall' }}>
      <Banner
        type="caution"
        title={SECRET_SHOWN_ONCE}
        description={secret}
        onDismiss={onDismiss}
        actions={
          <Button size="small" onPress={() => void copyToClipboard(copyText, secret).then(setCopied)}>
            Copy secret
          </Button>
        }
      />
      <Inline css={{ color: 'secondary' }}>{`Signs the events sent to ${url}; check the Recovery-Signature header with it.`}</Inline>
      {previousSignsUntil && <Inline css={{ color: 'secondary' }}>{`The previous secret also signs each event until ${formatWhen(previousSignsUntil, locale)}, so you can switch your receiver over.`}</Inline>}
      {copied === true && <Inline>Copied.</Inline>}
      {copied === false && <Inline css={{ color: 'critical' }}>The clipboard is not available here: select the secret and copy it.</Inline>}
    </Box>
  );
}
