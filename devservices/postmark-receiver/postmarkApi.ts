import Router from '@koa/router';
import type { ParameterizedContext } from 'koa';
import type { ReceiverState } from './receiverState';

/**
 * The part of Postmark's API the backend uses: POST /email and /email/batch,
 * answered in Postmark's shapes and error codes (10 bad token, 300 invalid
 * email request, 406 inactive recipient, 429 rate limit).
 */
export function postmarkApiRoutes(state: ReceiverState, now: () => Date): Router {
  const router = new Router();

  router.post('/email', async (ctx) => {
    if (!(await passesFaults(ctx, state))) return;
    const result = accept(ctx.request.body as Record<string, unknown>, tokenOf(ctx), state, now());
    ctx.status = result.status;
    ctx.body = result.body;
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

async function passesFaults(ctx: ParameterizedContext, state: ReceiverState): Promise<boolean> {
  if (!tokenOf(ctx)) {
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
  return true;
}

function accept(message: Record<string, unknown>, token: string, state: ReceiverState, now: Date): { status: number; body: Record<string, unknown> } {
  const text = (key: string) => (typeof message[key] === 'string' && (message[key] as string).length > 0 ? (message[key] as string) : null);
  const to = text('To');
  const from = text('From');
  if (!to || !from || (!text('HtmlBody') && !text('TextBody'))) {
    return { status: 422, body: { ErrorCode: 300, Message: 'Invalid email request: To, From and a HtmlBody or TextBody are required.' } };
  }
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
