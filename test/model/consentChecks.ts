import type { ChargeRecord, Json, RequestRecord } from '../../devservices/stripe-sandbox/sandboxState';

/**
 * "Never confirm off-session without the customer's consent", read at the
 * Stripe sandbox's request log: what the backend sent, whatever Stripe made
 * of it (a declined or refused confirm was still an attempt to charge).
 */

const CONFIRM_PATH = /^\/v1\/payment_intents\/([^/]+)\/confirm$/;
const isTrue = (value: unknown) => value === true || value === 'true';

/** The payment intent itself asked for off-session use, or carries a mandate: the customer agreed at checkout. */
export function intentHasConsent(intent: Json): boolean {
  const card = ((intent.payment_method_options as Json | undefined)?.card as Json | undefined) ?? {};
  return intent.setup_future_usage === 'off_session' || card.setup_future_usage === 'off_session' || (card.mandate_options !== undefined && card.mandate_options !== null);
}

export interface ConsentFacts {
  requests: readonly RequestRecord[];
  charges: readonly ChargeRecord[];
  /** Every payment intent of the account, as the sandbox holds it at the end. */
  intents: ReadonlyMap<string, Json>;
  /** Every SetupIntent of the account (the Billing Portal saves cards with these). */
  setups: readonly Json[];
}

/**
 * The card was saved by this customer for off-session use before `at`: a
 * succeeded SetupIntent with usage off_session (the card-update page), or a
 * payment of theirs with that card that asked for off-session use and succeeded.
 */
export function cardHasConsent(facts: ConsentFacts, customerId: string, cardId: string, at: Date): boolean {
  const before = (object: Json) => (object.created as number) * 1000 <= at.getTime();
  const bySetup = facts.setups.some((setup) => setup.status === 'succeeded' && setup.usage === 'off_session' && setup.customer === customerId && setup.payment_method === cardId && before(setup));
  const byPayment = [...facts.intents.values()].some(
    (intent) => intent.status === 'succeeded' && intent.customer === customerId && intent.payment_method === cardId && intentHasConsent(intent) && before(intent),
  );
  return bySetup || byPayment;
}

/**
 * Each off-session POST /v1/payment_intents/:id/confirm (not a replay: the
 * first send was judged) must have the intent's own consent
 * (setup_future_usage off_session, or a mandate) or charge a card the customer
 * saved for off-session use. The card is the request's payment_method, else
 * the card its charge used, else the intent's own.
 * Example: checkout pi_1 without setup_future_usage, the customer attaches a
 * card in passing, we confirm pi_1 off-session with it → a violation.
 */
export function offSessionWithoutConsent(facts: ConsentFacts): string[] {
  return facts.requests.flatMap((request) => {
    const match = request.method === 'POST' ? CONFIRM_PATH.exec(request.path) : null;
    if (!match || request.replayed || !isTrue(request.params?.off_session)) return [];
    const intent = facts.intents.get(match[1]!);
    if (!intent || intentHasConsent(intent)) return [];
    const charged = facts.charges.find((charge) => charge.paymentIntent === intent.id && request.idempotencyKey !== null && charge.idempotencyKey === request.idempotencyKey);
    const cardId = (request.params?.payment_method as string | undefined) ?? charged?.paymentMethod ?? (intent.payment_method as string | null);
    if (cardId && typeof intent.customer === 'string' && cardHasConsent(facts, intent.customer, cardId, new Date(request.at))) return [];
    return [`request #${request.seq} (${request.idempotencyKey ?? 'no key'}) confirmed ${String(intent.id)} off-session with card ${cardId ?? 'none'}: the intent has no setup_future_usage or mandate, and the customer never saved that card for off-session use`];
  });
}
