import { Errors, ServerClient } from 'postmark';
import { UpstreamError } from '../../errors';
import { SenderRefusedError, type Mailer, type SendResult } from '../../dunning';

/** Transactional stream: dunning emails are one-to-one messages about the customer's own account. */
export const DUNNING_MESSAGE_STREAM = 'outbound';

/**
 * The official Postmark client. `apiBase` points it at a local receiver
 * (tests, demo); a merchant's own server token overrides the default per send.
 */
export function createPostmarkMailer(options: { serverToken: string; apiBase?: string | undefined; timeoutSeconds?: number }): Mailer {
  const base = options.apiBase ? new URL(options.apiBase) : null;
  const clientOptions = {
    timeout: options.timeoutSeconds ?? 10,
    ...(base ? { useHttps: base.protocol === 'https:', requestHost: base.host } : {}),
  };
  const clients = new Map<string, ServerClient>();
  const clientFor = (token: string) => {
    let client = clients.get(token);
    if (!client) {
      client = new ServerClient(token, clientOptions);
      clients.set(token, client);
    }
    return client;
  };

  return {
    async send(email, serverToken) {
      try {
        const response = await clientFor(serverToken ?? options.serverToken).sendEmail({
          From: email.from,
          To: email.to,
          ...(email.replyTo ? { ReplyTo: email.replyTo } : {}),
          Subject: email.subject,
          HtmlBody: email.htmlBody,
          TextBody: email.textBody,
          Tag: email.tag,
          Metadata: email.metadata,
          MessageStream: DUNNING_MESSAGE_STREAM,
          TrackOpens: true,
          TrackLinks: 'HtmlAndText' as never,
        });
        return { kind: 'sent', messageId: response.MessageID, submittedAt: new Date(response.SubmittedAt) };
      } catch (error) {
        return translate(error);
      }
    },

    async findSent(metadata, serverToken) {
      const filter = { count: 50, offset: 0, ...Object.fromEntries(Object.entries(metadata).map(([key, value]) => [`metadata_${key}`, value])) };
      try {
        const found = await clientFor(serverToken ?? options.serverToken).getOutboundMessages(filter);
        return found.Messages.map((message) => ({ messageId: message.MessageID, submittedAt: new Date(message.ReceivedAt), metadata: message.Metadata ?? {} }));
      } catch (error) {
        const status = error instanceof Errors.PostmarkError ? error.statusCode : undefined;
        throw new UpstreamError('postmark', error instanceof Error ? error.message : String(error), true, status);
      }
    },
  };
}

// Postmark's ErrorCode 400 "Sender signature not found", 401 "Sender signature not confirmed".
const SENDER_REFUSED = new Set([400, 401]);

function translate(error: unknown): SendResult {
  if (error instanceof Errors.InactiveRecipientsError) return { kind: 'recipient_inactive', message: error.message };
  if (error instanceof Errors.InvalidEmailRequestError) return { kind: 'rejected', message: error.message };
  if (error instanceof Errors.ApiInputError && error.code === 406) return { kind: 'recipient_inactive', message: error.message };
  // The From is no confirmed sender signature or verified domain of the sending server: the merchant must fix
  // their sender, the customer's address is fine, so this is no refusal of the customer (retried hourly).
  if (error instanceof Errors.ApiInputError && SENDER_REFUSED.has(error.code)) throw new SenderRefusedError(error.message, error.statusCode);
  if (error instanceof Errors.ApiInputError && error.statusCode === 422) return { kind: 'rejected', message: error.message };
  // Outages, timeouts, rate limits and a bad token: worth retrying later (a token can be fixed).
  const status = error instanceof Errors.PostmarkError ? error.statusCode : undefined;
  throw new UpstreamError('postmark', error instanceof Error ? error.message : String(error), true, status);
}
