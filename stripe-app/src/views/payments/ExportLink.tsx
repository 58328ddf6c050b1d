import { Box, Button, Inline, Link } from '@stripe/ui-extension-sdk/ui';
import { useState } from 'react';
import type { BackendClient } from '../../api/backendClient';
import type { ExportLink as ExportLinkAnswer, PaymentFilter } from '../../api/contract';
import { formatWhen } from '../../format';
import { useAction } from '../../shared/useAction';

/**
 * The CSV export of the filtered payments. A download cannot carry the App's
 * signature, so the backend hands out a link that works alone for 5 minutes,
 * bound to this account, mode and these filters.
 */
export function ExportLink({ backend, filter, locale }: { backend: BackendClient; filter: PaymentFilter; locale: string }) {
  const { busy, run, banner } = useAction<'export'>();
  const [link, setLink] = useState<{ forFilter: string; link: ExportLinkAnswer } | null>(null);
  const current = link?.forFilter === JSON.stringify(filter) ? link.link : null;
  const prepare = () =>
    run('export', async () => {
      setLink({ forFilter: JSON.stringify(filter), link: await backend.exportLink(filter) });
      return null;
    });
  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      {banner}
      <Box css={{ stack: 'x', gap: 'small', alignY: 'center' }}>
        <Button size="small" pending={busy === 'export'} onPress={() => void prepare()}>
          {current ? 'New CSV link' : 'Export CSV'}
        </Button>
        {current && (
          <Link href={current.url} target="_blank" external>
            Download CSV
          </Link>
        )}
      </Box>
      {current && <Inline css={{ font: 'caption', color: 'secondary' }}>{`The link works until ${formatWhen(current.expiresAt, locale)}, for these filters only.`}</Inline>}
    </Box>
  );
}
