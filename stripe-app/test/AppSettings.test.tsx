import { Banner, Button, ListItem, Select, SettingsView, Spinner, TextField } from '@stripe/ui-extension-sdk/ui';
import AppSettings from '../src/views/AppSettings';
import { componentsIn, errorBody, fakeBackend, renderView, viewProps } from './fakeBackend';
import { apiKeys as keys, createdApiKey, emailPreview, settings } from './fixtures';

const admin = [{ id: 'admin', name: 'Administrator', type: 'builtIn' as const }];
type Wrapper = ReturnType<typeof renderView>['wrapper'];
const field = (wrapper: Wrapper, label: string) => wrapper.find(TextField, { label })!;
/** The buttons beside the listed API keys (they travel in each ListItem's value). */
const apiKeyButtons = (wrapper: Wrapper) => wrapper.findAll(ListItem).flatMap((item) => componentsIn(item.prop('value'))).filter((node) => node.type === 'Button').map((node) => node.text);
const type = (wrapper: Wrapper, label: string, value: string) => field(wrapper, label).trigger('onChange', { target: { value } } as never);

async function openSettings(answers: Parameters<typeof fakeBackend>[0], roles = admin) {
  const none = { body: { object: 'list', data: [] } };
  const backend = fakeBackend({ 'GET /api/settings': { body: settings }, 'GET /api/api-keys': { body: keys }, 'GET /api/webhook-endpoints': none, 'GET /api/experiments': none, ...answers });
  const view = renderView(backend.withBackend(<AppSettings {...viewProps({ roles })} />));
  expect(view.wrapper).toContainComponent(Spinner);
  await view.update();
  return { ...view, backend };
}

describe('AppSettings', () => {
  it('shows the retry policy, the network limits in words, the email steps, branding and API keys', async () => {
    const { wrapper } = await openSettings({});
    expect(field(wrapper, 'Retry for this many days after the first failure')).toHaveProps({ value: '21' });
    expect(wrapper.find(Select, { label: 'When recovery ends without payment' })).toHaveProps({ value: 'leave_open' });
    expect(wrapper).toContainText('Email 2');
    expect(field(wrapper, 'Business name')).toHaveProps({ value: 'Acme' });
    expect(wrapper).toContainComponent(SettingsView);
  });

  it('saves what was changed, signed, and says so', async () => {
    const { wrapper, update, backend } = await openSettings({ 'PUT /api/settings': { body: { ...settings, retryPolicy: { ...settings.retryPolicy, windowDays: 14, endAction: 'cancel_subscription' } } } });
    type(wrapper, 'Retry for this many days after the first failure', '14');
    wrapper.find(Select, { label: 'When recovery ends without payment' })!.trigger('onChange', { target: { value: 'cancel_subscription' } } as never);
    wrapper.find(SettingsView)!.trigger('onSave', {});
    await update();
    const saved = backend.sent.find((request) => request.method === 'PUT')!;
    expect(saved.body).toMatchObject({ retryPolicy: { windowDays: 14, endAction: 'cancel_subscription' }, branding: { merchantName: 'Acme' }, account_id: 'acct_1234', user_id: 'usr_1234' });
    expect(saved.body).not.toHaveProperty('postmarkServerToken');
    expect(saved.signature).toMatch(/^t=1,v1=signature-/);
    expect(wrapper.find(SettingsView)).toHaveProps({ statusMessage: 'Saved.' });
  });

  it('lets a number be cleared and typed again, and will not save an empty number', async () => {
    const { wrapper, update, backend } = await openSettings({ 'PUT /api/settings': { body: settings } });
    const label = 'Retry for this many days after the first failure';
    type(wrapper, label, '');
    expect(field(wrapper, label)).toHaveProps({ value: '', error: 'Enter a whole number.' });
    wrapper.find(SettingsView)!.trigger('onSave', {});
    await update();
    expect(backend.sent.find((request) => request.method === 'PUT')).toBeUndefined();
    expect(wrapper).toContainComponent(Banner, { type: 'critical', description: 'Enter a whole number in every number field.' });
    type(wrapper, label, '1');
    expect(field(wrapper, label)).toHaveProps({ value: '1', error: undefined });
  });

  it("saves the Mastercard limits next to Visa's", async () => {
    const { wrapper, update, backend } = await openSettings({ 'PUT /api/settings': { body: settings } });
    type(wrapper, 'Mastercard: declined attempts per card in 24 hours', '6');
    type(wrapper, 'Mastercard: declined attempts per card in 30 days', '20');
    wrapper.find(SettingsView)!.trigger('onSave', {});
    await update();
    expect(backend.sent.find((request) => request.method === 'PUT')!.body).toMatchObject({
      retryPolicy: { networkLimits: { visaMaxReattemptsPer30Days: 15, mastercardMaxDeclinesPer24h: 6, mastercardMaxDeclinesPer30Days: 20 } },
    });
  });

  it('shows who the emails come from and why, in its own section', async () => {
    const { wrapper } = await openSettings({});
    expect(wrapper).toContainText('Emails come from "Acme" <billing@recovery.example>.');
    expect(wrapper).toContainText('You have not set a From address');
    expect(field(wrapper, 'From address')).toHaveProps({ value: '' });
  });

  it('shows why a change was refused and keeps what was typed', async () => {
    const refusal = 'retryPolicy.maxAttempts: at most 15, the Visa limit on reattempts per card in 30 days';
    const { wrapper, update } = await openSettings({ 'PUT /api/settings': { status: 400, body: errorBody(refusal) } });
    type(wrapper, 'At most this many of our retries per payment', '30');
    wrapper.find(SettingsView)!.trigger('onSave', {});
    await update();
    expect(wrapper).toContainComponent(Banner, { type: 'critical', title: 'Not saved', description: refusal });
    expect(field(wrapper, 'At most this many of our retries per payment')).toHaveProps({ value: '30' });
  });

  it('previews an email step as the customer would get it', async () => {
    const { wrapper, update, backend } = await openSettings({ 'POST /api/settings/email-preview': { body: emailPreview } });
    wrapper.findAll(Button).find((node) => node.text === 'Preview')!.trigger('onPress');
    await update();
    expect(backend.sent.find((request) => request.path === '/api/settings/email-preview')!.body).toMatchObject({ stepIndex: 0, branding: { productName: 'Acme Pro' } });
    expect(wrapper).toContainText('Your Acme Pro payment did not go through');
  });

  it('creates an API key and shows it once', async () => {
    const created = createdApiKey;
    const { wrapper, update, backend } = await openSettings({ 'POST /api/api-keys': { status: 201, body: created } });
    type(wrapper, "New key's name", 'Reports');
    wrapper.find(Select, { label: 'Access' })!.trigger('onChange', { target: { value: 'read_write' } } as never);
    wrapper.findAll(Button).find((node) => node.text === 'Create key')!.trigger('onPress');
    await update();
    expect(backend.sent.find((request) => request.path === '/api/api-keys' && request.method === 'POST')!.body).toMatchObject({ name: 'Reports', scope: 'read_write' });
    expect(wrapper).toContainComponent(Banner, { title: 'Copy this key now: it is not shown again.', description: 'rk_recovery_cd34_secret' });
  });

  it("offers the customers' default language as a select and saves the choice", async () => {
    const { wrapper, update, backend } = await openSettings({ 'PUT /api/settings': { body: { ...settings, language: 'de' } } });
    const select = wrapper.find(Select, { label: 'Default language' })!;
    expect(select).toHaveProps({ value: 'en' });
    expect(wrapper).toContainText('Deutsch');
    expect(wrapper).toContainText('日本語');
    select.trigger('onChange', { target: { value: 'de' } } as never);
    wrapper.find(SettingsView)!.trigger('onSave', {});
    await update();
    expect(backend.sent.find((request) => request.method === 'PUT')!.body).toMatchObject({ language: 'de' });
  });

  it('shows the holdout share in percent and saves it as a fraction', async () => {
    const { wrapper, update, backend } = await openSettings({ 'PUT /api/settings': { body: { ...settings, holdoutShare: 0.25 } } });
    expect(field(wrapper, 'Holdout share (%)')).toHaveProps({ value: '10' });
    type(wrapper, 'Holdout share (%)', '25');
    wrapper.find(SettingsView)!.trigger('onSave', {});
    await update();
    expect(backend.sent.find((request) => request.method === 'PUT')!.body).toMatchObject({ holdoutShare: 0.25 });
  });

  it('turns the holdout off with 0 and will not save more than 50 %', async () => {
    const { wrapper, update, backend } = await openSettings({ 'PUT /api/settings': { body: { ...settings, holdoutShare: 0 } } });
    type(wrapper, 'Holdout share (%)', '60');
    wrapper.find(SettingsView)!.trigger('onSave', {});
    await update();
    expect(backend.sent.find((request) => request.method === 'PUT')).toBeUndefined();
    expect(wrapper).toContainComponent(Banner, { type: 'critical', description: 'The holdout share is a percentage from 0 to 50.' });
    type(wrapper, 'Holdout share (%)', '0');
    wrapper.find(SettingsView)!.trigger('onSave', {});
    await update();
    expect(backend.sent.find((request) => request.method === 'PUT')!.body).toMatchObject({ holdoutShare: 0 });
  });

  it('shows the webhook endpoints and experiments sections below the settings', async () => {
    const { wrapper } = await openSettings({});
    expect(wrapper).toContainText('Webhook endpoints');
    expect(wrapper).toContainText('No webhook endpoints yet');
    expect(wrapper).toContainText('No experiments yet.');
  });

  it('is read-only for users who may not change settings: no save, fields disabled, no key or endpoint controls, and says why', async () => {
    const { wrapper } = await openSettings({}, [{ id: 'view_only', name: 'View only', type: 'builtIn' }]);
    expect(wrapper.find(SettingsView)!.prop('onSave')).toBeUndefined();
    expect(wrapper).toContainComponent(Banner, {
      title: 'Read-only',
      description: 'Your Dashboard role (View only) can view these settings but not change them, nor manage API keys or webhook endpoints. Ask an administrator or a developer.',
    });
    expect(field(wrapper, 'Business name')).toHaveProps({ disabled: true });
    const labels = wrapper.findAll(Button).map((node) => node.text);
    expect(labels.filter((label) => ['Create key', 'Add endpoint', 'New experiment'].includes(label))).toEqual([]);
    expect(wrapper.find(ListItem, { title: 'Zapier (rk_recovery_ab12…)' })).not.toBeNull();
    expect(apiKeyButtons(wrapper)).toEqual([]);
  });

  it('gives administrators and developers the key and endpoint controls', async () => {
    for (const roles of [admin, [{ id: 'developer', name: 'Developer', type: 'builtIn' as const }]]) {
      const { wrapper } = await openSettings({}, roles);
      expect(wrapper.find(SettingsView)!.prop('onSave')).toBeDefined();
      expect(wrapper.findAll(Button).map((node) => node.text)).toEqual(expect.arrayContaining(['Create key', 'Add endpoint']));
      expect(apiKeyButtons(wrapper)).toContain('Revoke');
    }
  });
});
