import { Banner, Button, ListItem, Spinner, TextField } from '@stripe/ui-extension-sdk/ui';
import type { CaseDetail } from '../src/api/contract';
import InvoiceDetail from '../src/views/InvoiceDetail';
import { CONTROL_GROUP_LABEL } from '../src/shared/ControlGroupBadge';
import { badgesIn, componentsIn, errorBody, fakeBackend, renderView, viewProps } from './fakeBackend';
import { activeCase, cardUpdateLink, recordedEmail, retryScheduled } from './fixtures';

type Wrapper = ReturnType<typeof renderView>['wrapper'];
const button = (wrapper: Wrapper, label: string) => wrapper.findWhere((node) => node.is(Button) && node.text === label);
const press = (wrapper: Wrapper, label: string) => (button(wrapper, label) as unknown as { trigger(handler: 'onPress'): void }).trigger('onPress');

describe('InvoiceDetail', () => {
  it("loads the invoice's case", () => {
    const backend = fakeBackend({ 'GET /api/recovery/status': { body: activeCase } });
    const { wrapper } = renderView(backend.withBackend(<InvoiceDetail {...viewProps({ objectId: 'in_42' })} />));
    expect(wrapper).toContainComponent(Spinner);
    expect(backend.sent[0]).toBeUndefined(); // the request goes out once the signature is fetched
  });

  it('shows why the next retry is when it is, each retry with its decline, and each email with opens and clicks', async () => {
    const backend = fakeBackend({ 'GET /api/recovery/status': { body: activeCase } });
    const { wrapper, update } = renderView(backend.withBackend(<InvoiceDetail {...viewProps({ objectId: 'in_42' })} />));
    await update();
    expect(backend.sent[0]).toMatchObject({ path: '/api/recovery/status', query: { invoiceId: 'in_42', account_id: 'acct_1234' } });
    expect(wrapper).toContainText('$49.00');
    expect(wrapper).toContainText('first business day after a common payday');
    expect(wrapper.find(ListItem, { title: 'Retry 1 · Nov 20, 2026, 2:00 PM UTC' })).toHaveProps({ secondaryTitle: 'Declined: insufficient_funds (Your card has insufficient funds.)' });
    expect(wrapper.find(ListItem, { title: 'Reminder 1 · Nov 18, 2026, 3:00 PM UTC' })).toHaveProps({ secondaryTitle: 'delivered · opened 2×' });
    expect(wrapper.find(ListItem, { title: 'Payment of 49.00 USD failed: recovery started.' })).not.toBeNull();
  });

  it('labels a test-mode email "recorded, not sent" and shows it as the customer would get it', async () => {
    const recorded: CaseDetail = { ...activeCase, emails: [{ ...activeCase.emails[0]!, delivery: 'recorded_test_mode', status: 'sent', deliveredAt: null, openedAt: null, opens: 0 }] };
    const email = recordedEmail;
    const backend = fakeBackend({ 'GET /api/recovery/status': { body: recorded }, [`GET /api/recovery/emails/${activeCase.id}/0`]: { body: email } });
    const { wrapper, update } = renderView(backend.withBackend(<InvoiceDetail {...viewProps({ objectId: 'in_42' })} />));
    await update();
    expect(wrapper.find(ListItem, { title: 'Reminder 1 · Nov 18, 2026, 3:00 PM UTC' })).toHaveProps({ secondaryTitle: 'Test mode: recorded, not sent' });
    press(wrapper, 'View reminder 1');
    await update();
    expect(backend.sent.at(-1)).toMatchObject({ method: 'GET', path: `/api/recovery/emails/${activeCase.id}/0`, query: { account_id: 'acct_1234' } });
    expect(wrapper).toContainText('Your payment for Acme did not go through');
    expect(wrapper).toContainText('Hi Alice, please update your card.');
    expect(wrapper).toContainText('To alice@example.com');
  });

  it('sends "retry now" to the backend, signed, for this case', async () => {
    const backend = fakeBackend({ 'GET /api/recovery/status': { body: activeCase }, 'POST /api/recovery/retry': { status: 202, body: retryScheduled } });
    const { wrapper, update } = renderView(backend.withBackend(<InvoiceDetail {...viewProps({ objectId: 'in_42' })} />));
    await update();
    press(wrapper, 'Retry now');
    await update();
    const retry = backend.sent.find((request) => request.path === '/api/recovery/retry')!;
    expect(retry).toMatchObject({ method: 'POST', body: { caseId: activeCase.id, user_id: 'usr_1234', account_id: 'acct_1234', livemode: false } });
    expect(retry.signature).toMatch(/^t=1,v1=signature-\d+$/);
    expect(retry.signature).not.toBe(backend.sent[0]!.signature);
    expect(wrapper).toContainComponent(Banner, { type: 'default' });
  });

  it('pauses, then offers to resume', async () => {
    const backend = fakeBackend({ 'GET /api/recovery/status': { body: activeCase }, 'POST /api/recovery/pause': { body: { ...activeCase, paused: true } } });
    const { wrapper, update } = renderView(backend.withBackend(<InvoiceDetail {...viewProps({ objectId: 'in_42' })} />));
    await update();
    press(wrapper, 'Pause');
    await update();
    expect(button(wrapper, 'Resume')).not.toBeNull();
    expect(button(wrapper, 'Retry now')).toHaveProps({ disabled: true });
    expect(wrapper).toContainText('Paused: nothing happens until someone resumes recovery.');
  });

  it("shows the backend's reason when a reminder is refused", async () => {
    const backend = fakeBackend({
      'GET /api/recovery/status': { body: activeCase },
      'POST /api/recovery/remind': { status: 429, body: errorBody('The customer got an email recently; the next reminder can go at 2026-11-24T15:00:00.000Z.', 'rate_limit_error') },
    });
    const { wrapper, update } = renderView(backend.withBackend(<InvoiceDetail {...viewProps({ objectId: 'in_42' })} />));
    await update();
    press(wrapper, 'Send reminder');
    await update();
    expect(wrapper).toContainComponent(Banner, { type: 'critical', title: 'The customer got an email recently; the next reminder can go at 2026-11-24T15:00:00.000Z.' });
  });

  it("fetches a fresh card-update link and shows it to copy", async () => {
    const backend = fakeBackend({
      'GET /api/recovery/status': { body: activeCase },
      'POST /api/recovery/card-update-link': { body: cardUpdateLink },
    });
    const { wrapper, update } = renderView(backend.withBackend(<InvoiceDetail {...viewProps({ objectId: 'in_42' })} />));
    await update();
    press(wrapper, 'Copy card-update link');
    await update();
    await update();
    expect(wrapper.find(TextField, { label: 'Card-update link' })).toHaveProps({ value: 'https://recovery.test/update?token=abc', readOnly: true });
    expect(backend.copied).toEqual(['https://recovery.test/update?token=abc']);
    expect(backend.sent.find((request) => request.path === '/api/recovery/card-update-link')).toMatchObject({ body: { caseId: activeCase.id, account_id: 'acct_1234' } });
    expect(wrapper).toContainComponent(Banner, { type: 'default', title: 'Card-update link copied; it works until Nov 30, 2026, 10:00 AM UTC.' });
  });

  it('still shows the card-update link, without an error, when there is no clipboard', async () => {
    const backend = fakeBackend(
      { 'GET /api/recovery/status': { body: activeCase }, 'POST /api/recovery/card-update-link': { body: cardUpdateLink } },
      { clipboard: 'missing' },
    );
    const { wrapper, update } = renderView(backend.withBackend(<InvoiceDetail {...viewProps({ objectId: 'in_42' })} />));
    await update();
    press(wrapper, 'Copy card-update link');
    await update();
    await update();
    expect(wrapper.find(TextField, { label: 'Card-update link' })).toHaveProps({ value: 'https://recovery.test/update?token=abc' });
    expect(wrapper.find(Banner, { type: 'critical' })).toBeNull();
    expect(wrapper).toContainComponent(Banner, { type: 'default', title: 'Card-update link ready below; it works until Nov 30, 2026, 10:00 AM UTC.' });
  });

  it('cancels recovery, then disables every control', async () => {
    const backend = fakeBackend({ 'GET /api/recovery/status': { body: activeCase }, 'POST /api/recovery/cancel': { body: { ...activeCase, status: 'canceled', nextAction: null, closedAt: '2026-11-23T09:00:00.000Z' } } });
    const { wrapper, update } = renderView(backend.withBackend(<InvoiceDetail {...viewProps({ objectId: 'in_42' })} />));
    await update();
    press(wrapper, 'Cancel recovery');
    await update();
    expect(backend.sent.find((request) => request.path === '/api/recovery/cancel')).toMatchObject({ method: 'POST', body: { caseId: activeCase.id, user_id: 'usr_1234' } });
    expect(wrapper).toContainText('Canceled');
    for (const label of ['Retry now', 'Send reminder', 'Pause', 'Copy card-update link', 'Cancel recovery']) expect(button(wrapper, label)).toHaveProps({ disabled: true });
  });

  it('disables every control on a closed case', async () => {
    const recovered = { ...activeCase, status: 'recovered' as const, outcome: { status: 'recovered', recoveredBy: 'card_update' as const, at: '2026-11-21T10:00:00.000Z' }, nextAction: null };
    const backend = fakeBackend({ 'GET /api/recovery/status': { body: recovered } });
    const { wrapper, update } = renderView(backend.withBackend(<InvoiceDetail {...viewProps({ objectId: 'in_42' })} />));
    await update();
    for (const label of ['Retry now', 'Send reminder', 'Pause', 'Copy card-update link', 'Cancel recovery']) expect(button(wrapper, label)).toHaveProps({ disabled: true });
    expect(wrapper).toContainText('Recovered by: Card update');
  });

  it('shows an analyst the case read-only, without controls, and says why', async () => {
    const backend = fakeBackend({ 'GET /api/recovery/status': { body: activeCase } });
    const { wrapper, update } = renderView(backend.withBackend(<InvoiceDetail {...viewProps({ objectId: 'in_42', roles: [{ id: 'analyst', name: 'Analyst', type: 'builtIn' }] })} />));
    await update();
    expect(wrapper).toContainText('Your Dashboard role (Analyst) can view recovery but not change it. Ask an administrator.');
    for (const label of ['Retry now', 'Send reminder', 'Pause', 'Resume', 'Copy card-update link', 'Cancel recovery']) expect(button(wrapper, label)).toBeNull();
    expect(wrapper).toContainText('first business day after a common payday');
    expect(button(wrapper, 'View reminder 1')).not.toBeNull();
  });

  it('gives a support specialist the controls', async () => {
    const backend = fakeBackend({ 'GET /api/recovery/status': { body: activeCase } });
    const { wrapper, update } = renderView(backend.withBackend(<InvoiceDetail {...viewProps({ objectId: 'in_42', roles: [{ id: 'support_specialist', name: 'Support specialist', type: 'builtIn' }] })} />));
    await update();
    for (const label of ['Retry now', 'Send reminder', 'Pause', 'Copy card-update link', 'Cancel recovery']) expect(button(wrapper, label)).not.toBeNull();
    expect(wrapper).not.toContainText('can view recovery but not change it');
  });

  it('names who asked for each control on the timeline: the Dashboard user or the API key', async () => {
    const asked: CaseDetail = {
      ...activeCase,
      timeline: [
        ...activeCase.timeline,
        { at: '2026-11-19T10:00:00.000Z', kind: 'merchant_control', summary: 'The merchant paused recovery: no retries or emails until it is resumed.', by: { kind: 'dashboard_user', userId: 'usr_alice' } },
        { at: '2026-11-19T11:00:00.000Z', kind: 'merchant_control', summary: 'The merchant resumed recovery.', by: { kind: 'api_key', keyId: 'key_1', keyName: 'Zapier' } },
      ],
    };
    const backend = fakeBackend({ 'GET /api/recovery/status': { body: asked } });
    const { wrapper, update } = renderView(backend.withBackend(<InvoiceDetail {...viewProps({ objectId: 'in_42' })} />));
    await update();
    expect(wrapper.find(ListItem, { title: 'The merchant paused recovery: no retries or emails until it is resumed.' })).toHaveProps({ secondaryTitle: 'Nov 19, 2026, 10:00 AM UTC · by usr_alice' });
    expect(wrapper.find(ListItem, { title: 'The merchant resumed recovery.' })).toHaveProps({ secondaryTitle: 'Nov 19, 2026, 11:00 AM UTC · by API key Zapier' });
    expect(wrapper.find(ListItem, { title: 'Payment of 49.00 USD failed: recovery started.' })).toHaveProps({ secondaryTitle: 'Nov 18, 2026, 2:00 PM UTC' });
  });

  it('says there is nothing to recover when the invoice has no case', async () => {
    const backend = fakeBackend({ 'GET /api/recovery/status': { status: 404, body: errorBody('No recovery case for invoice in_42.', 'not_found_error') } });
    const { wrapper, update } = renderView(backend.withBackend(<InvoiceDetail {...viewProps({ objectId: 'in_42' })} />));
    await update();
    expect(wrapper).toContainText('No recovery for this invoice');
  });

  it('shows an error it cannot recover from, with a way to try again', async () => {
    const backend = fakeBackend({ 'GET /api/recovery/status': { status: 401, body: errorBody('The Stripe-Signature does not match, or is older than 5 minutes.', 'authentication_error') } });
    const { wrapper, update } = renderView(backend.withBackend(<InvoiceDetail {...viewProps({ objectId: 'in_42' })} />));
    await update();
    const banner = wrapper.find(Banner, { type: 'critical' })!;
    expect(banner).toHaveProps({ description: 'The Stripe-Signature does not match, or is older than 5 minutes.' });
    expect(componentsIn(banner.prop('actions')).map((component) => component.text)).toContain('Try again');
  });

  it('labels a case of the control group, and only such a case', async () => {
    const held: CaseDetail = { ...activeCase, group: 'control', nextAction: { kind: 'none', at: null, reason: 'Control group: Stripe’s own retries and emails carry on.' } };
    for (const [found, labeled] of [[activeCase, false], [held, true]] as const) {
      const backend = fakeBackend({ 'GET /api/recovery/status': { body: found } });
      const { wrapper, update } = renderView(backend.withBackend(<InvoiceDetail {...viewProps({ objectId: 'in_42' })} />));
      await update();
      expect(badgesIn(wrapper).includes(`neutral: ${CONTROL_GROUP_LABEL}`)).toBe(labeled);
    }
  });
});
