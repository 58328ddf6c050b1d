import { createPostmarkMailer, createPostmarkServerDirectory } from '../../../backend/src/adapters/postmark';
import { SenderRefusedError } from '../../../backend/src/dunning';
import { UpstreamError } from '../../../backend/src/errors';
import { startPostmarkReceiver, type PostmarkReceiver } from '../../../devservices/postmark-receiver/postmarkReceiver';

let receiver: PostmarkReceiver;
beforeAll(async () => {
  receiver = await startPostmarkReceiver();
});
afterAll(async () => {
  await receiver.stop();
});
beforeEach(() => receiver.state.reset());

const directory = () => createPostmarkServerDirectory({ apiBase: receiver.url, timeoutSeconds: 1 });

describe('the Postmark server directory (GET /server through the official client)', () => {
  it('names the server a known token opens, and nothing else of it', async () => {
    const server = receiver.state.addServer({ token: 'acme-token', name: 'Acme transactional' });
    expect(await directory().checkServerToken('acme-token')).toEqual({ kind: 'valid', serverId: server.id, serverName: 'Acme transactional' });
  });

  it('reports a token Postmark does not know as invalid (401)', async () => {
    expect(await directory().checkServerToken('unknown-token')).toMatchObject({ kind: 'invalid_token', message: expect.stringContaining('valid Server token') });
  });

  it('reports Postmark out of reach as unavailable, not as a bad token', async () => {
    const offline = createPostmarkServerDirectory({ apiBase: 'http://127.0.0.1:9', timeoutSeconds: 1 });
    expect(await offline.checkServerToken('acme-token')).toMatchObject({ kind: 'unavailable' });
  });
});

describe('the Postmark mailer and a From the server does not hold', () => {
  it("throws a SenderRefusedError, a non-retryable UpstreamError (the merchant's sender to fix), never a refusal of the customer", async () => {
    receiver.state.addServer({ token: 'acme-token', name: 'Acme', senderSignatures: ['billing@acme.com'] });
    const mailer = createPostmarkMailer({ serverToken: 'operator-token', apiBase: receiver.url, timeoutSeconds: 1 });
    const email = { from: '"Acme" <sales@acme.com>', to: 'alice@example.com', subject: 'Hi', htmlBody: '<p>Hi</p>', textBody: 'Hi', tag: 't', metadata: {} };
    const refused = await mailer.send(email, 'acme-token').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SenderRefusedError);
    expect(refused).toBeInstanceOf(UpstreamError);
    expect(refused).toMatchObject({ vendor: 'postmark', retryable: false, status: 422, message: expect.stringContaining('(sales@acme.com) is not a Sender Signature') });
    expect(await mailer.send({ ...email, from: '"Acme" <Billing@acme.com>' }, 'acme-token')).toMatchObject({ kind: 'sent' });
  });
});
