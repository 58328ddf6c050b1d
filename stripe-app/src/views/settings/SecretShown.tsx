import { Inline } from '@stripe/ui-extension-sdk/ui';
import { formatWhen } from '../../format';
import { ShownOnce } from '../../shared/ShownOnce';

export const SECRET_SHOWN_ONCE = 'Copy this signing secret now: it won’t be shown again.';

/** A new signing secret, shown the one time the backend tells it; dismissing it forgets it. */
export function SecretShown({ url, secret, previousSignsUntil, locale, onDismiss }: { url: string; secret: string; previousSignsUntil: string | null; locale: string; onDismiss: () => void }) {
  return (
    <ShownOnce title={SECRET_SHOWN_ONCE} value={secret} what="secret" onDismiss={onDismiss}>
      <Inline css={{ color: 'secondary' }}>{`Signs the events sent to ${url}; check the Recovery-Signature header with it.`}</Inline>
      {previousSignsUntil && <Inline css={{ color: 'secondary' }}>{`The previous secret also signs each event until ${formatWhen(previousSignsUntil, locale)}, so you can switch your receiver over.`}</Inline>}
    </ShownOnce>
  );
}
