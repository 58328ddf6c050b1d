/**
 * Who an email to a merchant's customer comes from. Pure: the settings and the
 * operator's Postmark set-up in, the From and Reply-To headers out, with the
 * reason in the merchant's words.
 */

/** What the merchant chose; null fields fall back (name: their brand name; Reply-To: their support address). */
export interface SenderSettings {
  fromName: string | null;
  fromAddress: string | null;
  replyTo: string | null;
}

export const NO_SENDER_SETTINGS: SenderSettings = { fromName: null, fromAddress: null, replyTo: null };

/**
 * - `own_server`: the merchant's own Postmark server sends, from their address.
 * - `verified_domain`: our server sends from their address, whose domain we verified with Postmark.
 * - `domain_not_verified`: our server sends from our address under their name: Postmark would refuse theirs.
 * - `no_from_address`: they chose no address; our address under their name.
 * - `own_server_needs_from_address`: they brought a server token but no From address, so our server sends.
 */
export type SenderReason = 'own_server' | 'verified_domain' | 'domain_not_verified' | 'no_from_address' | 'own_server_needs_from_address';

export interface SenderChoice {
  /** The From header, e.g. `"Acme Billing" <billing@acme.com>`. */
  from: string;
  replyTo: string | null;
  /** Whether the merchant's own Postmark server token sends it. */
  usesOwnServer: boolean;
  reason: SenderReason;
}

export interface SenderInput {
  sender: SenderSettings;
  /** The merchant's brand name, when they set one. */
  merchantName: string | null;
  supportEmail: string | null;
  /** Whether the merchant brought their own Postmark server token. */
  hasOwnServer: boolean;
  /** EMAIL_FROM, e.g. `Billing <billing@operator.com>`. */
  operatorFrom: string;
  /** POSTMARK_VERIFIED_DOMAINS, lower case. */
  verifiedDomains: readonly string[];
}

/**
 * Postmark sends only from a confirmed sender signature or a verified domain
 * of the server that sends, and refuses anything else (HTTP 422). So:
 * 1. own token and a From address: their server, their address (their server's signatures are theirs to keep);
 * 2. else a From address on one of our verified domains (exact domain): our server, their address;
 * 3. else our address, with their name as display name and replies to them
 *    (their Reply-To, else their support address, else the From address we could not use).
 * Example: from billing@acme.com, we verified only operator.com →
 * `"Acme" <billing@operator.com>`, Reply-To billing@acme.com, reason domain_not_verified.
 */
export function chooseSender(input: SenderInput): SenderChoice {
  const { sender } = input;
  const operator = parseMailbox(input.operatorFrom);
  const name = sender.fromName ?? input.merchantName;
  const replyTo = sender.replyTo ?? input.supportEmail;
  if (sender.fromAddress && input.hasOwnServer) {
    return { from: formatMailbox(name, sender.fromAddress), replyTo, usesOwnServer: true, reason: 'own_server' };
  }
  if (sender.fromAddress && input.verifiedDomains.includes(domainOf(sender.fromAddress))) {
    return { from: formatMailbox(name, sender.fromAddress), replyTo, usesOwnServer: false, reason: 'verified_domain' };
  }
  const reason: SenderReason = input.hasOwnServer ? 'own_server_needs_from_address' : sender.fromAddress ? 'domain_not_verified' : 'no_from_address';
  return { from: formatMailbox(name ?? operator.name, operator.address), replyTo: replyTo ?? sender.fromAddress, usesOwnServer: false, reason };
}

/** The reason as the settings view says it. */
export function describeSenderReason(reason: SenderReason): string {
  switch (reason) {
    case 'own_server':
      return 'Your own Postmark server sends from your address.';
    case 'verified_domain':
      return 'Our Postmark server sends from your address: its domain is verified with us.';
    case 'domain_not_verified':
      return 'Your From address is on a domain we have not verified with Postmark, so emails come from our address under your name, and replies go to you.';
    case 'no_from_address':
      return 'You have not set a From address: emails come from our address under your name.';
    case 'own_server_needs_from_address':
      return 'Set a From address confirmed on your Postmark server: until then our server sends from our address.';
  }
}

const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/**
 * A plain address (no display name, no comments, no quoted local part):
 * nothing that could end a header line or add a second address.
 * Example: "billing@acme.com" → true; "a@b.com\r\nBcc: x@y.com" → false.
 */
export function isEmailAddress(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.lastIndexOf('@');
  if (at < 1) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  return local.length <= 64 && LOCAL_PART.test(local) && DOMAIN.test(domain);
}

// Control characters (CR and LF among them) and Unicode line separators would let a name start a new header.
// eslint-disable-next-line no-control-regex
const HEADER_BREAKING = /[\u0000-\u001f\u007f\u2028\u2029]/;

/** The problems of a sender change, each as "field: what is wrong"; empty when it is fine. */
export function validateSenderSettings(sender: SenderSettings): string[] {
  const problems: string[] = [];
  if (sender.fromName !== null && (sender.fromName.trim().length === 0 || sender.fromName.length > 100 || HEADER_BREAKING.test(sender.fromName))) {
    problems.push('sender.fromName: 1 to 100 characters on one line');
  }
  if (sender.fromAddress !== null && !isEmailAddress(sender.fromAddress)) problems.push('sender.fromAddress: an email address such as billing@example.com');
  if (sender.replyTo !== null && !isEmailAddress(sender.replyTo)) problems.push('sender.replyTo: an email address such as support@example.com');
  return problems;
}

/** The domain of an address, lower case. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** `Name <address>` or a bare address, as EMAIL_FROM is written. */
export function parseMailbox(mailbox: string): { name: string | null; address: string } {
  const match = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(mailbox);
  if (!match) return { name: null, address: mailbox.trim() };
  const name = match[1]!.replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1').trim();
  return { name: name || null, address: match[2]!.trim() };
}

/** A From header: the name always quoted (RFC 5322), so commas, brackets and quotes in it stay part of the name. */
export function formatMailbox(name: string | null, address: string): string {
  const clean = name?.replace(new RegExp(HEADER_BREAKING.source, 'g'), ' ').trim();
  return clean ? `"${clean.replace(/["\\]/g, '\\$&')}" <${address}>` : address;
}
