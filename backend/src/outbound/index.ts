export * from './outboundEvent';
export { eventTypesCausedBy, eventsCausedBy, caseEventId, type DescribeCase } from './caseEvents';
export { consequencesOfSave, rollupEntryId, type SaveConsequences } from './caseOutbox';
export { createOutboxRelay, OUTBOX_RELAY_BATCH, type OutboxRelay } from './outboxRelay';
export { createLogOnlyEventSink } from './logOnlyEventSink';
