import { Banner, Button, TextField } from '@stripe/ui-extension-sdk/ui';
import { useState } from 'react';
import type { BackendClient } from '../src/api/backendClient';
import type { MerchantSettings } from '../src/api/contract';
import { CREDENTIALS_SHOWN_ONCE, Sender } from '../src/views/settings/Sender';
import { componentsIn, errorBody, fakeBackend, pressButton, renderView, typeInto, WithClient } from './fakeBackend';
import { ownServerSettings, settings } from './fixtures';

type Answers = Parameters<typeof fakeBackend>[0];

/** The section as the settings view holds it: a save replaces the settings it shows. */
function SenderSection({ backend, initial, canChange }: { backend: BackendClient; initial: MerchantSettings; canChange: boolean }) {
  const [current, setCurrent] = useState(initial);
  return <Sender saved={current} backend={backend} canChange={canChange} onSaved={setCurrent} />;
}

function openSection(answers: Answers, options: { initial?: MerchantSettings; canChange?: boolean } = {}) {
  const backend = fakeBackend(answers, { clipboard: 'working' });
  const view = renderView(backend.withBackend(<WithClient show={(client) => <SenderSection backend={client} initial={options.initial ?? settings} canChange={options.canChange ?? true} />} />));
  return { ...view, backend };
}

const puts = (backend: ReturnType<typeof fakeBackend>) => backend.sent.filter((request) => request.method === 'PUT' && request.path === '/api/settings');
const credentials = { url: ownServerSettings.postmark.webhook!.url, username: 'pm_0123456789ab', password: 'a-password-shown-once-0123456789abcdefghijk' };

describe('Settings: sender', () => {
  it('says which sender applies and why, with the choices as saved', () => {
    const { wrapper } = openSection({}, { initial: ownServerSettings });
    expect(wrapper).toContainText('Emails come from "Acme Billing" <billing@acme.com>.');
    expect(wrapper).toContainText('Your own Postmark server sends from your address.');
    expect(wrapper).toContainText('Your Postmark server “Acme transactional” sends the emails');
    expect(wrapper.find(TextField, { label: 'From address' })).toHaveProps({ value: 'billing@acme.com' });
    expect(wrapper).toContainText(`URL: ${ownServerSettings.postmark.webhook!.url}`);
    expect(wrapper).toContainText('User name: pm_0123456789ab');
  });

  it("shows Postmark's refusal of the From address in its own words", () => {
    const refused = { ...ownServerSettings, sender: { ...ownServerSettings.sender, lastRefusal: { message: "The 'From' address you supplied (billing@acme.com) is not a Sender Signature on your account.", at: '2026-11-02T10:00:00.000Z' } } };
    const { wrapper } = openSection({}, { initial: refused });
    expect(wrapper).toContainComponent(Banner, { type: 'critical', title: 'Postmark refused this From address' });
    expect(wrapper.find(Banner, { title: 'Postmark refused this From address' })!.prop('description')).toContain('is not a Sender Signature');
  });

  it('never shows a token: the field starts empty even when one is set', () => {
    const { wrapper } = openSection({}, { initial: ownServerSettings });
    expect(wrapper.find(TextField, { label: 'Replace the server token' })).toHaveProps({ value: '', type: 'password' });
  });

  it('saves the sender with a new token, then shows the webhook password once', async () => {
    const { wrapper, update, backend } = openSection({ 'PUT /api/settings': { body: { ...ownServerSettings, postmarkWebhookCredentials: credentials } } });
    typeInto(wrapper, 'From name', 'Acme Billing');
    typeInto(wrapper, 'From address', ' billing@acme.com ');
    typeInto(wrapper, 'Postmark server token (optional)', ' server-token-1 ');
    pressButton(wrapper, 'Save sender');
    await update();
    expect(puts(backend)[0]!.body).toMatchObject({ sender: { fromName: 'Acme Billing', fromAddress: 'billing@acme.com', replyTo: null }, postmarkServerToken: 'server-token-1', account_id: 'acct_1234' });
    expect(wrapper).toContainComponent(Banner, { title: CREDENTIALS_SHOWN_ONCE, description: credentials.password });
    expect(wrapper).toContainText('Emails come from "Acme Billing" <billing@acme.com>.');
    expect(wrapper.find(TextField, { label: 'Replace the server token' })).toHaveProps({ value: '' });

    (componentsIn(wrapper.find(Banner, { title: CREDENTIALS_SHOWN_ONCE })!.prop('actions')).find((each) => each.text === 'Copy password')!.props.onPress as () => void)();
    await update();
    expect(backend.copied).toEqual([credentials.password]);
    wrapper.find(Banner, { title: CREDENTIALS_SHOWN_ONCE })!.trigger('onDismiss');
    expect(wrapper).not.toContainText(credentials.password);
  });

  it('sends no token when none was typed', async () => {
    const { wrapper, update, backend } = openSection({ 'PUT /api/settings': { body: settings } });
    typeInto(wrapper, 'Reply-To', 'help@acme.com');
    pressButton(wrapper, 'Save sender');
    await update();
    expect(puts(backend)[0]!.body).not.toHaveProperty('postmarkServerToken');
    expect(puts(backend)[0]!.body).toMatchObject({ sender: { replyTo: 'help@acme.com' } });
  });

  it("shows Postmark's refusal of a token and keeps what was typed", async () => {
    const refusal = "postmarkServerToken: Postmark does not accept this server token (Request does not contain a valid Server token.); copy it from your server's API Tokens tab";
    const { wrapper, update } = openSection({ 'PUT /api/settings': { status: 400, body: errorBody(refusal) } });
    typeInto(wrapper, 'From address', 'billing@acme.com');
    typeInto(wrapper, 'Postmark server token (optional)', 'wrong-token');
    pressButton(wrapper, 'Save sender');
    await update();
    expect(wrapper).toContainComponent(Banner, { type: 'critical', title: refusal });
    expect(wrapper.find(TextField, { label: 'Postmark server token (optional)' })).toHaveProps({ value: 'wrong-token' });
  });

  it('removes the own server on request', async () => {
    const { wrapper, update, backend } = openSection({ 'PUT /api/settings': { body: settings } }, { initial: ownServerSettings });
    pressButton(wrapper, 'Stop using my Postmark server');
    await update();
    expect(puts(backend)[0]!.body).toMatchObject({ postmarkServerToken: null });
    expect(wrapper).toContainText('Emails go out through our Postmark server.');
  });

  it('issues new webhook credentials and shows them once', async () => {
    const { wrapper, update, backend } = openSection({ 'POST /api/settings/postmark-webhook-credentials': { body: { object: 'postmark_webhook_credentials', ...credentials } } }, { initial: ownServerSettings });
    pressButton(wrapper, 'New credentials');
    await update();
    expect(backend.sent.some((request) => request.method === 'POST' && request.path === '/api/settings/postmark-webhook-credentials')).toBe(true);
    expect(wrapper).toContainComponent(Banner, { title: CREDENTIALS_SHOWN_ONCE, description: credentials.password });
    expect(wrapper).toContainText('The previous credentials no longer work.');
  });

  it('is read-only without the right to change settings', () => {
    const { wrapper } = openSection({}, { initial: ownServerSettings, canChange: false });
    expect(wrapper.find(TextField, { label: 'From address' })).toHaveProps({ disabled: true });
    expect(wrapper.findAll(Button)).toHaveLength(0);
  });
});
