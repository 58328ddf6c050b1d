import { decideAfterFailure } from '../../backend/src/outbound';

const start = new Date('2026-03-01T00:00:00Z');
const minutes = (at: Date) => (at.getTime() - start.getTime()) / 60_000;

describe('webhook retry schedule', () => {
  it('backs off from one minute, doubling up to 12 hours, and gives up after 3 days', () => {
    const retries: number[] = [];
    let now = start;
    for (let failed = 1; failed < 100; failed += 1) {
      const next = decideAfterFailure({ windowStartedAt: start, failedAttempts: failed, now });
      if (next.kind === 'abandon') {
        expect(next.reason).toBe(`no successful delivery in 3 days (${failed} attempts)`);
        break;
      }
      retries.push(minutes(next.at));
      now = next.at;
    }
    expect(retries).toEqual([1, 3, 7, 15, 31, 63, 127, 255, 511, 1023, 1743, 2463, 3183, 3903]);
  });

  it('abandons when the next try would fall after the 3-day window', () => {
    expect(decideAfterFailure({ windowStartedAt: start, failedAttempts: 3, now: new Date(start.getTime() + 72 * 3_600_000 - 60_000) }).kind).toBe('abandon');
    expect(decideAfterFailure({ windowStartedAt: start, failedAttempts: 1, now: new Date(start.getTime() + 71 * 3_600_000) })).toEqual({ kind: 'retry', at: new Date(start.getTime() + 71 * 3_600_000 + 60_000) });
  });
});
