import { Banner, Box, Button, Inline } from '@stripe/ui-extension-sdk/ui';
import { useContext, useState, type ReactNode } from 'react';
import { ClipboardContext, copyToClipboard } from './clipboard';

/**
 * A secret the backend tells only once (a signing secret, a webhook password), with a copy button;
 * dismissing it forgets it. `what` names it in the fallback when the clipboard is not available.
 */
export function ShownOnce({ title, value, what, onDismiss, children }: { title: string; value: string; what: string; onDismiss: () => void; children?: ReactNode }) {
  const copyText = useContext(ClipboardContext);
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <Box css={{ stack: 'y', gap: 'xsmall' }}>
      <Banner
        type="caution"
        title={title}
        description={value}
        onDismiss={onDismiss}
        actions={
          <Button size="small" onPress={() => void copyToClipboard(copyText, value).then(setCopied)}>
            {`Copy ${what}`}
          </Button>
        }
      />
      {children}
      {copied === true && <Inline>Copied.</Inline>}
      {copied === false && <Inline css={{ color: 'critical' }}>{`The clipboard is not available here: select the ${what} and copy it.`}</Inline>}
    </Box>
  );
}
