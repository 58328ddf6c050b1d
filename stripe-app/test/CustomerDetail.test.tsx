import { Banner, ListItem, Spinner } from '@stripe/ui-extension-sdk/ui';
import type { CaseDetail } from '../src/api/contract';
import { CONTROL_GROUP_LABEL } from '../src/shared/ControlGroupBadge';
import CustomerDetail from '../src/views/CustomerDetail';
import { componentsIn, errorBody, fakeBackend, renderView, viewProps } from './fakeBackend';

const caseOf = (id: string, status: CaseDetail['status'], invoiceId: string, group: CaseDetail['group'] = 'treated'): CaseDetail => ({
  id, object: 'recovery_case', group, status, paused: false, livemode: false, invoiceId, paymentIntentId: null, customerId: 'cus_7', customerEmail: 'b***@example.com', subscriptionId: null, metadata: {}, amountMinor: 1500, currency: 'eur',
  outcome: null, decline: null, declineBucket: null, openingDeclineBucket: null, needsCustomerAction: false, emailStatus: 'ok',
  nextAction: status === 'active' ? { kind: 'wait_for_new_payment_method', at: null, reason: 'waiting for a new card: the card was reported stolen' } : null,
  retries: [], emails: [], openedAt: '2026-11-01T10:00:00.000Z', closedAt: status === 'active' ? null : '2026-11-05T10:00:00.000Z', timeline: [],
});

describe('CustomerDetail', () => {
  it("lists the customer's cases with their state", async () => {
    const backend = fakeBackend({ 'GET /api/recovery/status': { body: { object: 'list', data: [caseOf('c1', 'active', 'in_2'), caseOf('c2', 'recovered', 'in_1')] } } });
    const { wrapper, update } = renderView(backend.withBackend(<CustomerDetail {...viewProps({ objectId: 'cus_7' })} />));
    expect(wrapper).toContainComponent(Spinner);
    await update();
    expect(backend.sent.find((request) => request.path === '/api/recovery/status')).toMatchObject({ query: { customerId: 'cus_7' } });
    expect(wrapper.find(ListItem, { title: '€15.00 · in_2' })).toHaveProps({ secondaryTitle: 'waiting for a new card: the card was reported stolen' });
    expect(wrapper.find(ListItem, { title: '€15.00 · in_1' })).toHaveProps({ secondaryTitle: 'Ended Nov 5, 2026, 10:00 AM UTC' });
  });

  it('says when none of the payments needed recovery', async () => {
    const backend = fakeBackend({ 'GET /api/recovery/status': { body: { object: 'list', data: [] } } });
    const { wrapper, update } = renderView(backend.withBackend(<CustomerDetail {...viewProps({ objectId: 'cus_7' })} />));
    await update();
    expect(wrapper).toContainText("None of this customer's payments has needed recovery.");
  });

  it('shows a failure to load', async () => {
    const backend = fakeBackend({ 'GET /api/recovery/status': { status: 500, body: errorBody('Something went wrong on our side.', 'api_error') } });
    const { wrapper, update } = renderView(backend.withBackend(<CustomerDetail {...viewProps({ objectId: 'cus_7' })} />));
    await update();
    expect(wrapper).toContainComponent(Banner, { type: 'critical', description: 'Something went wrong on our side.' });
  });

  it('labels the cases of the control group', async () => {
    const backend = fakeBackend({ 'GET /api/recovery/status': { body: { object: 'list', data: [caseOf('c1', 'active', 'in_2', 'control'), caseOf('c2', 'recovered', 'in_1')] } } });
    const { wrapper, update } = renderView(backend.withBackend(<CustomerDetail {...viewProps({ objectId: 'cus_7' })} />));
    await update();
    const badges = (title: string) => componentsIn(wrapper.find(ListItem, { title })!.prop('value')).filter((each) => each.type === 'Badge').map((each) => each.text);
    expect(badges('€15.00 · in_2')).toEqual([CONTROL_GROUP_LABEL, 'Recovering']);
    expect(badges('€15.00 · in_1')).toEqual(['Recovered']);
  });
});
