import { Banner, Button, Checkbox, Spinner, TextField } from '@stripe/ui-extension-sdk/ui';
import { SECRET_SHOWN_ONCE } from '../src/views/settings/SecretShown';
import { WebhookEndpoints } from '../src/views/settings/WebhookEndpoints';
import { createdEndpoint as created, disabledEndpoint, endpoint, failedDelivery, pingAnswer, pingDelivery, rotatedEndpoint as rotated } from './fixtures';
import { badgesIn, componentsIn, errorBody, fakeBackend, pressButton, renderView, typeInto, WithClient } from './fakeBackend';

type Answers = Parameters<typeof fakeBackend>[0];
const listOf = (...data: unknown[]) => ({ body: { object: 'list', data } });

async function openSection(answers: Answers, options: { canChange?: boolean; clipboard?: 'working' | 'missing' } = {}) {
  const backend = fakeBackend({ 'GET /api/webhook-endpoints': listOf(endpoint, disabledEndpoint), ...answers }, { clipboard: options.clipboard ?? 'working' });
  const view = renderView(backend.withBackend(<WithClient show={(client) => <WebhookEndpoints backend={client} canChange={options.canChange ?? true} locale="en-US" />} />));
  expect(view.wrapper).toContainComponent(Spinner);
  await view.update();
  return { ...view, backend };
}

const check = (wrapper: Awaited<ReturnType<typeof openSection>>['wrapper'], label: string, checked = true) =>
  wrapper.findAll(Checkbox, { label }).at(-1)!.trigger('onChange', { target: { checked } } as never);
const sentTo = (backend: ReturnType<typeof fakeBackend>, method: string, path: string) => backend.sent.filter((request) => request.method === method && request.path === path);

describe('Settings: webhook endpoints', () => {
  it('lists each endpoint with its URL, description, events and status, and why we disabled one', async () => {
    const { wrapper } = await openSection({});
    expect(wrapper).toContainText('https://hooks.example.com/recovery');
    expect(wrapper).toContainText('Access control');
    expect(wrapper).toContainText('Events: recovery.succeeded, recovery.failed');
    expect(wrapper).toContainText('Events: All events');
    expect(badgesIn(wrapper)).toEqual(['positive: Enabled', 'negative: Disabled']);
    expect(wrapper).toContainComponent(Banner, { type: 'critical', title: 'Disabled after 3 days of failed deliveries: the last attempt answered 503' });
  });

  it('says when there is no endpoint yet', async () => {
    const { wrapper } = await openSection({ 'GET /api/webhook-endpoints': listOf() });
    expect(wrapper).toContainText('No webhook endpoints yet');
  });

  it("shows the backend's error and loads again on request", async () => {
    let healthy = false;
    const { wrapper, update } = await openSection({ 'GET /api/webhook-endpoints': () => (healthy ? listOf(endpoint) : { status: 503, body: errorBody('The database is unavailable.', 'api_error') }) });
    expect(wrapper).toContainComponent(Banner, { type: 'critical', description: 'The database is unavailable.' });
    healthy = true;
    (componentsIn(wrapper.find(Banner)!.prop('actions')).find((each) => each.text === 'Try again')!.props.onPress as () => void)();
    await update();
    await update();
    expect(wrapper).toContainText('https://hooks.example.com/recovery');
  });

  it('adds an endpoint for the chosen events and shows its signing secret once, with a copy button', async () => {
    const { wrapper, update, backend } = await openSection({ 'POST /api/webhook-endpoints': { status: 201, body: created } });
    pressButton(wrapper, 'Add endpoint');
    typeInto(wrapper, 'Endpoint URL (https)', ' https://new.example.com/hook ');
    check(wrapper, 'recovery.blocked');
    check(wrapper, 'ping');
    pressButton(wrapper, 'Add endpoint');
    await update();
    expect(sentTo(backend, 'POST', '/api/webhook-endpoints')[0]!.body).toMatchObject({ url: 'https://new.example.com/hook', enabledEvents: ['recovery.blocked', 'ping'] });
    expect(sentTo(backend, 'POST', '/api/webhook-endpoints')[0]!.body).not.toHaveProperty('description');
    expect(wrapper).toContainComponent(Banner, { title: SECRET_SHOWN_ONCE, description: 'whsec_new_secret' });
    expect(wrapper).toContainText('https://new.example.com/hook');
    (componentsIn(wrapper.find(Banner, { title: SECRET_SHOWN_ONCE })!.prop('actions')).find((each) => each.text === 'Copy secret')!.props.onPress as () => void)();
    await update();
    expect(backend.copied).toEqual(['whsec_new_secret']);
    expect(wrapper).toContainText('Copied.');
    wrapper.find(Banner, { title: SECRET_SHOWN_ONCE })!.trigger('onDismiss');
    expect(wrapper).not.toContainText('whsec_new_secret');
    expect(wrapper.findAll(TextField, { label: 'Endpoint URL (https)' })).toHaveLength(0);
  });

  it('subscribes to every event, including later ones, with "All events", and sends the description', async () => {
    const { wrapper, update, backend } = await openSection({ 'POST /api/webhook-endpoints': { status: 201, body: { ...created, enabledEvents: ['*'] } } });
    pressButton(wrapper, 'Add endpoint');
    typeInto(wrapper, 'Endpoint URL (https)', 'https://new.example.com/hook');
    typeInto(wrapper, 'Description (optional)', 'Slack alerts');
    check(wrapper, 'All events, including ones added later');
    expect(wrapper.findAll(Checkbox, { label: 'recovery.failed' }).at(-1)).toHaveProps({ checked: true, disabled: true });
    pressButton(wrapper, 'Add endpoint');
    await update();
    expect(sentTo(backend, 'POST', '/api/webhook-endpoints')[0]!.body).toMatchObject({ url: 'https://new.example.com/hook', enabledEvents: ['*'], description: 'Slack alerts' });
  });

  it('will not add an endpoint without a URL and an event', async () => {
    const { wrapper } = await openSection({});
    pressButton(wrapper, 'Add endpoint');
    const add = () => wrapper.findAll(Button).filter((node) => node.text === 'Add endpoint').at(-1)!;
    expect(add()).toHaveProps({ disabled: true });
    typeInto(wrapper, 'Endpoint URL (https)', 'https://new.example.com/hook');
    expect(add()).toHaveProps({ disabled: true });
    check(wrapper, 'recovery.failed');
    expect(add()).toHaveProps({ disabled: false });
  });

  it('shows why an endpoint was refused and keeps what was typed', async () => {
    const refusal = 'url: must be an https URL whose address is public';
    const { wrapper, update } = await openSection({ 'POST /api/webhook-endpoints': { status: 400, body: errorBody(refusal) } });
    pressButton(wrapper, 'Add endpoint');
    typeInto(wrapper, 'Endpoint URL (https)', 'http://10.0.0.1/hook');
    check(wrapper, 'recovery.failed');
    pressButton(wrapper, 'Add endpoint');
    await update();
    expect(wrapper).toContainComponent(Banner, { type: 'critical', title: refusal });
    expect(wrapper.find(TextField, { label: 'Endpoint URL (https)' })).toHaveProps({ value: 'http://10.0.0.1/hook' });
  });

  it('edits an endpoint, sending only what changed', async () => {
    const { wrapper, update, backend } = await openSection({ 'POST /api/webhook-endpoints/we_1': { body: { ...endpoint, description: 'Access and CRM' } } });
    pressButton(wrapper, 'Edit', 'first');
    typeInto(wrapper, 'Description (optional)', 'Access and CRM');
    pressButton(wrapper, 'Save endpoint');
    await update();
    const body = sentTo(backend, 'POST', '/api/webhook-endpoints/we_1')[0]!.body!;
    expect(body).toMatchObject({ description: 'Access and CRM' });
    expect(body).not.toHaveProperty('url');
    expect(body).not.toHaveProperty('enabledEvents');
    expect(wrapper).toContainText('Access and CRM');
    expect(wrapper).toContainComponent(Banner, { type: 'default', title: 'Endpoint saved.' });
  });

  it('disables an enabled endpoint and enables a disabled one', async () => {
    const { wrapper, update, backend } = await openSection({
      'POST /api/webhook-endpoints/we_1': { body: { ...endpoint, status: 'disabled' } },
      'POST /api/webhook-endpoints/we_2': { body: { ...disabledEndpoint, status: 'enabled', disabledReason: null } },
    });
    pressButton(wrapper, 'Disable');
    await update();
    expect(sentTo(backend, 'POST', '/api/webhook-endpoints/we_1')[0]!.body).toMatchObject({ status: 'disabled' });
    expect(badgesIn(wrapper)).toEqual(['negative: Disabled', 'negative: Disabled']);
    pressButton(wrapper, 'Enable');
    await update();
    expect(sentTo(backend, 'POST', '/api/webhook-endpoints/we_2')[0]!.body).toMatchObject({ status: 'enabled' });
    expect(wrapper).not.toContainComponent(Banner, { title: 'Disabled after 3 days of failed deliveries: the last attempt answered 503' });
    expect(badgesIn(wrapper)).toEqual(['negative: Disabled', 'positive: Enabled']);
  });

  it('deletes an endpoint only once the merchant confirms', async () => {
    const { wrapper, update, backend } = await openSection({ 'DELETE /api/webhook-endpoints/we_1': { body: { id: 'we_1', object: 'webhook_endpoint', deleted: true } } });
    wrapper.findAll(Button).find((node) => node.text === 'Delete')!.trigger('onPress');
    expect(wrapper).toContainText('Delete https://hooks.example.com/recovery? Events stop going to it at once, and this cannot be undone.');
    pressButton(wrapper, 'Keep it');
    expect(backend.sent.filter((request) => request.method === 'DELETE')).toHaveLength(0);
    wrapper.findAll(Button).find((node) => node.text === 'Delete')!.trigger('onPress');
    pressButton(wrapper, 'Delete endpoint');
    await update();
    expect(sentTo(backend, 'DELETE', '/api/webhook-endpoints/we_1')).toHaveLength(1);
    expect(wrapper).not.toContainText('https://hooks.example.com/recovery');
    expect(wrapper).toContainText('https://crm.example.com/hooks');
  });

  it('rotates the signing secret with the chosen overlap and shows the new secret once', async () => {
    const { wrapper, update, backend } = await openSection({ 'POST /api/webhook-endpoints/we_1/rotate-secret': { body: rotated } });
    wrapper.findAll(Button).find((node) => node.text === 'Rotate secret')!.trigger('onPress');
    expect(wrapper.find(TextField, { label: 'Keep the old secret signing for (hours)' })).toHaveProps({ value: '24' });
    typeInto(wrapper, 'Keep the old secret signing for (hours)', '48');
    pressButton(wrapper, 'Rotate now');
    await update();
    expect(sentTo(backend, 'POST', '/api/webhook-endpoints/we_1/rotate-secret')[0]!.body).toMatchObject({ overlapHours: 48 });
    expect(wrapper).toContainComponent(Banner, { title: SECRET_SHOWN_ONCE, description: 'whsec_rotated' });
    expect(wrapper).toContainText('The previous secret also signs each event until Nov 23, 2026, 10:00 AM UTC, so you can switch your receiver over.');
    expect(wrapper).toContainText('The previous signing secret also signs until Nov 23, 2026, 10:00 AM UTC.');
  });

  it('sends a test event and says how its delivery went', async () => {
    const { wrapper, update, backend } = await openSection({ 'POST /api/webhook-endpoints/we_1/ping': { body: pingAnswer } });
    wrapper.findAll(Button).find((node) => node.text === 'Send test event')!.trigger('onPress');
    await update();
    expect(sentTo(backend, 'POST', '/api/webhook-endpoints/we_1/ping')).toHaveLength(1);
    expect(wrapper).toContainComponent(Banner, { type: 'default', title: 'Test event sent: delivered, answered 200 in 35 ms.' });
  });

  it('shows the delivery log with every attempt and the next one, resends a delivery, and reads older ones', async () => {
    const resent = { ...failedDelivery, status: 'pending' as const };
    const older = { ...pingDelivery, id: 'wd_0', createdAt: '2026-11-19T09:00:00.000Z' };
    let page = 0;
    const { wrapper, update, backend } = await openSection({
      'GET /api/webhook-endpoints/we_1/deliveries': () => (++page === 1 ? { body: { object: 'list', data: [failedDelivery], hasMore: true } } : { body: { object: 'list', data: [older], hasMore: false } }),
      'POST /api/webhook-deliveries/wd_1/resend': { body: resent },
    });
    wrapper.findAll(Button).find((node) => node.text === 'Show delivery log')!.trigger('onPress');
    await update();
    expect(sentTo(backend, 'GET', '/api/webhook-endpoints/we_1/deliveries')[0]!.query).toMatchObject({ limit: '10' });
    expect(wrapper).toContainText('recovery.succeeded · Nov 20, 2026, 10:00 AM UTC');
    expect(badgesIn(wrapper)).toContain('negative: Failed, retrying');
    expect(wrapper).toContainText('Attempt 1 · Nov 20, 2026, 10:00 AM UTC · answered 500 in 120 ms: Internal Server Error');
    expect(wrapper).toContainText('Attempt 2 · Nov 20, 2026, 10:05 AM UTC · no answer after 10000 ms: timeout');
    expect(wrapper).toContainText('Next attempt Nov 20, 2026, 11:05 AM UTC');
    pressButton(wrapper, 'Resend');
    await update();
    expect(sentTo(backend, 'POST', '/api/webhook-deliveries/wd_1/resend')).toHaveLength(1);
    expect(badgesIn(wrapper)).toContain('info: Pending');
    expect(wrapper).toContainComponent(Banner, { type: 'default', title: 'Resent recovery.succeeded: pending, no answer after 10000 ms: timeout.' });
    pressButton(wrapper, 'Older deliveries');
    await update();
    expect(sentTo(backend, 'GET', '/api/webhook-endpoints/we_1/deliveries')[1]!.query).toMatchObject({ limit: '10', startingAfter: 'wd_1' });
    expect(wrapper).toContainText('ping · Nov 19, 2026, 9:00 AM UTC');
    expect(wrapper.findAll(Button).filter((node) => node.text === 'Older deliveries')).toHaveLength(0);
  });

  it('says when an endpoint has no deliveries yet, and when its log cannot be read', async () => {
    const { wrapper, update } = await openSection({
      'GET /api/webhook-endpoints/we_1/deliveries': { body: { object: 'list', data: [], hasMore: false } },
      'GET /api/webhook-endpoints/we_2/deliveries': { status: 500, body: errorBody('Something went wrong on our side.', 'api_error') },
    });
    for (const button of wrapper.findAll(Button).filter((node) => node.text === 'Show delivery log')) button.trigger('onPress');
    await update();
    expect(wrapper).toContainText('No events sent to this endpoint yet. Send a test event to try it.');
    expect(wrapper).toContainComponent(Banner, { type: 'critical', description: 'Something went wrong on our side.' });
  });

  it('is read-only for users who may not change settings: the log shows, nothing can be added, changed or resent', async () => {
    const { wrapper, update } = await openSection({ 'GET /api/webhook-endpoints/we_1/deliveries': { body: { object: 'list', data: [failedDelivery], hasMore: false } } }, { canChange: false });
    const labels = () => wrapper.findAll(Button).map((node) => node.text);
    for (const label of ['Add endpoint', 'Edit', 'Disable', 'Enable', 'Delete', 'Rotate secret', 'Send test event']) expect(labels()).not.toContain(label);
    wrapper.findAll(Button).find((node) => node.text === 'Show delivery log')!.trigger('onPress');
    await update();
    expect(wrapper).toContainText('Attempt 1 · Nov 20, 2026, 10:00 AM UTC · answered 500 in 120 ms: Internal Server Error');
    expect(labels()).not.toContain('Resend');
  });
});
