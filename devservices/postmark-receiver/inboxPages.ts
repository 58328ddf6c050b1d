import Router from '@koa/router';
import type { CaughtEmail, FaultMode, ReceiverState } from './receiverState';

const FAULT_MODES: FaultMode[] = ['error_500', 'rate_limit', 'timeout', 'invalid_token', 'drop_answer'];

/** The receiver's own pages and control API: what it caught, and switches for tests. */
export function inboxRoutes(state: ReceiverState): Router {
  const router = new Router();

  router.get('/_receiver/emails', (ctx) => {
    ctx.body = state.emails;
  });
  router.delete('/_receiver/emails', (ctx) => {
    state.reset();
    ctx.status = 204;
  });
  router.post('/_receiver/inactive', (ctx) => {
    const email = (ctx.request.body as { email?: unknown }).email;
    if (typeof email !== 'string') return badRequest(ctx, 'email is required');
    state.inactiveRecipients.add(email.toLowerCase());
    ctx.status = 204;
  });
  router.post('/_receiver/faults', (ctx) => {
    const { mode, count } = ctx.request.body as { mode?: FaultMode; count?: number };
    if (!mode || !FAULT_MODES.includes(mode)) return badRequest(ctx, `mode must be one of ${FAULT_MODES.join(', ')}`);
    state.setFault(mode, typeof count === 'number' && count > 0 ? count : 1);
    ctx.status = 204;
  });
  router.delete('/_receiver/faults', (ctx) => {
    state.clearFault();
    ctx.status = 204;
  });

  router.get('/', (ctx) => {
    const rows = [...state.emails]
      .reverse()
      .map(
        (email) =>
          `<tr><td>${escape(email.receivedAt.toISOString())}</td><td>${escape(email.to)}</td>` +
          `<td><a href="/emails/${escape(email.messageId)}">${escape(email.subject)}</a></td><td>${escape(email.tag ?? '')}</td></tr>`,
      )
      .join('');
    ctx.type = 'html';
    ctx.body = page(
      'Caught emails',
      `<h1>Caught emails (${state.emails.length})</h1><p>Every email the backend sent to this local Postmark stand-in, newest first.</p>` +
        `<table><thead><tr><th scope="col">Received</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Tag</th></tr></thead><tbody>${rows}</tbody></table>`,
    );
  });

  router.get('/emails/:id', (ctx) => {
    const email = state.emails.find((candidate) => candidate.messageId === ctx.params.id);
    ctx.type = 'html';
    if (!email) {
      ctx.status = 404;
      ctx.body = page('Not found', '<p>No such email. <a href="/">All emails</a></p>');
      return;
    }
    ctx.body = page(email.subject, emailView(email));
  });

  return router;
}

function badRequest(ctx: { status: number; body: unknown }, message: string): void {
  ctx.status = 400;
  ctx.body = { error: message };
}

function emailView(email: CaughtEmail): string {
  // The HTML body is shown in a sandboxed frame: no scripts, nothing it contains can reach this page.
  const html = email.htmlBody ? `<iframe title="HTML version" sandbox srcdoc="${escape(email.htmlBody)}"></iframe>` : '<p>(no HTML version)</p>';
  return (
    `<p><a href="/">← all emails</a></p><h1>${escape(email.subject)}</h1>` +
    `<dl><dt>From</dt><dd>${escape(email.from)}</dd><dt>To</dt><dd>${escape(email.to)}</dd><dt>Tag</dt><dd>${escape(email.tag ?? '')}</dd>` +
    `<dt>Stream</dt><dd>${escape(email.messageStream)}</dd><dt>Metadata</dt><dd>${escape(JSON.stringify(email.metadata))}</dd></dl>` +
    `<h2>As the customer sees it</h2>${html}<h2>Plain text</h2><pre>${escape(email.textBody ?? '(no text version)')}</pre>`
  );
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:960px}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}
iframe{width:100%;height:640px;border:1px solid #ccc}pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}dt{font-weight:600}</style></head><body>${body}</body></html>`;
}

function escape(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}
