import { createPostmarkMailer } from '../../../backend/src/adapters/postmark';
import type { OutgoingEmail } from '../../../backend/src/dunning';
import { startPostmarkReceiver, type PostmarkReceiver } from '../../../devservices/postmark-receiver/postmarkReceiver';

let receiver: PostmarkReceiver;
beforeAll(async () => {
  receiver = await startPostmarkReceiver();
});
afterAll(async () => {
  await receiver.stop();
});
beforeEach(() => receiver.state.reset());

const email: OutgoingEmail = {
  from: 'Acme Billing <billing@acme.test>',
  to: 'alice@example.com',
  subject: 'Your payment did not go through',
  htmlBody: '<p>Hello Alice</p>',
  textBody: 'Hello Alice',
  tag: 'dunning-step-1',
  metadata: { accountId: 'acct_1', caseId: 'case_1', step: '1' },
};

const mailer = () => createPostmarkMailer({ serverToken: 'server-token-default', apiBase: receiver.url, timeoutSeconds: 1 });

describe('the Postmark mailer (official client against the local receiver)', () => {
  it('sends on the transactional stream with the tag, tracking and metadata', async () => {
    const result = await mailer().send(email);
    expect(result).toMatchObject({ kind: 'sent', messageId: expect.any(String) });
    expect(receiver.state.emails).toEqual([
      expect.objectContaining({
        serverToken: 'server-token-default',
        to: 'alice@example.com',
        subject: 'Your payment did not go through',
        messageStream: 'outbound',
        tag: 'dunning-step-1',
        trackOpens: true,
        trackLinks: 'HtmlAndText',
        metadata: { accountId: 'acct_1', caseId: 'case_1', step: '1' },
      }),
    ]);
  });

  it("uses a merchant's own server token when given one", async () => {
    await mailer().send(email, 'merchant-own-token');
    expect(receiver.state.emails[0]!.serverToken).toBe('merchant-own-token');
  });

  it('reports an inactive recipient as such, without throwing', async () => {
    receiver.state.inactiveRecipients.add('alice@example.com');
    expect(await mailer().send(email)).toMatchObject({ kind: 'recipient_inactive' });
    expect(receiver.state.emails).toHaveLength(0);
  });

  it('reports a message Postmark refuses as rejected', async () => {
    expect(await mailer().send({ ...email, to: '' })).toMatchObject({ kind: 'rejected' });
  });

  it.each([
    ['an outage', 'error_500'],
    ['a rate limit', 'rate_limit'],
    ['a bad server token', 'invalid_token'],
    ['a timeout', 'timeout'],
  ] as const)('turns %s into a retryable upstream error', async (_name, mode) => {
    receiver.state.setFault(mode, 1);
    await expect(mailer().send(email)).rejects.toMatchObject({ name: 'UpstreamError', vendor: 'postmark', retryable: true });
    expect(receiver.state.emails).toHaveLength(0);
  });
});

describe('the receiver inbox page', () => {
  it('lists caught emails and shows one as the customer would see it, escaped', async () => {
    await mailer().send({ ...email, subject: 'Card <update> needed' });
    const list = await (await fetch(`${receiver.url}/`)).text();
    expect(list).toContain('Card &lt;update&gt; needed');
    const id = receiver.state.emails[0]!.messageId;
    const view = await fetch(`${receiver.url}/emails/${id}`);
    expect(view.status).toBe(200);
    expect(await view.text()).toContain('sandbox srcdoc="&lt;p&gt;Hello Alice&lt;/p&gt;"');
    expect((await fetch(`${receiver.url}/emails/nope`)).status).toBe(404);
  });
});
