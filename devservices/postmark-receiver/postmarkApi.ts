import Router from '@koa/router';
import type { ParameterizedContext } from 'koa';
import type { CaughtEmail, ReceiverState } from './receiverState';

/**
 * The part of Postmark's API the backend uses: POST /email and /email/batch,
 * answered in Postmark's shapes and error codes (10 bad token, 300 invalid
 * email request, 400 From not a sender signature, 406 inactive recipient,
 * 429 rate limit), the outbound message search (GET /messages/outbound,
 * filtered by `metadata_<key>=`), and GET /server for a known token.
 */
export function postmarkApiRoutes(state: ReceiverState, now: () => Date): Router {
  const router = new Router();

  // Postmark names the server a token opens; any other token is a 401 with ErrorCode 10.
  router.get('/server', (ctx) => {
    const server = state.servers.get(tokenOf(ctx));
    if (!server) {
      ctx.status = 401;
      ctx.body = { ErrorCode: 10, Message: 'Request does not contain a valid Server token.' };
      return;
    }
    ctx.body = {
      ID: server.id,
      Name: server.name,
      ApiTokens: [server.token],
      Color: 'blue',
      SmtpApiActivated: true,
      RawEmailEnabled: false,
      DeliveryType: 'Live',
      ServerLink: `https://postmark.invalid/servers/${server.id}/streams`,
      InboundAddress: `${server.id}@inbound.postmark.invalid`,
      PostFirstOpenOnly: false,
      InboundHash: String(server.id),
      InboundSpamThreshold: 0,
      TrackOpens: false,
      TrackLinks: 'None',
      IncludeBounceContentInHook: false,
      EnableSmtpApiErrorHooks: false,
    };
  });

  router.post('/email', async (ctx) => {
    const passes = await passesFaults(ctx, state);
    if (!passes) return;
    const result = accept(ctx.request.body as Record<string, unknown>, tokenOf(ctx), state, now());
    if (passes === 'drop_answer') {
      // Accepted and kept, but the client never hears so: as when a connection drops after Postmark took the message.
      ctx.req.socket.destroy();
      return;
    }
    ctx.status = result.status;
    ctx.body = result.body;
  });

  // Search never takes an injected fault, so a test's fault count means sends only.
  router.get('/messages/outbound', (ctx) => {
    if (!isAcceptedToken(state, tokenOf(ctx))) {
      ctx.status = 401;
      ctx.body = { ErrorCode: 10, Message: 'No Account or Server API tokens were supplied in the HTTP headers.' };
      return;
    }
    const count = Number(ctx.query.count);
    const offset = Number(ctx.query.offset ?? 0);
    if (!Number.isInteger(count) || count < 1 || count > 500 || !Number.isInteger(offset) || offset < 0) {
      ctx.status = 422;
      ctx.body = { ErrorCode: 1100, Message: 'count (1 to 500) and offset are required.' };
      return;
    }
    const wanted = Object.entries(ctx.query)
      .filter(([key, value]) => key.startsWith('metadata_') && typeof value === 'string')
      .map(([key, value]) => [key.slice('metadata_'.length), value as string] as const);
    const matches = state.emails
      .filter((email) => email.serverToken === tokenOf(ctx) && wanted.every(([key, value]) => email.metadata[key] === value))
      .reverse();
    ctx.body = { TotalCount: matches.length, Messages: matches.slice(offset, offset + count).map(summaryOf) };
  });

  router.post('/email/batch', async (ctx) => {
    if (!(await passesFaults(ctx, state))) return;
    const messages = ctx.request.body;
    if (!Array.isArray(messages)) {
      ctx.status = 422;
      ctx.body = { ErrorCode: 300, Message: 'The batch must be a JSON array of messages.' };
      return;
    }
    // Postmark answers a batch with 200 and one result per message, errors included.
    ctx.body = messages.map((message) => accept(message as Record<string, unknown>, tokenOf(ctx), state, now()).body);
  });

  return router;
}

function tokenOf(ctx: ParameterizedContext): string {
  return ctx.get('x-postmark-server-token');
}

function summaryOf(email: CaughtEmail): Record<string, unknown> {
  return {
    MessageID: email.messageId,
    Tag: email.tag ?? '',
    To: [{ Email: email.to, Name: null }],
    Cc: [],
    Bcc: [],
    Recipients: [email.to],
    ReceivedAt: email.receivedAt.toISOString(),
    From: email.from,
    Subject: email.subject,
    Attachments: [],
    Status: 'Sent',
    TrackOpens: email.trackOpens,
    TrackLinks: email.trackLinks ?? 'None',
    Metadata: email.metadata,
    MessageStream: email.messageStream,
    Sandboxed: false,
  };
}

/** False when a fault answered the request; 'drop_answer' when the message is to be kept but its answer lost. */
function isAcceptedToken(state: ReceiverState, token: string): boolean {
  return token !== '' && (state.servers.has(token) || !state.rejectUnknownTokens);
}

async function passesFaults(ctx: ParameterizedContext, state: ReceiverState): Promise<boolean | 'drop_answer'> {
  if (!isAcceptedToken(state, tokenOf(ctx))) {
    ctx.status = 401;
    ctx.body = { ErrorCode: 10, Message: 'No Account or Server API tokens were supplied in the HTTP headers.' };
    return false;
  }
  const fault = state.takeFault();
  if (fault === 'error_500') {
    ctx.status = 500;
    ctx.body = { ErrorCode: 500, Message: 'Internal server error (injected).' };
    return false;
  }
  if (fault === 'rate_limit') {
    ctx.status = 429;
    ctx.body = { ErrorCode: 429, Message: 'Rate limit exceeded (injected).' };
    return false;
  }
  if (fault === 'invalid_token') {
    ctx.status = 401;
    ctx.body = { ErrorCode: 10, Message: 'The Server API token is invalid (injected).' };
    return false;
  }
  if (fault === 'timeout') {
    // Hold the request longer than any client timeout we use, then drop it.
    await new Promise((resolve) => setTimeout(resolve, 35_000).unref());
    ctx.req.socket.destroy();
    return false;
  }
  return fault === 'drop_answer' ? 'drop_answer' : true;
}

function accept(message: Record<string, unknown>, token: string, state: ReceiverState, now: Date): { status: number; body: Record<string, unknown> } {
  const text = (key: string) => (typeof message[key] === 'string' && (message[key] as string).length > 0 ? (message[key] as string) : null);
  const to = text('To');
  const from = text('From');
  if (!to || !from || (!text('HtmlBody') && !text('TextBody'))) {
    return { status: 422, body: { ErrorCode: 300, Message: 'Invalid email request: To, From and a HtmlBody or TextBody are required.' } };
  }
  const refusal = state.senderRefusal(token, from);
  if (refusal) return { status: 422, body: { ErrorCode: refusal.errorCode, Message: refusal.message } };
  if (state.inactiveRecipients.has(to.toLowerCase())) {
    return {
      status: 422,
      body: { ErrorCode: 406, Message: `You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: ${to}.` },
    };
  }
  const metadata = typeof message.Metadata === 'object' && message.Metadata !== null ? (message.Metadata as Record<string, string>) : {};
  const caught = state.catch(
    {
      serverToken: token,
      from,
      to,
      replyTo: text('ReplyTo'),
      subject: text('Subject') ?? '',
      htmlBody: text('HtmlBody'),
      textBody: text('TextBody'),
      tag: text('Tag'),
      messageStream: text('MessageStream') ?? 'outbound',
      trackOpens: message.TrackOpens === true,
      trackLinks: text('TrackLinks'),
      metadata,
    },
    now,
  );
  return { status: 200, body: { To: to, SubmittedAt: now.toISOString(), MessageID: caught.messageId, ErrorCode: 0, Message: 'OK' } };
}
