import { markSending, type EmailSendMark, type RecoveryCase, type RecoveryService } from '../recovery';

/**
 * The database writes of the email job's turn on one case: one when nothing
 * goes out (planned for later, recorded in test mode), two when an email is
 * sent (its send mark, then its record).
 *
 * The turn decides on the case as the job read it, without a lease. Its
 * first write happens only if nobody wrote the case since that read;
 * otherwise nothing is written and the case, still due, is read again by a
 * later run (another worker's send mark is such a write: two workers never
 * send one step). A send's mark takes the email lease, so from then on the
 * turn holds the case, and its record re-applies on a fresh read when
 * someone (an event) wrote the case meanwhile.
 */
export interface EmailWrites {
  /** The case as the turn last read or wrote it. */
  current(): RecoveryCase;
  /** Marks the send and takes the email lease until `leaseUntil` (the turn's first write): the case as written, or null with nothing written. */
  mark(sending: EmailSendMark, leaseUntil: Date): Promise<RecoveryCase | null>;
  /** The turn's last write, giving the lease back: the case as written, or null when nothing was written. */
  release(change: (fresh: RecoveryCase) => RecoveryCase): Promise<RecoveryCase | null>;
  /** True once the turn wrote the case. */
  wrote(): boolean;
}

export function startEmailWrites(recovery: RecoveryService, read: RecoveryCase): EmailWrites {
  let written = read;
  let holding = false;
  let wrote = false;

  return {
    current: () => written,
    wrote: () => wrote,
    async mark(sending, leaseUntil) {
      // A turn sends at most one email, so its mark is always its first write.
      const saved = await recovery.saveIfUnchanged(written, { ...markSending(written, sending), emailLeaseUntil: leaseUntil });
      if (!saved) return null;
      holding = wrote = true;
      written = saved;
      return saved;
    },
    async release(change) {
      const giveBack = (current: RecoveryCase): RecoveryCase => ({ ...change(current), emailLeaseUntil: new Date(0) });
      if (!holding) {
        const saved = await recovery.saveIfUnchanged(written, giveBack(written));
        if (saved) {
          written = saved;
          wrote = true;
        }
        return saved;
      }
      written = await recovery.mutate(written.accountId, written, giveBack);
      holding = false;
      return written;
    },
  };
}
