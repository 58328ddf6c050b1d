import { Box, Inline, List, ListItem } from '@stripe/ui-extension-sdk/ui';
import type { DashboardStats } from '../../api/contract';
import { formatRate } from '../../format';
import { Empty } from '../../shared/states';

/** "38 (95%)": a count with its share of the emails sent. */
function ofSent(count: number, sent: number): string {
  return `${count} (${formatRate(count / sent)})`;
}

/** This month's recovery emails: how many went out, reached the inbox, were opened, clicked, or bounced. */
export function EmailCard({ emails }: { emails: DashboardStats['emails'] }) {
  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <Inline css={{ font: 'subheading' }}>Recovery emails this month</Inline>
      {emails.sent === 0 ? (
        <Empty>No recovery emails sent this month.</Empty>
      ) : (
        <List>
          <ListItem id="emails-sent" title="Sent" secondaryTitle="In test mode: recorded, not sent to customers" value={String(emails.sent)} />
          <ListItem id="emails-delivered" title="Delivered" value={ofSent(emails.delivered, emails.sent)} />
          <ListItem id="emails-opened" title="Opened" value={ofSent(emails.opened, emails.sent)} />
          <ListItem id="emails-clicked" title="Clicked" secondaryTitle="Opened the card-update link or another link" value={ofSent(emails.clicked, emails.sent)} />
          <ListItem id="emails-bounced" title="Bounced" value={ofSent(emails.bounced, emails.sent)} />
        </List>
      )}
    </Box>
  );
}
