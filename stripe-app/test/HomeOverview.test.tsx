import { Banner, BarChart, ContextView, FocusView, LineChart, ListItem, Spinner } from '@stripe/ui-extension-sdk/ui';
import HomeOverview from '../src/views/HomeOverview';
import { CONTROL_GROUP_LABEL } from '../src/shared/ControlGroupBadge';
import { badgesIn, componentsIn, errorBody, fakeBackend, renderView, viewProps } from './fakeBackend';
import { atRisk, attention, lift, payments, sequences, stats } from './fixtures';

function openHome(answers: Parameters<typeof fakeBackend>[0]) {
  const backend = fakeBackend({ 'GET /api/dashboard/stats': { body: stats }, 'GET /api/dashboard/attention': { body: attention }, 'GET /api/dashboard/lift': { body: lift }, 'GET /api/dashboard/at-risk': { body: atRisk }, ...answers });
  return { ...renderView(backend.withBackend(<HomeOverview {...viewProps()} />)), backend };
}

describe('HomeOverview', () => {
  it('shows a spinner while the stats load', () => {
    const backend = fakeBackend({ 'GET /api/dashboard/stats': { body: stats }, 'GET /api/dashboard/attention': { body: attention } });
    const { wrapper } = renderView(backend.withBackend(<HomeOverview {...viewProps()} />));
    expect(wrapper).toContainComponent(Spinner);
  });

  it("shows this month's recovered amount per currency, the rate, active sequences, MRR saved, the trend and what needs attention", async () => {
    const backend = fakeBackend({ 'GET /api/dashboard/stats': { body: stats }, 'GET /api/dashboard/attention': { body: attention } });
    const { wrapper, update } = renderView(backend.withBackend(<HomeOverview {...viewProps()} />));
    await update();
    expect(wrapper).toContainText('€45.00 · $1,234.00');
    expect(wrapper.find(ListItem, { title: 'Recovery rate' })).toHaveProps({ value: '60%' });
    expect(wrapper.find(ListItem, { title: 'Active sequences' })).toHaveProps({ value: '7' });
    expect(wrapper.find(ListItem, { title: 'MRR saved this month' })).toHaveProps({ value: '€45.00 · $987.00' });
    expect(wrapper.find(BarChart)).toHaveProps({ data: [{ day: '11-22', kind: 'Recovered', count: 2 }, { day: '11-22', kind: 'Failed', count: 3 }] });
    expect(wrapper.find(ListItem, { id: 'case_1' })).toHaveProps({ secondaryTitle: 'in_1: Our emails cannot reach this customer.' });
    expect(componentsIn(wrapper.find(ListItem, { id: 'case_1' })!.prop('value'))).toEqual([expect.objectContaining({ type: 'Badge', text: 'Email undeliverable', props: expect.objectContaining({ type: 'negative' }) })]);
  });

  it('shows each currency on its own line when there are several: recovered, rate, MRR saved and churn prevented', async () => {
    const { wrapper, update } = openHome({});
    await update();
    expect(wrapper.find(ListItem, { id: 'currency-usd' })).toHaveProps({ title: 'USD', value: '$1,234.00 recovered · 62.5%', secondaryTitle: 'MRR saved $987.00 · churn prevented: 8 subscriptions' });
    expect(wrapper.find(ListItem, { id: 'currency-eur' })).toHaveProps({ value: '€45.00 recovered · 50%', secondaryTitle: 'MRR saved €45.00 · churn prevented: 1 subscription' });
    const single = openHome({ 'GET /api/dashboard/stats': { body: { ...stats, currencies: stats.currencies.slice(1) } } });
    await single.update();
    expect(single.wrapper.find(ListItem, { id: 'currency-usd' })).toBeNull();
  });

  it('signs every call and names the Dashboard user and account', async () => {
    const { update, backend } = openHome({});
    await update();
    expect(backend.sent.map((request) => request.path).sort()).toEqual(['/api/dashboard/at-risk', '/api/dashboard/attention', '/api/dashboard/lift', '/api/dashboard/stats']);
    for (const request of backend.sent) {
      expect(request.signature).toMatch(/^t=1,v1=signature-\d+$/);
      expect(request.query).toMatchObject({ user_id: 'usr_1234', account_id: 'acct_1234', livemode: 'false' });
    }
  });

  it('says so when there is nothing to recover yet', async () => {
    const empty = { ...stats, failedThisMonth: 0, recoveredTotal: 0, activeSequences: 0, currencies: [] };
    const backend = fakeBackend({ 'GET /api/dashboard/stats': { body: empty }, 'GET /api/dashboard/attention': { body: { ...attention, data: [] } } });
    const { wrapper, update } = renderView(backend.withBackend(<HomeOverview {...viewProps()} />));
    await update();
    expect(wrapper).toContainText('No failed payments yet');
  });

  it("shows the backend's error and loads again on request", async () => {
    let healthy = false;
    const backend = fakeBackend({
      'GET /api/dashboard/stats': () => (healthy ? { body: stats } : { status: 503, body: errorBody('The database is unavailable.', 'api_error') }),
      'GET /api/dashboard/attention': { body: attention },
    });
    const { wrapper, update } = renderView(backend.withBackend(<HomeOverview {...viewProps()} />));
    await update();
    expect(wrapper).toContainComponent(Banner, { type: 'critical', description: 'The database is unavailable.' });
    healthy = true;
    const tryAgain = componentsIn(wrapper.find(Banner)!.prop('actions')).find((component) => component.text === 'Try again')!;
    (tryAgain.props.onPress as () => void)();
    await update();
    await update();
    expect(wrapper).toContainText('$1,234.00');
  });

  it('labels an attention case of the control group', async () => {
    const { wrapper, update } = openHome({ 'GET /api/dashboard/attention': { body: { ...attention, data: [{ ...attention.data[0], group: 'control' }] } } });
    await update();
    expect(wrapper.find(ListItem, { id: 'case_1' })).toHaveProps({ secondaryTitle: `in_1: Our emails cannot reach this customer. · ${CONTROL_GROUP_LABEL}` });
  });
});

describe('HomeOverview: trend, breakdowns and emails', () => {
  const month = {
    ...stats,
    trend: [
      { day: '2026-11-21', failed: 1, recovered: 0, amounts: [{ currency: 'eur', failedMinor: 1500, recoveredMinor: 0 }] },
      { day: '2026-11-22', failed: 3, recovered: 2, amounts: [{ currency: 'usd', failedMinor: 14700, recoveredMinor: 9800 }, { currency: 'eur', failedMinor: 0, recoveredMinor: 4500 }] },
    ],
    byDeclineBucket: [
      { bucket: 'soft' as const, failed: 20, recovered: 12 },
      { bucket: 'ambiguous' as const, failed: 0, recovered: 0 },
      { bucket: 'never_retry' as const, failed: 4, recovered: 1 },
    ],
    byRecoveryMethod: [
      { method: 'our_retry' as const, count: 12, amounts: [{ currency: 'usd', amountMinor: 123400 }] },
      { method: 'card_update' as const, count: 1, amounts: [{ currency: 'eur', amountMinor: 4500 }] },
      { method: 'merchant' as const, count: 0, amounts: [] },
    ],
  };

  it('plots the money recovered per day in each currency, every day of each currency, in main units', async () => {
    const { wrapper, update } = openHome({ 'GET /api/dashboard/stats': { body: month } });
    await update();
    expect(wrapper.find(LineChart)).toHaveProps({
      x: 'day',
      y: 'recovered',
      color: 'currency',
      data: [
        { day: '11-21', currency: 'EUR', recovered: 0 },
        { day: '11-22', currency: 'EUR', recovered: 45 },
        { day: '11-21', currency: 'USD', recovered: 0 },
        { day: '11-22', currency: 'USD', recovered: 98 },
      ],
    });
  });

  it('breaks the month down by why payments failed, with the share won back, and by how the money came back, leaving out empty rows', async () => {
    const { wrapper, update } = openHome({ 'GET /api/dashboard/stats': { body: month } });
    await update();
    expect(wrapper.find(ListItem, { id: 'bucket-soft' })).toHaveProps({ title: 'Temporary (insufficient funds, try again later)', value: '12 of 20 recovered (60%)' });
    expect(wrapper.find(ListItem, { id: 'bucket-never_retry' })).toHaveProps({ value: '1 of 4 recovered (25%)' });
    expect(wrapper.find(ListItem, { id: 'bucket-ambiguous' })).toBeNull();
    expect(wrapper.find(ListItem, { id: 'method-our_retry' })).toHaveProps({ title: 'Smart retry', secondaryTitle: '$1,234.00', value: '12 payments' });
    expect(wrapper.find(ListItem, { id: 'method-card_update' })).toHaveProps({ title: 'Card update', secondaryTitle: '€45.00', value: '1 payment' });
    expect(wrapper.find(ListItem, { id: 'method-merchant' })).toBeNull();
  });

  it('shows the emails sent, delivered, opened, clicked and bounced, each with its share of those sent', async () => {
    const { wrapper, update } = openHome({});
    await update();
    expect(wrapper.find(ListItem, { id: 'emails-sent' })).toHaveProps({ value: '40' });
    expect(wrapper.find(ListItem, { id: 'emails-delivered' })).toHaveProps({ value: '38 (95%)' });
    expect(wrapper.find(ListItem, { id: 'emails-opened' })).toHaveProps({ value: '22 (55%)' });
    expect(wrapper.find(ListItem, { id: 'emails-clicked' })).toHaveProps({ value: '9 (22.5%)' });
    expect(wrapper.find(ListItem, { id: 'emails-bounced' })).toHaveProps({ value: '2 (5%)' });
  });

  it('says so when nothing failed, came back or was emailed this month, while older recoveries still count', async () => {
    const quiet = { ...stats, failedThisMonth: 0, recoveredThisMonth: 0, trend: [], byDeclineBucket: [{ bucket: 'soft' as const, failed: 0, recovered: 0 }], byRecoveryMethod: [], emails: { sent: 0, delivered: 0, opened: 0, clicked: 0, bounced: 0 } };
    const { wrapper, update } = openHome({ 'GET /api/dashboard/stats': { body: quiet } });
    await update();
    expect(wrapper).toContainText('No payment has failed this month.');
    expect(wrapper).toContainText('Nothing recovered this month yet.');
    expect(wrapper).toContainText('No recovery emails sent this month.');
    expect(wrapper.find(LineChart)).toBeNull();
    expect(wrapper.find(ListItem, { title: 'Recovered since install' })).toHaveProps({ value: '€90.00 · $9,999.00' });
  });

  it('opens the failed payments only when asked, and loads them then', async () => {
    const { wrapper, update, backend } = openHome({ 'GET /api/dashboard/payments': { body: payments }, 'GET /api/dashboard/sequences': { body: sequences } });
    await update();
    expect(wrapper.find(FocusView)).toHaveProps({ shown: false });
    expect(backend.sent.map((request) => request.path)).not.toContain('/api/dashboard/payments');
    const open = componentsIn(wrapper.find(ContextView)!.prop('actions')).find((component) => component.text === 'Failed payments')!;
    (open.props.onPress as () => void)();
    await update();
    expect(wrapper.find(FocusView)).toHaveProps({ shown: true, title: 'Failed payments' });
    expect(backend.sent.map((request) => request.path)).toEqual(expect.arrayContaining(['/api/dashboard/payments', '/api/dashboard/sequences']));
    expect(wrapper.find(ListItem, { id: 'case_2' })).not.toBeNull();
  });
});

describe('HomeOverview: the lift card', () => {
  it('shows, per currency, the recovered share and amount with recovery and in the control group, and the lift with its 95 % interval', async () => {
    const { wrapper, update } = openHome({});
    await update();
    expect(badgesIn(wrapper)).toContain('info: Holdout 10%');
    expect(wrapper.find(ListItem, { id: 'usd-treated' })).toHaveProps({ title: 'With recovery', value: '62% recovered · $30,380.00 (620 of 1000 ended)' });
    expect(wrapper.find(ListItem, { id: 'usd-control' })).toHaveProps({ title: 'Control group (no action)', value: '40% recovered · $2,156.00 (44 of 110 ended)' });
    expect(wrapper).toContainText('Lift: +22 points (95 % CI +12.5 to +30.9)');
  });

  it('says how far along a currency is while it lacks data, instead of a lift', async () => {
    const { wrapper, update } = openHome({});
    await update();
    expect(wrapper.find(ListItem, { id: 'eur-control' })).toHaveProps({ value: '37.5% recovered · €45.00 (3 of 8 ended)' });
    expect(wrapper).toContainText('Not enough data yet (8 of 100 ended cases per group)');
  });

  it('says "Holdout off" when no payment is held out', async () => {
    const { wrapper, update } = openHome({ 'GET /api/dashboard/lift': { body: { ...lift, holdoutShare: 0, currencies: [] } } });
    await update();
    expect(badgesIn(wrapper)).toContain('neutral: Holdout off');
    expect(wrapper).toContainText('No payments are held out, so the lift cannot be measured.');
  });

  it('says when no recovery has ended yet in either group', async () => {
    const { wrapper, update } = openHome({ 'GET /api/dashboard/lift': { body: { ...lift, currencies: [] } } });
    await update();
    expect(wrapper).toContainText('No recovery has ended yet in either group.');
  });

  it('loads on its own: a spinner while it loads, its own error with "Try again", and the rest of the home still shows', async () => {
    let healthy = false;
    const { wrapper, update } = openHome({ 'GET /api/dashboard/lift': () => (healthy ? { body: lift } : { status: 503, body: errorBody('The database is unavailable.', 'api_error') }) });
    expect(wrapper).toContainText('Loading the lift…');
    await update();
    expect(wrapper).toContainText('$1,234.00');
    expect(wrapper).toContainComponent(Banner, { type: 'critical', description: 'The database is unavailable.' });
    healthy = true;
    const tryAgain = componentsIn(wrapper.find(Banner, { description: 'The database is unavailable.' })!.prop('actions')).find((component) => component.text === 'Try again')!;
    (tryAgain.props.onPress as () => void)();
    await update();
    await update();
    expect(wrapper).toContainText('Lift: +22 points (95 % CI +12.5 to +30.9)');
  });
});
