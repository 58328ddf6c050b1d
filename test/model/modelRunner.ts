import type { Connection } from 'mongoose';
import type { ChargeRecord, Json, RequestRecord, ScriptedDecline } from '../../devservices/stripe-sandbox/sandboxState';
import { SandboxError } from '../../devservices/stripe-sandbox/stripeErrors';
import { createCaseStore, type RecoveryCase } from '../../backend/src/recovery';
import { createRecoveryWorld } from '../support/recoveryWorld';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { addCustomer, behaviourOf, declineOf, isOpen, saveCardOnCardUpdatePage, type CustomerState } from './modelCustomers';
import type { History, Step } from './modelHistory';
import type { EmailSeen } from './modelObservations';
import { checkout, orderPaid, payOrderAgain } from './modelOrders';
import { watchCases } from './modelWatch';

/**
 * Plays a History against the real backend and the Stripe sandbox (one world
 * per mode, reused: the database, sandbox and mail catcher are emptied before
 * each history) and records what the invariants need: the sandbox's request
 * and charge logs, the cards, payment intents and saved-card setups, which
 * order each payment intent pays, where in the request log each invoice or
 * order was paid or recovery had to stop, and each email (sent or recorded in
 * test mode) with the case's plan when it went.
 */

export type World = Awaited<ReturnType<typeof createRecoveryWorld>>;
const ACCOUNT = 'platform';
const HOUR = 3_600_000;

export interface CardSeen {
  brand: string;
  decline: ScriptedDecline | null;
  initiatedBy: 'merchant' | 'customer';
}

/** A span of the request log in which no new pay request for the target (invoice or payment intent) may appear (untilSeq null: to the end). */
export interface StopSpan {
  target: string;
  fromSeq: number;
  untilSeq: number | null;
  why: string;
}

export interface Observation {
  livemode: boolean;
  requests: RequestRecord[];
  charges: ChargeRecord[];
  cards: Map<string, CardSeen>;
  /** Per invoice or failed payment intent: the log length when it (its order) was paid outside our pay requests. */
  paidAtSeq: Map<string, number>;
  stops: StopSpan[];
  emails: EmailSeen[];
  customerAddresses: Set<string>;
  /** Payment intent → the order it pays (see modelOrders); only the customers' own checkouts and payments. */
  orderOf: Map<string, string>;
  intents: Map<string, Json>;
  setups: Json[];
  /** How often the history reached the order routes (the test checks that the generated histories do). */
  reached: { ordersFailed: number; ordersPaidAgain: number; cardsSavedOnPortal: number };
}

export async function runHistory(world: World, connection: Connection, history: History, apiKey: string): Promise<Observation> {
  const { sandbox, container, clock } = world;
  const cases = createCaseStore(connection);
  const seen: Observation = {
    livemode: history.livemode, requests: [], charges: [], cards: new Map(), paidAtSeq: new Map(), stops: [], emails: [], customerAddresses: new Set(), orderOf: new Map(), intents: new Map(), setups: [],
    reached: { ordersFailed: 0, ordersPaidAgain: 0, cardsSavedOnPortal: 0 },
  };
  const seq = () => sandbox.state.requests.length;
  const paused = new Map<string, StopSpan>();
  const observe = watchCases(world, connection, seen);
  let orders = 0;

  const customers = history.customers.map((spec, index) => {
    seen.customerAddresses.add(`model-customer-${index}@example.com`);
    return addCustomer(sandbox, seen.cards, spec, index);
  });
  const caseOf = async (customer: CustomerState): Promise<RecoveryCase | null> => {
    const target = customer.targets.at(-1);
    return target ? cases.findByKey(SELF_HOSTED_ACCOUNT, history.livemode, `${customer.subscriptionId ? 'invoice' : 'payment_intent'}:${target}`) : null;
  };

  /** Stripe-side payments (not through our pay requests) mark the invoice paid at this point of the log. */
  function notePaid(invoiceId: string): void {
    if (sandbox.billing.invoice(ACCOUNT, invoiceId).status === 'paid' && !seen.paidAtSeq.has(invoiceId)) seen.paidAtSeq.set(invoiceId, seq());
  }
  function stripeSide(pay: () => unknown, invoiceId: string): void {
    try {
      pay();
    } catch (error) {
      if (!(error instanceof SandboxError)) throw error;
    }
    notePaid(invoiceId);
  }
  const openInvoice = (customer: CustomerState) => {
    const id = customer.subscriptionId ? customer.targets.at(-1) : undefined;
    return id && sandbox.billing.invoice(ACCOUNT, id).status === 'open' ? id : null;
  };
  /** The customer's last failed order, while no payment has paid it yet. */
  const unpaidOrder = (customer: CustomerState) => {
    const id = customer.subscriptionId ? undefined : customer.targets.at(-1);
    return id && !orderPaid(sandbox, seen, id) ? id : null;
  };

  /**
   * Every due retry and email, as the worker's jobs would run them, looking after each one that ran (a
   * runNextDue that finds nothing due changes nothing, so there is nothing new to look at after it).
   */
  async function runDue(): Promise<void> {
    await world.settle();
    await observe();
    for (let round = 0; round < 200; round += 1) {
      const retried = await container.retries.runNextDue();
      if (retried) {
        await world.settle();
        await observe();
      }
      const emailed = await container.dunning.runNextDue();
      if (emailed) await observe();
      if (!retried && !emailed) return;
    }
  }

  async function timePasses(hours: number): Promise<void> {
    const until = new Date(clock.now().getTime() + hours * HOUR);
    await runDue();
    for (let step = 0; step < 50; step += 1) {
      const active = await connection.collection('recoveryCases').find({ status: 'active' }).toArray();
      const now = clock.now();
      const times = active
        .flatMap((found) => [found.nextActionAt, found.nextEmailAt, found.leaseUntil])
        .filter((at): at is Date => at instanceof Date && at > now && at <= until)
        .sort((a, b) => a.getTime() - b.getTime());
      if (times.length === 0) break;
      clock.set(times[0]!);
      await runDue();
    }
    clock.set(until);
    await runDue();
  }

  async function merchant(customer: CustomerState, action: 'retry' | 'pause' | 'resume' | 'cancel'): Promise<void> {
    const found = await caseOf(customer);
    if (!found) return;
    const response = await fetch(`${world.backend.container.config.publicUrl}/api/recovery/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ caseId: found.id }),
    });
    await response.arrayBuffer();
    if (response.status >= 300) return;
    const target = customer.targets.at(-1)!;
    if (action === 'pause') {
      const span: StopSpan = { target, fromSeq: seq(), untilSeq: null, why: `case ${found.id} paused by the merchant` };
      paused.set(target, span);
      seen.stops.push(span);
    }
    if (action === 'resume') {
      const span = paused.get(target);
      if (span) span.untilSeq = seq();
      paused.delete(target);
    }
    if (action === 'cancel') seen.stops.push({ target, fromSeq: seq(), untilSeq: null, why: `case ${found.id} canceled by the merchant` });
  }

  async function play(step: Step): Promise<void> {
    const customer = 'customer' in step ? customers[step.customer]! : null;
    switch (step.kind) {
      case 'payment_fails': {
        if (!customer!.subscriptionId) {
          orders += 1;
          const intent = checkout(sandbox, seen, { ...customer!.spec, customerId: customer!.customerId, paymentMethodId: customer!.paymentMethodId, number: orders, email: customer!.email });
          customer!.targets.push(intent.id as string);
          if (intent.status !== 'succeeded') seen.reached.ordersFailed += 1;
          return runDue();
        }
        if (sandbox.billing.subscription(ACCOUNT, customer!.subscriptionId).status === 'canceled') return;
        const invoice = sandbox.billing.renew(ACCOUNT, customer!.subscriptionId, { nextAttemptInHours: customer!.spec.stripeRetryHours });
        customer!.targets.push(invoice.id as string);
        notePaid(invoice.id as string);
        return runDue();
      }
      case 'time_passes':
        return timePasses(step.hours);
      case 'stripe_retries': {
        const invoiceId = openInvoice(customer!);
        if (!invoiceId) return;
        stripeSide(() => sandbox.billing.payInvoice(ACCOUNT, invoiceId, { off_session: true }, null, { automatic: true, nextAttemptInHours: customer!.spec.stripeRetryHours }), invoiceId);
        return runDue();
      }
      case 'customer_pays_hosted_page': {
        const invoiceId = openInvoice(customer!);
        if (!invoiceId) return;
        const pm = sandbox.billing.createPaymentMethod(ACCOUNT, { brand: 'visa', behaviour: { declines: [], then: 'succeed' } });
        seen.cards.set(pm.id as string, { brand: 'visa', decline: null, initiatedBy: 'customer' });
        stripeSide(() => sandbox.billing.payInvoice(ACCOUNT, invoiceId, { payment_method: pm.id }, null), invoiceId);
        return runDue();
      }
      case 'customer_pays_order': {
        const failedId = unpaidOrder(customer!);
        if (!failedId) return;
        const pm = sandbox.billing.createPaymentMethod(ACCOUNT, { brand: 'visa', behaviour: { declines: [], then: 'succeed' } });
        seen.cards.set(pm.id as string, { brand: 'visa', decline: null, initiatedBy: 'customer' });
        const paidWith = payOrderAgain(sandbox, seen, failedId, { sameReference: step.sameReference, savesCard: step.savesCard, cardId: pm.id as string });
        // From here no pay request of ours for the failed intent may appear when this payment settled its order.
        seen.reached.ordersPaidAgain += 1;
        if (seen.orderOf.get(paidWith) === seen.orderOf.get(failedId)) seen.paidAtSeq.set(failedId, Math.min(seq(), seen.paidAtSeq.get(failedId) ?? seq()));
        return runDue();
      }
      case 'paid_out_of_band': {
        const invoiceId = openInvoice(customer!);
        if (!invoiceId) return;
        const invoice = sandbox.billing.invoice(ACCOUNT, invoiceId);
        Object.assign(invoice, { status: 'paid', paid_out_of_band: true, amount_paid: invoice.amount_due, amount_remaining: 0, next_payment_attempt: null });
        (invoice.status_transitions as Json).paid_at = sandbox.state.nowSeconds();
        sandbox.events.emit(ACCOUNT, 'invoice.paid', invoice);
        notePaid(invoiceId);
        return runDue();
      }
      case 'new_card': {
        const spec = customer!.spec;
        // The same card (same fingerprint) answers as it did; a new one as the step says.
        const works = step.sameFingerprint ? !spec.keepsDeclining : step.works;
        const pm = sandbox.billing.createPaymentMethod(ACCOUNT, { brand: spec.brand, ...(step.sameFingerprint ? { fingerprint: customer!.fingerprint } : {}), behaviour: behaviourOf(spec, works) });
        seen.cards.set(pm.id as string, { brand: spec.brand, decline: works ? null : declineOf(spec), initiatedBy: 'merchant' });
        sandbox.billing.attach(ACCOUNT, pm.id as string, customer!.customerId, null);
        sandbox.billing.updateCustomer(ACCOUNT, customer!.customerId, { invoice_settings: { default_payment_method: pm.id } }, null);
        customer!.paymentMethodId = pm.id as string;
        if (!step.sameFingerprint) customer!.fingerprint = (pm.card as { fingerprint: string }).fingerprint;
        return runDue();
      }
      case 'returns_from_card_update': {
        const found = await caseOf(customer!);
        const link = isOpen(found) ? await container.cardUpdate.linkFor(found) : null;
        if (!link) return;
        const done = new URL(link.url);
        done.pathname = '/update/done';
        await (await fetch(done)).arrayBuffer();
        return runDue();
      }
      case 'saves_card_on_card_update_page': {
        const found = await caseOf(customer!);
        const link = isOpen(found) ? await container.cardUpdate.linkFor(found) : null;
        if (!link) return;
        if (await saveCardOnCardUpdatePage(sandbox, seen.cards, customer!, link, world.settle)) seen.reached.cardsSavedOnPortal += 1;
        return runDue();
      }
      case 'merchant':
        await merchant(customer!, step.action);
        return runDue();
      case 'subscription_canceled': {
        if (!customer!.subscriptionId) return;
        sandbox.billing.cancelSubscription(ACCOUNT, customer!.subscriptionId, null);
        for (const invoiceId of customer!.targets) seen.stops.push({ target: invoiceId, fromSeq: seq(), untilSeq: null, why: `subscription ${customer!.subscriptionId} canceled` });
        return runDue();
      }
      case 'worker_killed':
        // A worker claims the most overdue case and dies before giving the lease back.
        await cases.claimDue('killed-worker', clock.now(), container.config.workerLeaseMs);
        return;
      case 'stripe_fault': {
        const response = await fetch(`${sandbox.url}/_sandbox/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ mode: step.mode, count: step.count, holdMs: 0 }),
        });
        await response.arrayBuffer();
        return;
      }
    }
  }

  for (const step of history.steps) await play(step);
  await world.settle();
  await observe();
  seen.requests = sandbox.state.requests.map((entry) => ({ ...entry }));
  seen.charges = [...sandbox.state.charges];
  const data = sandbox.state.account(ACCOUNT);
  seen.intents = new Map([...data.paymentIntents].map(([id, intent]) => [id, structuredClone(intent)]));
  seen.setups = [...data.setupIntents.values()].map((setup) => structuredClone(setup));
  return seen;
}

/** Empties the database, the sandbox and the mail catcher, and moves the clock a day on, for the next history. */
export async function resetWorld(world: World, connection: Connection): Promise<void> {
  await world.settle();
  await fetch(`${world.sandbox.url}/_sandbox/faults`, { method: 'DELETE' }).then((response) => response.arrayBuffer());
  world.sandbox.held.drop();
  world.sandbox.state.reset();
  world.postmark.state.reset();
  for (const collection of await connection.db!.collections()) await collection.deleteMany({});
  world.clock.advance(24 * HOUR);
}
