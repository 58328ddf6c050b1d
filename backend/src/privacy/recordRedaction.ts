import { ERASED } from './personalData';
import { redactText, redactValue } from './redaction';

/**
 * What erasing a customer changes in our own documents, field by field: the
 * `$set` of one update. Pure, so which fields go and which stay is tested
 * without a database. Amounts, currencies, statuses, outcomes, dates,
 * counters, decline codes and Stripe ids are never in it.
 */

type Doc = Record<string, unknown>;

/** A card as we keep it, without what was copied from the customer's card (last4); brand, country and fingerprint (the card networks' limits count by it) stay. */
function cardWithoutDigits(card: unknown): unknown {
  if (!card || typeof card !== 'object') return card;
  const { last4: _last4, ...rest } = card as Doc;
  return rest;
}

/** A recovery case's personal fields: contact details, the emails as written, free text mentioning the customer. */
export function caseErasure(found: Doc, terms: string[]): Doc {
  const emails = Array.isArray(found.emails) ? (found.emails as Doc[]) : [];
  const timeline = Array.isArray(found.timeline) ? (found.timeline as Doc[]) : [];
  const attempts = Array.isArray(found.ourAttempts) ? (found.ourAttempts as Doc[]) : [];
  const decline = found.decline as Doc | null;
  const planned = found.plannedAction as Doc | null;
  return {
    customerEmail: null,
    customerName: null,
    customerCountry: null,
    customerTimeZone: null,
    hostedInvoiceUrl: null,
    metadata: null,
    order: null,
    card: cardWithoutDigits(found.card ?? null),
    triedCards: (Array.isArray(found.triedCards) ? found.triedCards : []).map(cardWithoutDigits),
    ourAttempts: attempts.map((attempt) => ({ ...attempt, card: cardWithoutDigits(attempt.card ?? null), decline: redactValue(attempt.decline ?? null, terms) })),
    // What happened to each email (status, opens, clicks) stays for the merchant's figures; what it said and to whom goes.
    emails: emails.map((email) => ({ ...email, content: null, contentId: null })),
    timeline: timeline.map((entry) => ({ ...entry, summary: typeof entry.summary === 'string' ? redactText(entry.summary, terms) : entry.summary })),
    decline: decline ? { ...decline, ...(typeof decline.message === 'string' ? { message: redactText(decline.message, terms) } : {}) } : null,
    plannedAction: planned ? { ...planned, ...(typeof planned.reason === 'string' ? { reason: redactText(planned.reason, terms) } : {}) } : null,
  };
}

/** The outbox entries of a case, redacted like any event body (an entry's id is kept: the relay removes entries by their exact value). */
export function outboxErasure(outbox: unknown[], terms: string[]): unknown[] {
  return outbox.map((entry) => redactValue(entry, terms));
}

/** An upcoming renewal's personal fields: contact details, the card's digits, the reminders as written, risk reasons (they quote the card). */
export function renewalErasure(found: Doc): Doc {
  const card = found.card as Doc | null;
  const preDunning = (found.preDunning ?? {}) as Doc;
  const sent = Array.isArray(preDunning.sent) ? (preDunning.sent as Doc[]) : [];
  const risk = found.risk as Doc | null;
  const reasons = risk && Array.isArray(risk.reasons) ? (risk.reasons as Doc[]) : [];
  return {
    customerEmail: null,
    customerName: null,
    customerCountry: null,
    card: card ? { ...card, last4: null } : null,
    'preDunning.sent': sent.map((reminder) => ({ ...reminder, subject: ERASED, htmlBody: ERASED, textBody: ERASED })),
    ...(risk ? { risk: { ...risk, reasons: reasons.map((reason) => ({ ...reason, text: ERASED })) } } : {}),
  };
}
