import { Box, Button, Checkbox, Inline, TextField } from '@stripe/ui-extension-sdk/ui';
import { useState } from 'react';
import { OUTBOUND_EVENT_TYPES, type OutboundEventType } from '../../api/contract';

/** What each event tells the merchant's systems, next to its name in the picker. */
const EVENT_DESCRIPTIONS: Record<OutboundEventType, string> = {
  'recovery.case_opened': 'A failed payment became a recovery case.',
  'recovery.retry_failed': 'One of our retries was declined.',
  'recovery.blocked': 'Recovery waits for the customer: a card-network rule or the decline forbids retrying this card.',
  'recovery.needs_attention': 'You should look: the customer’s email bounces, or they must authenticate.',
  'recovery.succeeded': 'The money came back (with how).',
  'recovery.failed': 'The case ended without the money: exhausted, churned or canceled.',
  'recovery.email_bounced': 'A dunning email bounced or was marked as spam.',
  'customer.renewal_at_risk': 'An upcoming renewal’s risk score reached your alert threshold (once per renewal).',
  ping: 'The test event you send from here.',
};

export const ALL_EVENTS = '*';

export function describeEvents(enabledEvents: string[]): string {
  return enabledEvents.includes(ALL_EVENTS) ? 'All events' : enabledEvents.join(', ');
}

export interface EndpointFields {
  url: string;
  description: string;
  enabledEvents: string[];
}

/** Adding or editing an endpoint: its URL, a note for the merchant, and the events it receives (`['*']`: all, including ones added later). */
export function EndpointForm({ initial, submitLabel, busy, onSubmit, onCancel }: { initial: EndpointFields; submitLabel: string; busy: boolean; onSubmit: (fields: EndpointFields) => void; onCancel?: () => void }) {
  const [fields, setFields] = useState(initial);
  const all = fields.enabledEvents.includes(ALL_EVENTS);
  const toggle = (type: string, checked: boolean) =>
    setFields((before) => ({ ...before, enabledEvents: checked ? [...before.enabledEvents, type] : before.enabledEvents.filter((each) => each !== type) }));
  const ready = fields.url.trim() !== '' && fields.enabledEvents.length > 0;
  return (
    <Box css={{ stack: 'y', gap: 'small', padding: 'small', borderRadius: 'medium', backgroundColor: 'container' }}>
      <TextField label="Endpoint URL (https)" value={fields.url} onChange={(event) => setFields((before) => ({ ...before, url: event.target.value }))} />
      <TextField label="Description (optional)" value={fields.description} onChange={(event) => setFields((before) => ({ ...before, description: event.target.value }))} />
      <Inline css={{ font: 'subheading' }}>Events to send</Inline>
      <Checkbox label="All events, including ones added later" checked={all} onChange={(event) => setFields((before) => ({ ...before, enabledEvents: event.target.checked ? [ALL_EVENTS] : [] }))} />
      {OUTBOUND_EVENT_TYPES.map((type) => (
        <Checkbox key={type} label={type} description={EVENT_DESCRIPTIONS[type]} disabled={all} checked={all || fields.enabledEvents.includes(type)} onChange={(event) => toggle(type, event.target.checked)} />
      ))}
      <Box css={{ stack: 'x', gap: 'small' }}>
        <Button type="primary" disabled={!ready || busy} pending={busy} onPress={() => onSubmit({ ...fields, url: fields.url.trim(), description: fields.description.trim() })}>{submitLabel}</Button>
        {onCancel && <Button onPress={onCancel}>Cancel</Button>}
      </Box>
    </Box>
  );
}
