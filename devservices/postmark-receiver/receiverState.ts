import { randomUUID } from 'node:crypto';

/** One email as Postmark would have accepted it. */
export interface CaughtEmail {
  messageId: string;
  receivedAt: Date;
  serverToken: string;
  from: string;
  to: string;
  subject: string;
  htmlBody: string | null;
  textBody: string | null;
  tag: string | null;
  messageStream: string;
  trackOpens: boolean;
  trackLinks: string | null;
  metadata: Record<string, string>;
}

/** `drop_answer` keeps the message, then drops the connection before answering. */
export type FaultMode = 'error_500' | 'rate_limit' | 'timeout' | 'invalid_token' | 'drop_answer';

/** What the receiver remembers: caught emails, inactive recipients, and injected faults. */
export class ReceiverState {
  readonly emails: CaughtEmail[] = [];
  readonly inactiveRecipients = new Set<string>();
  private fault: { mode: FaultMode; remaining: number } | null = null;

  catch(email: Omit<CaughtEmail, 'messageId' | 'receivedAt'>, now: Date): CaughtEmail {
    const caught = { ...email, messageId: randomUUID(), receivedAt: now };
    this.emails.push(caught);
    return caught;
  }

  setFault(mode: FaultMode, count: number): void {
    this.fault = { mode, remaining: count };
  }

  clearFault(): void {
    this.fault = null;
  }

  /** The fault to apply to this request, if one is armed; each use counts down. */
  takeFault(): FaultMode | null {
    if (!this.fault || this.fault.remaining <= 0) return null;
    this.fault.remaining -= 1;
    return this.fault.mode;
  }

  reset(): void {
    this.emails.length = 0;
    this.inactiveRecipients.clear();
    this.fault = null;
  }
}
