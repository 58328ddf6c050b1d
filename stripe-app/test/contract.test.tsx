import { OUTBOUND_EVENT_TYPES as backendEventTypes } from '../../backend/src/outbound/outboundEvent';
import { OUTBOUND_EVENT_TYPES } from '../src/api/contract';

describe('The App’s contract with the backend', () => {
  it('offers exactly the outbound event types the backend sends, in its order', () => {
    expect([...OUTBOUND_EVENT_TYPES]).toEqual([...backendEventTypes]);
  });
});
