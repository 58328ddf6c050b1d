import Router from '@koa/router';
import type { SandboxBilling } from './sandboxBilling';
import type { Json, SandboxState } from './sandboxState';

/**
 * The sandbox's Billing Portal page for the payment_method_update flow: one
 * button adds a working card, makes it the customer's default (with the
 * webhooks Stripe sends) and returns to return_url.
 */
export function portalRoutes(state: SandboxState, billing: SandboxBilling): Router {
  const router = new Router();

  router.get('/portal/:account/:session', (ctx) => {
    const session = state.account(ctx.params.account!).portalSessions.get(ctx.params.session!);
    ctx.type = 'html';
    if (!session) {
      ctx.status = 404;
      ctx.body = '<!doctype html><title>Session expired</title><p>This portal session does not exist.</p>';
      return;
    }
    ctx.body =
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Update payment method (sandbox)</title></head><body>` +
      `<main><h1>Update your payment method</h1><p>Stripe sandbox portal for customer ${escape(String(session.customer))}.</p>` +
      `<form method="post"><label for="card">Card</label> <select id="card" name="card"><option value="visa">Visa ending 4242 (will succeed)</option>` +
      `<option value="mastercard">Mastercard ending 4444 (will succeed)</option></select> <button type="submit">Save card</button></form></main></body></html>`;
  });

  router.post('/portal/:account/:session', (ctx) => {
    const account = ctx.params.account!;
    const session = state.account(account).portalSessions.get(ctx.params.session!) as Json | undefined;
    if (!session) {
      ctx.status = 404;
      return;
    }
    const brand = String((ctx.request.body as Json | undefined)?.card ?? 'visa') === 'mastercard' ? 'mastercard' : 'visa';
    const pm = billing.createPaymentMethod(account, { brand, last4: brand === 'visa' ? '4242' : '4444', behaviour: { declines: [], then: 'succeed' } });
    billing.attach(account, pm.id as string, String(session.customer), null);
    // The portal saves the card with a SetupIntent for off-session use, as Stripe's does.
    billing.paymentIntents.recordSetup(account, String(session.customer), pm, 'off_session');
    billing.updateCustomer(account, String(session.customer), { invoice_settings: { default_payment_method: pm.id } }, null);
    ctx.status = 303;
    ctx.redirect(String(session.return_url ?? '/'));
  });

  return router;
}

function escape(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}
