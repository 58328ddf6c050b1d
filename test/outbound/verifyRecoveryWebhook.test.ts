import { readFileSync } from 'node:fs';
import { signatureHeader, verifyRecoveryWebhook } from '../../backend/src/outbound';

const body = JSON.stringify({ id: 'evt_rec_1', object: 'event', type: 'recovery.succeeded', sequence: 3 });
const secret = 'whsec_test_current';
const at = new Date('2026-03-01T12:00:00Z');

describe('verifyRecoveryWebhook', () => {
  it('accepts a body signed with the secret within five minutes', () => {
    const header = signatureHeader(body, [secret], at);
    expect(verifyRecoveryWebhook(body, header, secret, { now: new Date(at.getTime() + 299_000) })).toEqual({ valid: true, timestamp: at.getTime() / 1000 });
    expect(verifyRecoveryWebhook(Buffer.from(body), header, secret, { now: at }).valid).toBe(true);
  });

  it('refuses a body changed after signing', () => {
    const header = signatureHeader(body, [secret], at);
    expect(verifyRecoveryWebhook(body.replace('"sequence":3', '"sequence":4'), header, secret, { now: at })).toEqual({ valid: false, reason: 'no_matching_signature' });
  });

  it('refuses a signature made with another secret', () => {
    const header = signatureHeader(body, ['whsec_someone_else'], at);
    expect(verifyRecoveryWebhook(body, header, secret, { now: at })).toEqual({ valid: false, reason: 'no_matching_signature' });
  });

  it('refuses a signature older than the tolerance (a replay), and honours a wider tolerance', () => {
    const header = signatureHeader(body, [secret], at);
    const later = new Date(at.getTime() + 301_000);
    expect(verifyRecoveryWebhook(body, header, secret, { now: later })).toEqual({ valid: false, reason: 'timestamp_outside_tolerance' });
    expect(verifyRecoveryWebhook(body, header, secret, { now: later, toleranceSeconds: 600 }).valid).toBe(true);
  });

  it('accepts either secret while a rotation overlaps (one v1 per secret)', () => {
    const header = signatureHeader(body, ['whsec_new', 'whsec_old'], at);
    expect(header.match(/v1=/g)).toHaveLength(2);
    expect(verifyRecoveryWebhook(body, header, 'whsec_new', { now: at }).valid).toBe(true);
    expect(verifyRecoveryWebhook(body, header, 'whsec_old', { now: at }).valid).toBe(true);
    expect(verifyRecoveryWebhook(body, header, 'whsec_other', { now: at }).valid).toBe(false);
  });

  it.each([[undefined], [''], ['v1=abc'], ['t=1,t=2,v1=' + 'a'.repeat(64)], ['t=abc,v1=' + 'a'.repeat(64)]])('calls header %p malformed', (header) => {
    expect(verifyRecoveryWebhook(body, header, secret, { now: at })).toEqual({ valid: false, reason: 'malformed_header' });
  });

  it('depends on nothing but node:crypto, so receivers can copy the file', () => {
    const source = readFileSync(require.resolve('../../backend/src/outbound/verifyRecoveryWebhook'), 'utf8');
    expect(source.match(/^import .* from '([^']+)';$/gm)).toEqual(["import { createHmac, timingSafeEqual } from 'node:crypto';"]);
  });
});
