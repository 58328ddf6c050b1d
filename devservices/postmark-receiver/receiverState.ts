import { randomUUID } from 'node:crypto';

/** One email as Postmark would have accepted it. */
export interface CaughtEmail {
  messageId: string;
  receivedAt: Date;
  serverToken: string;
  from: string;
  to: string;
  replyTo: string | null;
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

/** A Postmark server as its token opens it: what `GET /server` shows, and the From addresses it may send from. */
export interface ReceiverServer {
  id: number;
  name: string;
  token: string;
  /** Confirmed sender signatures (addresses, lower case). */
  senderSignatures: Set<string>;
  /** Verified domains (lower case): any address there may send. */
  domains: Set<string>;
}

/**
 * What the receiver remembers: caught emails, inactive recipients, injected faults, and the servers it knows.
 * A token of a known server is held to that server's senders, as Postmark does; an unknown token is refused
 * by `GET /server` (401) and, once `rejectUnknownTokens` is set, by every endpoint. Until then unknown tokens
 * may send from anything, as the demo and older tests expect.
 */
export class ReceiverState {
  readonly emails: CaughtEmail[] = [];
  readonly inactiveRecipients = new Set<string>();
  readonly servers = new Map<string, ReceiverServer>();
  rejectUnknownTokens = false;
  private fault: { mode: FaultMode; remaining: number } | null = null;
  private nextServerId = 1000;

  /** A server Postmark would know by `token`, allowed to send from the given addresses and any address on the given domains. */
  addServer(server: { token: string; name: string; senderSignatures?: string[]; domains?: string[] }): ReceiverServer {
    const added: ReceiverServer = {
      id: (this.nextServerId += 1),
      name: server.name,
      token: server.token,
      senderSignatures: new Set((server.senderSignatures ?? []).map((address) => address.toLowerCase())),
      domains: new Set((server.domains ?? []).map((domain) => domain.toLowerCase())),
    };
    this.servers.set(server.token, added);
    return added;
  }

  /** Postmark's answer to a From address on this token's server: null when it may send. */
  senderRefusal(token: string, from: string): { errorCode: number; message: string } | null {
    const server = this.servers.get(token);
    if (!server) return null;
    const address = (/<([^<>]+)>\s*$/.exec(from)?.[1] ?? from).trim().toLowerCase();
    const domain = address.slice(address.lastIndexOf('@') + 1);
    if (server.senderSignatures.has(address) || server.domains.has(domain)) return null;
    return {
      errorCode: 400,
      message: `The 'From' address you supplied (${address}) is not a Sender Signature on your account. Please add and confirm this address in order to be able to use it in the 'From' field of your messages.`,
    };
  }

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
    this.servers.clear();
    this.rejectUnknownTokens = false;
    this.fault = null;
  }
}
