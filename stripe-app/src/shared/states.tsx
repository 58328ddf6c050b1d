import { Banner, Box, Button, Spinner } from '@stripe/ui-extension-sdk/ui';

/** The loading, error and empty states every view shares. */

export function Loading({ what }: { what: string }) {
  return (
    <Box css={{ stack: 'x', gap: 'small', alignY: 'center', padding: 'medium' }}>
      <Spinner />
      Loading {what}…
    </Box>
  );
}

export function LoadFailed({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <Banner
      type="critical"
      title="Could not reach Payment Recovery"
      description={message}
      actions={
        <Button size="small" onPress={onRetry}>
          Try again
        </Button>
      }
    />
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <Box css={{ padding: 'medium', color: 'secondary' }}>{children}</Box>;
}
