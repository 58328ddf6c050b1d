import type { Logger } from 'pino';
import type { OutboundEventSink } from './outboundEvent';

/**
 * The sink until webhook delivery is wired in (issue 13): it only writes each
 * event to the debug log, so the outbox drains and the stats stay current.
 */
export function createLogOnlyEventSink(logger: Logger): OutboundEventSink {
  return {
    async publish(events) {
      for (const event of events) {
        const caseId = (event.data.object as { id?: unknown }).id;
        logger.debug({ eventId: event.id, type: event.type, sequence: event.sequence, accountId: event.account, caseId }, 'outbound event (not delivered: log-only sink)');
      }
    },
  };
}
