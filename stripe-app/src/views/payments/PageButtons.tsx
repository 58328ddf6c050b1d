import { Box, Button, Inline } from '@stripe/ui-extension-sdk/ui';

/** Previous and Next under a paged list, with the page number; hidden when there is a single page. */
export function PageButtons({ page, previous, next, what }: { page: number; previous: (() => void) | null; next: (() => void) | null; what: string }) {
  if (!previous && !next) return null;
  return (
    <Box css={{ stack: 'x', gap: 'small', alignY: 'center', distribute: 'space-between' }}>
      <Button size="small" disabled={!previous} onPress={() => previous?.()}>
        Previous
      </Button>
      <Inline css={{ font: 'caption', color: 'secondary' }}>{`${what}, page ${page}`}</Inline>
      <Button size="small" disabled={!next} onPress={() => next?.()}>
        Next
      </Button>
    </Box>
  );
}
