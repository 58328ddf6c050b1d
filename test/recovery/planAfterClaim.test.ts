import type { RecordedCardAttempt } from '../../backend/src/cardLedger';
import { beginAttempt, pendingAttempt, type RecoveryCase } from '../../backend/src/recovery';
import { mayChargeAfterClaim } from '../../backend/src/recovery/cardTurn';
import type { Change } from '../../backend/src/recovery/stepWrites';
import { DEFAULT_NETWORK_LIMITS, type CardAttempt, type RetryDecision } from '../../backend/src/retryPolicy';
import { at, openedCase } from '../support/caseBuilders';

/**
 * A step that plans to retry now claims the case (its attempt on record) and
 * only then reads the card's attempts; it plans again on that read. These are
 * the step's writes when that plan no longer retries now: the attempt, never
 * sent to Stripe, is taken back in the write that gives the case back, or, when
 * the plan ends the case, in a write of its own before the end action runs.
 */
const now = at(3);
const before = openedCase();
const begun = beginAttempt(before, 'schedule', null, now);

/** The step's writes as plain records: each change applied to the case as the database has it. */
function recordedWrites() {
  let stored: RecoveryCase = begun.case;
  const writes: Array<{ kind: 'claim' | 'release'; written: RecoveryCase }> = [];
  return {
    writes,
    claim: async (change: Change = (fresh) => fresh) => {
      stored = change(stored) ?? stored;
      writes.push({ kind: 'claim', written: stored });
      return stored;
    },
    release: async (change: (fresh: RecoveryCase) => RecoveryCase = (fresh) => fresh) => {
      stored = change(stored);
      writes.push({ kind: 'release', written: stored });
      return stored;
    },
  };
}

/** The card's attempts as read after the claim: one decline of ours an hour ago. */
const declineAnHourAgo: RecordedCardAttempt = {
  accountId: before.accountId,
  cardKey: 'fp:fp_1',
  brand: 'visa',
  attemptKey: 'other-case-attempt-1',
  at: new Date(now.getTime() - 3_600_000),
  outcome: 'declined',
  initiatedBy: 'merchant',
  source: 'ours',
  invoiceId: 'in_other',
  declineCode: 'insufficient_funds',
  adviceCode: null,
  networkAdviceCode: null,
};

async function afterClaim(decision: RetryDecision | null, writes: ReturnType<typeof recordedWrites>, ledger: RecordedCardAttempt[] = [declineAnHourAgo]) {
  const seen: CardAttempt[][] = [];
  const result = await mayChargeAfterClaim(
    writes,
    { otherChargeInFlight: async () => false, ledger: async () => ledger },
    {
      claimed: begun.case,
      attempt: begun.attempt,
      triedBefore: before.triedCards,
      newCard: null,
      charged: [],
      now,
      limits: DEFAULT_NETWORK_LIMITS,
      replan:
        decision === null ? null : (
          (history) => {
            seen.push(history);
            return decision;
          }
        ),
    },
  );
  return { result, seen };
}

describe('a claimed step whose plan, made on the read after its claim, does not retry now', () => {
  it("plans on the attempts that read found, after the renewal's own decline", async () => {
    const { seen } = await afterClaim({ kind: 'retry', at: now, reason: 'now' }, recordedWrites());
    expect(seen).toHaveLength(1);
    expect(seen[0]!.map((attempt) => attempt.at)).toEqual([before.lastFailedAt, declineAnHourAgo.at]);
  });

  it('charges when that plan still retries now, writing nothing more first', async () => {
    const writes = recordedWrites();
    const { result } = await afterClaim({ kind: 'retry', at: now, reason: 'now' }, writes);
    expect(result).toEqual({ kind: 'charge' });
    expect(writes.writes).toEqual([]);
  });

  it('gives the case back in one write, its attempt taken back and the later retry planned', async () => {
    const writes = recordedWrites();
    const later = new Date(now.getTime() + 86_400_000);
    const { result } = await afterClaim({ kind: 'retry', at: later, reason: 'Retrying tomorrow.' }, writes);
    expect(result).toEqual({ kind: 'taken_back' });
    expect(writes.writes).toHaveLength(1);
    const [released] = writes.writes;
    expect(released!.kind).toBe('release');
    expect(pendingAttempt(released!.written)).toBeNull();
    expect(released!.written.ourAttempts).toEqual([]);
    expect(released!.written.nextActionAt).toEqual(later);
  });

  it('takes the attempt back in a write that keeps the case, so the end action runs with no attempt a later step could replay as a charge', async () => {
    const writes = recordedWrites();
    const exhausted: RetryDecision = { kind: 'exhausted', reason: 'no morning falls inside the window', endAction: 'cancel_subscription' };
    const { result } = await afterClaim(exhausted, writes);
    expect(result).toEqual({ kind: 'conclude', decision: exhausted });
    expect(writes.writes.map((write) => write.kind)).toEqual(['claim']);
    expect(pendingAttempt(writes.writes[0]!.written)).toBeNull();
    expect(writes.writes[0]!.written.status).toBe('active');
  });
});

describe("a merchant's retry-now, which skips the plan, on the read after its claim", () => {
  it('is refused when a network rule forbids the card, its attempt taken back unsent in the release', async () => {
    // Another case's charge on this Visa was just declined "pick up card": Visa forbids any reattempt.
    const pickUp: RecordedCardAttempt = { ...declineAnHourAgo, attemptKey: 'other-case-attempt-2', declineCode: 'pickup_card' };
    const writes = recordedWrites();
    const { result } = await afterClaim(null, writes, [pickUp]);
    expect(result).toEqual({ kind: 'taken_back' });
    expect(writes.writes.map((write) => write.kind)).toEqual(['release']);
    const [released] = writes.writes;
    expect(pendingAttempt(released!.written)).toBeNull();
    expect(released!.written.timeline.at(-1)).toMatchObject({ kind: 'retry_refused', summary: expect.stringMatching(/^Retry refused: .*Visa forbids any reattempt/) });
  });

  it('is charged when no rule forbids the card', async () => {
    const writes = recordedWrites();
    expect((await afterClaim(null, writes)).result).toEqual({ kind: 'charge' });
    expect(writes.writes).toEqual([]);
  });
});
