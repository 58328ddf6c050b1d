import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { HANDLED_EVENT_TYPES } from '../../backend/src/adapters/stripe/eventTranslation';

/**
 * The Stripe App manifest, checked against Stripe's published schema and
 * against what the schema cannot know: that every view exists and that the
 * permissions are exactly those our backend's Stripe calls and events need.
 */
const root = path.resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'stripe-app.json'), 'utf8'));

/** Each Stripe API call the backend makes, and the App permission it needs. */
const PERMISSION_BY_CALL: Record<string, string> = {
  'accounts.retrieve': 'connected_account_read',
  'billingPortal.sessions.create': 'customer_portal_write',
  'customers.retrieve': 'customer_read',
  'customers.update': 'customer_write',
  'invoicePayments.list': 'invoice_read',
  'invoices.retrieve': 'invoice_read',
  'invoices.pay': 'invoice_write',
  'invoices.markUncollectible': 'invoice_write',
  'paymentIntents.confirm': 'payment_intent_write',
  'paymentIntents.list': 'payment_intent_read',
  'paymentIntents.retrieve': 'payment_intent_read',
  'paymentMethods.retrieve': 'payment_method_read',
  'setupIntents.list': 'setup_intent_read',
  'subscriptions.retrieve': 'subscription_read',
  'subscriptions.update': 'subscription_write',
  'subscriptions.cancel': 'subscription_write',
};
/** Calls made only with a self-hosted merchant's own secret key (the setup command), never through the App. */
const SELF_HOSTED_ONLY = new Set(['webhookEndpoints.create', 'webhookEndpoints.list', 'webhookEndpoints.update']);
/** Receiving an event needs event_read plus read access to the object it carries. */
const PERMISSION_BY_EVENT_OBJECT: Record<string, string | null> = {
  invoice: 'invoice_read',
  customer: 'customer_read',
  'customer.subscription': 'subscription_read',
  payment_intent: 'payment_intent_read',
  payment_method: 'payment_method_read',
  'checkout.session': 'checkout_session_read',
  'charge.dispute': 'dispute_read',
  // Install and uninstall events concern the account itself.
  'account.application': null,
};

function stripeCallsInBackend(): Set<string> {
  const calls = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) for (const match of readFileSync(full, 'utf8').matchAll(/\bstripe\.([a-zA-Z]+(?:\.[a-zA-Z]+)+)\(/g)) calls.add(match[1]!);
    }
  };
  walk(path.join(root, 'backend/src'));
  return calls;
}

describe('stripe-app.json', () => {
  it("is valid against Stripe's published manifest schema", () => {
    const ajv = new Ajv({ allErrors: true });
    addFormats(ajv);
    // An editor hint in Stripe's schema, not a JSON Schema keyword.
    ajv.addKeyword('markdownDescription');
    const validate = ajv.compile(JSON.parse(readFileSync(path.join(root, 'stripe-app/schema/stripe-app.schema.json'), 'utf8')));
    expect(validate(manifest) ? [] : validate.errors).toEqual([]);
  });

  it('is ready for the Marketplace: public, platform access, settings after install, a purpose for every permission', () => {
    expect(manifest).toMatchObject({ distribution_type: 'public', stripe_api_access_type: 'platform', post_install_action: { type: 'settings' } });
    for (const permission of manifest.permissions) expect(permission.purpose.length).toBeGreaterThan(20);
    for (const url of manifest.ui_extension.content_security_policy['connect-src']) expect(url).toMatch(/^https:\/\/[^/]+\/api\/$/);
  });

  it('has a 300×300 PNG icon', () => {
    const png = readFileSync(path.join(root, manifest.icon));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([300, 300]);
  });

  it('names only view components that exist in stripe-app/src/views', () => {
    for (const view of manifest.ui_extension.views) {
      const file = path.join(root, 'stripe-app/src/views', `${view.component}.tsx`);
      expect({ component: view.component, exists: existsSync(file) }).toEqual({ component: view.component, exists: true });
    }
  });

  it("asks for exactly the permissions the backend's Stripe calls and events need", () => {
    const calls = [...stripeCallsInBackend()].filter((call) => !SELF_HOSTED_ONLY.has(call));
    expect(calls.filter((call) => !(call in PERMISSION_BY_CALL))).toEqual([]);
    const eventObjects = new Set(HANDLED_EVENT_TYPES.map((type) => type.split('.').slice(0, -1).join('.')));
    expect([...eventObjects].filter((object) => !(object in PERMISSION_BY_EVENT_OBJECT))).toEqual([]);
    const needed = new Set([
      'event_read',
      ...calls.map((call) => PERMISSION_BY_CALL[call]!),
      ...[...eventObjects].map((object) => PERMISSION_BY_EVENT_OBJECT[object]).filter((permission): permission is string => Boolean(permission)),
    ]);
    const declared = manifest.permissions.map((permission: { permission: string }) => permission.permission);
    expect([...declared].sort()).toEqual([...needed].sort());
  });
});
