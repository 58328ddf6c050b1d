import { Banner, Button, DateField, Link, ListItem, Select, Spinner } from '@stripe/ui-extension-sdk/ui';
import { FailedPayments } from '../src/views/payments/FailedPayments';
import { componentsIn, errorBody, fakeBackend, pressButton, renderView, WithClient } from './fakeBackend';
import { exportLink, lastPaymentsPage, payments, sequences } from './fixtures';

type Answers = Parameters<typeof fakeBackend>[0];
type Wrapper = ReturnType<typeof renderView>['wrapper'];
const downloadLink = (wrapper: Wrapper) => wrapper.findAll(Link).find((node) => node.text === 'Download CSV') ?? null;

function openPayments(answers: Answers = {}) {
  const backend = fakeBackend({
    'GET /api/dashboard/payments': { body: payments },
    'GET /api/dashboard/sequences': { body: sequences },
    'POST /api/dashboard/export-link': { body: exportLink },
    ...answers,
  });
  const view = renderView(backend.withBackend(<WithClient show={(client) => <FailedPayments backend={client} currencies={['eur', 'usd']} locale="en-US" shown setShown={() => undefined} />} />));
  return { ...view, backend, paymentRequests: () => backend.sent.filter((request) => request.path === '/api/dashboard/payments').map((request) => request.query) };
}

describe('Failed payments', () => {
  it('shows a spinner for the payments and the sequences while they load', () => {
    const { wrapper } = openPayments();
    expect(wrapper).toContainComponent(Spinner);
    expect(wrapper).toContainText('Loading failed payments…');
    expect(wrapper).toContainText('Loading active sequences…');
  });

  it('lists each payment with its customer, when and why it failed, and what became of it, 20 to a page, signed', async () => {
    const { wrapper, update, backend, paymentRequests } = openPayments();
    await update();
    expect(paymentRequests()).toEqual([expect.objectContaining({ limit: '20', user_id: 'usr_1234', account_id: 'acct_1234', livemode: 'false' })]);
    expect(backend.sent.every((request) => request.signature !== null)).toBe(true);
    expect(wrapper.find(ListItem, { id: 'case_2' })).toHaveProps({ title: '$49.00 · b***@example.com', secondaryTitle: 'in_2 · failed Nov 18, 2026, 2:00 PM UTC · Temporary (insufficient funds, try again later)' });
    const value = componentsIn(wrapper.find(ListItem, { id: 'case_2' })!.prop('value'));
    expect(value.filter((each) => each.type === 'Badge').map((each) => each.text)).toEqual(['Recovered: Smart retry']);
    // The invoice's own page holds the case's timeline and controls.
    expect(value.find((each) => each.type === 'Link')).toMatchObject({ text: 'Open', props: { href: { name: 'invoiceDetails', params: { invoiceId: 'in_2' } } } });
  });

  it('pages with Next and Previous through the cursor the backend gave', async () => {
    let call = 0;
    const { wrapper, update, paymentRequests } = openPayments({ 'GET /api/dashboard/payments': () => ({ body: call++ % 2 === 0 ? payments : lastPaymentsPage }) });
    await update();
    expect(wrapper.findAll(Button).find((button) => button.text === 'Previous')).toHaveProps({ disabled: true });
    pressButton(wrapper, 'Next');
    await update();
    expect(paymentRequests()[1]).toMatchObject({ starting_after: 'case_2' });
    expect(wrapper.find(ListItem, { id: 'case_3' })).toHaveProps({ title: '€15.00 · cus_3' });
    expect(wrapper).toContainText('Failed payments, page 2');
    expect(wrapper.findAll(Button).find((button) => button.text === 'Next')).toHaveProps({ disabled: true });
    pressButton(wrapper, 'Previous');
    await update();
    expect(paymentRequests()[2]).not.toHaveProperty('starting_after');
    expect(wrapper.find(ListItem, { id: 'case_2' })).not.toBeNull();
  });

  it('sends each filter in the API’s words, the last day included, and starts again at the first page', async () => {
    let call = 0;
    const { wrapper, update, paymentRequests } = openPayments({ 'GET /api/dashboard/payments': () => ({ body: call++ === 0 ? payments : lastPaymentsPage }) });
    await update();
    pressButton(wrapper, 'Next');
    await update();
    wrapper.find(Select, { label: 'Status' })!.trigger('onChange', { target: { value: 'active' } } as never);
    await update();
    wrapper.find(Select, { label: 'Why it failed' })!.trigger('onChange', { target: { value: 'never_retry' } } as never);
    await update();
    wrapper.find(Select, { label: 'Currency' })!.trigger('onChange', { target: { value: 'eur' } } as never);
    await update();
    wrapper.find(DateField, { label: 'Failed from' })!.trigger('onChange', '2026-11-01' as never);
    await update();
    wrapper.find(DateField, { label: 'Failed until' })!.trigger('onChange', '2026-11-30' as never);
    await update();
    const last = paymentRequests().at(-1)!;
    expect(last).toMatchObject({ status: 'active', openingDeclineBucket: 'never_retry', currency: 'eur', from: '2026-11-01', to: '2026-12-01', limit: '20' });
    expect(last).not.toHaveProperty('starting_after');
    expect(wrapper.find(DateField, { label: 'Failed until' })).toHaveProps({ value: '2026-11-30' });
    wrapper.find(Select, { label: 'Status' })!.trigger('onChange', { target: { value: '' } } as never);
    await update();
    expect(paymentRequests().at(-1)).not.toHaveProperty('status');
  });

  it('says when there are no failed payments at all, and when none match the filters', async () => {
    const none = { ...lastPaymentsPage, data: [] };
    const { wrapper, update } = openPayments({ 'GET /api/dashboard/payments': { body: none } });
    await update();
    expect(wrapper).toContainText('No failed payments yet.');
    wrapper.find(Select, { label: 'Status' })!.trigger('onChange', { target: { value: 'churned' } } as never);
    await update();
    expect(wrapper).toContainText('No failed payments match these filters.');
  });

  it("shows the backend's refusal and loads again on request, while the sequences still show", async () => {
    let healthy = false;
    const { wrapper, update } = openPayments({ 'GET /api/dashboard/payments': () => (healthy ? { body: payments } : { status: 400, body: errorBody('to: must be after from') }) });
    await update();
    expect(wrapper).toContainComponent(Banner, { type: 'critical', description: 'to: must be after from' });
    expect(wrapper.find(ListItem, { id: 'sequence-case_1' })).not.toBeNull();
    healthy = true;
    (componentsIn(wrapper.find(Banner)!.prop('actions')).find((each) => each.text === 'Try again')!.props.onPress as () => void)();
    await update();
    await update();
    expect(wrapper.find(ListItem, { id: 'case_2' })).not.toBeNull();
  });
});

describe('Failed payments: active sequences', () => {
  it('shows how far each sequence has got and what happens next, and which are paused', async () => {
    const paused = { ...sequences.data[0]!, id: 'case_9', paused: true, nextEmailAt: null, nextRetryAt: null };
    const { wrapper, update } = openPayments({ 'GET /api/dashboard/sequences': { body: { ...sequences, data: [sequences.data[0], paused] } } });
    await update();
    expect(wrapper.find(ListItem, { id: 'sequence-case_1' })).toHaveProps({ secondaryTitle: '1 of 4 emails sent · next email Nov 21, 2026, 3:00 PM UTC · next retry Nov 20, 2026, 2:00 PM UTC' });
    expect(wrapper.find(ListItem, { id: 'sequence-case_9' })).toHaveProps({ secondaryTitle: '1 of 4 emails sent · paused' });
    expect(componentsIn(wrapper.find(ListItem, { id: 'sequence-case_9' })!.prop('value')).filter((each) => each.type === 'Badge').map((each) => each.text)).toEqual(['Paused']);
  });

  it('says when no recovery is running, and shows its own error', async () => {
    const empty = openPayments({ 'GET /api/dashboard/sequences': { body: { ...sequences, data: [] } } });
    await empty.update();
    expect(empty.wrapper).toContainText('No recovery is running right now.');
    const failing = openPayments({ 'GET /api/dashboard/sequences': { status: 503, body: errorBody('The database is unavailable.', 'api_error') } });
    await failing.update();
    expect(failing.wrapper).toContainComponent(Banner, { type: 'critical', description: 'The database is unavailable.' });
    expect(failing.wrapper.find(ListItem, { id: 'case_2' })).not.toBeNull();
  });
});

describe('Failed payments: CSV export', () => {
  it('asks for a signed link for the current filters and offers it to download, with when it stops working', async () => {
    const { wrapper, update, backend } = openPayments();
    await update();
    wrapper.find(Select, { label: 'Currency' })!.trigger('onChange', { target: { value: 'usd' } } as never);
    await update();
    pressButton(wrapper, 'Export CSV');
    await update();
    const sent = backend.sent.find((request) => request.path === '/api/dashboard/export-link')!;
    expect(sent).toMatchObject({ method: 'POST', body: { currency: 'usd', user_id: 'usr_1234', account_id: 'acct_1234', livemode: false }, signature: expect.stringMatching(/^t=1,v1=/) });
    expect(downloadLink(wrapper)).toHaveProps({ href: exportLink.url, target: '_blank' });
    expect(wrapper).toContainText('The link works until Nov 23, 2026, 10:05 AM UTC, for these filters only.');
  });

  it('drops a link made for other filters', async () => {
    const { wrapper, update } = openPayments();
    await update();
    pressButton(wrapper, 'Export CSV');
    await update();
    expect(downloadLink(wrapper)).not.toBeNull();
    wrapper.find(Select, { label: 'Status' })!.trigger('onChange', { target: { value: 'recovered' } } as never);
    await update();
    expect(downloadLink(wrapper)).toBeNull();
  });

  it("shows the backend's reason when no link can be made", async () => {
    const { wrapper, update } = openPayments({ 'POST /api/dashboard/export-link': { status: 429, body: errorBody('Too many requests: try again in a minute.', 'rate_limit_error') } });
    await update();
    pressButton(wrapper, 'Export CSV');
    await update();
    expect(wrapper).toContainComponent(Banner, { type: 'critical', title: 'Too many requests: try again in a minute.' });
    expect(downloadLink(wrapper)).toBeNull();
    expect(wrapper.find(ListItem, { id: 'case_2' })).not.toBeNull();
  });
});
