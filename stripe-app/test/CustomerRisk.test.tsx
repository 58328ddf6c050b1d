import { Banner } from '@stripe/ui-extension-sdk/ui';
import CustomerDetail from '../src/views/CustomerDetail';
import { badgesIn, componentsIn, errorBody, fakeBackend, renderView, viewProps } from './fakeBackend';
import { customerRisk, riskyRenewal } from './fixtures';

function openCustomer(risk: Parameters<typeof fakeBackend>[0][string]) {
  const backend = fakeBackend({ 'GET /api/recovery/status': { body: { object: 'list', data: [] } }, 'POST /api/predict/risk': risk });
  return { ...renderView(backend.withBackend(<CustomerDetail {...viewProps({ objectId: 'cus_1' })} />)), backend };
}

describe('CustomerDetail: renewal risk', () => {
  it("scores this customer's renewals, signed, and shows the score, level, scorer, every reason, the card and the reminders", async () => {
    const { wrapper, update, backend } = openCustomer({ body: customerRisk });
    expect(wrapper).toContainText("Loading this customer's renewal risk…");
    await update();
    expect(backend.sent.find((request) => request.path === '/api/predict/risk')).toMatchObject({ method: 'POST', body: { customerId: 'cus_1', account_id: 'acct_1234', livemode: false }, signature: expect.stringMatching(/^t=1,v1=signature-/) });
    expect(badgesIn(wrapper)).toContain('negative: 86 · High risk');
    expect(wrapper).toContainText('$49.00 renews Dec 1, 2026');
    expect(wrapper).toContainText('sub_1 · Scored by rules · Nov 2, 2026, 8:00 AM UTC');
    for (const reason of riskyRenewal.reasons) expect(wrapper).toContainText(reason.text);
    expect(wrapper).toContainText('Card: Visa ending 4242 · expires 11/2026 · prepaid');
    expect(wrapper).toContainText('Before the renewal: Sent 1 reminder, next on Nov 17, 2026');
  });

  it("says when the account's own model scored it, and when reminders stopped", async () => {
    const modelled = {
      ...riskyRenewal, score: 35, level: 'low' as const, model: 'account_model' as const, reasons: [], card: { brand: 'mastercard', last4: '5555', expMonth: 3, expYear: 2029, funding: 'unknown' },
      preDunning: { status: 'stopped' as const, remindersSent: 0, nextReminderAt: null, stoppedBecause: 'card_updated_by_network' },
    };
    const { wrapper, update } = openCustomer({ body: { object: 'list', data: [modelled] } });
    await update();
    expect(badgesIn(wrapper)).toContain('neutral: 35 · Low risk');
    expect(wrapper).toContainText("Scored by your account's own model");
    expect(wrapper).toContainText('Nothing found that makes this renewal likely to fail.');
    expect(wrapper).toContainText('Card: Mastercard ending 5555 · expires 03/2029');
    expect(wrapper).toContainText('Before the renewal: Reminders stopped because the card networks updated the card');
  });

  it('says the customer has no active subscription renewing soon when the backend knows none (404)', async () => {
    const { wrapper, update } = openCustomer({ status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No active subscription for this customer.' } } });
    await update();
    expect(wrapper).toContainText('No active subscription renewing in the next 30 days.');
    expect(wrapper).not.toContainComponent(Banner);
  });

  it('shows a failure to score, and scores again on request', async () => {
    let healthy = false;
    const { wrapper, update } = openCustomer(() => (healthy ? { body: customerRisk } : { status: 500, body: errorBody('Something went wrong on our side.', 'api_error') }));
    await update();
    expect(wrapper).toContainComponent(Banner, { type: 'critical', description: 'Something went wrong on our side.' });
    healthy = true;
    const tryAgain = componentsIn(wrapper.find(Banner)!.prop('actions')).find((component) => component.text === 'Try again')!;
    (tryAgain.props.onPress as () => void)();
    await update();
    await update();
    expect(badgesIn(wrapper)).toContain('negative: 86 · High risk');
  });
});
