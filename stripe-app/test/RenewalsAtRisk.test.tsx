import { Banner, Spinner } from '@stripe/ui-extension-sdk/ui';
import HomeOverview from '../src/views/HomeOverview';
import { badgesIn, componentsIn, errorBody, fakeBackend, renderView, viewProps } from './fakeBackend';
import { atRisk, attention, lift, riskyRenewal, stats } from './fixtures';

function openHome(answers: Parameters<typeof fakeBackend>[0]) {
  const backend = fakeBackend({ 'GET /api/dashboard/stats': { body: stats }, 'GET /api/dashboard/attention': { body: attention }, 'GET /api/dashboard/lift': { body: lift }, 'GET /api/dashboard/at-risk': { body: atRisk }, ...answers });
  return { ...renderView(backend.withBackend(<HomeOverview {...viewProps()} />)), backend };
}

const riskBadges = (wrapper: ReturnType<typeof renderView>['wrapper']) => badgesIn(wrapper).filter((badge) => badge.endsWith(' risk'));

describe('HomeOverview: renewals at risk', () => {
  it('asks for the top five, signed, and shows how many renewals reach the alert threshold and their amount per currency', async () => {
    const { wrapper, update, backend } = openHome({});
    await update();
    expect(backend.sent.find((request) => request.path === '/api/dashboard/at-risk')).toMatchObject({ query: { limit: '5', account_id: 'acct_1234', livemode: 'false' }, signature: expect.stringMatching(/^t=1,v1=signature-/) });
    expect(wrapper).toContainText('3 renewals scored 70 or more · €25.00 · $148.00');
  });

  it('shows each renewal with its score and level, renewal date, pre-dunning status and first two reasons in words', async () => {
    const { wrapper, update } = openHome({});
    await update();
    expect(riskBadges(wrapper)).toEqual(['negative: 86 · High risk', 'negative: 74 · High risk', 'negative: 70 · High risk', 'warning: 41 · Medium risk']);
    expect(wrapper).toContainText('Alice Martin · $49.00');
    expect(wrapper).toContainText('Renews Dec 1, 2026 · Sent 1 reminder, next on Nov 17, 2026');
    expect(wrapper).toContainText('The card ending 4242 expires 11/2026, before the renewal on 1 December 2026.');
    expect(wrapper).toContainText('2 earlier failed payments, 1 of them for insufficient funds.');
    expect(wrapper).not.toContainText('A prepaid card.');
    expect(wrapper).toContainText('Bo Chen · €25.00');
    expect(wrapper).toContainText('Reminder planned for Nov 20, 2026');
    expect(wrapper).toContainText('c***@example.com · $99.00');
    expect(wrapper).toContainText('Reminders stopped after 2 reminders because the customer updated their card');
    expect(wrapper).toContainText('d***@example.com · $19.00');
    expect(wrapper).toContainText('Renews Dec 1, 2026 · No reminders');
  });

  it('shows no more than five renewals', async () => {
    const six = Array.from({ length: 6 }, (_, index) => ({ ...riskyRenewal, subscriptionId: `sub_${index}`, score: 90 - index }));
    const { wrapper, update } = openHome({ 'GET /api/dashboard/at-risk': { body: { ...atRisk, data: six } } });
    await update();
    expect(riskBadges(wrapper)).toEqual(['negative: 90 · High risk', 'negative: 89 · High risk', 'negative: 88 · High risk', 'negative: 87 · High risk', 'negative: 86 · High risk']);
  });

  it('says when no renewal in the next 30 days is at risk', async () => {
    const { wrapper, update } = openHome({ 'GET /api/dashboard/at-risk': { body: { ...atRisk, data: [], has_more: false, next_cursor: null, summary: { count: 0, amountMinorByCurrency: {}, atOrAbove: 70 } } } });
    await update();
    expect(wrapper).toContainText('No renewals at risk in the next 30 days.');
    expect(riskBadges(wrapper)).toEqual([]);
  });

  it('loads on its own: a spinner while it loads, its own error with "Try again", and the rest of the home still shows', async () => {
    let healthy = false;
    const { wrapper, update } = openHome({ 'GET /api/dashboard/at-risk': () => (healthy ? { body: atRisk } : { status: 503, body: errorBody('The risk scores are unavailable.', 'api_error') }) });
    expect(wrapper).toContainText('Loading renewals at risk…');
    expect(wrapper).toContainComponent(Spinner);
    await update();
    expect(wrapper).toContainText('$1,234.00');
    expect(wrapper).toContainComponent(Banner, { type: 'critical', description: 'The risk scores are unavailable.' });
    healthy = true;
    const tryAgain = componentsIn(wrapper.find(Banner, { description: 'The risk scores are unavailable.' })!.prop('actions')).find((component) => component.text === 'Try again')!;
    (tryAgain.props.onPress as () => void)();
    await update();
    await update();
    expect(wrapper).toContainText('3 renewals scored 70 or more');
  });
});
