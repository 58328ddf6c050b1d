import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import getRawBody from 'raw-body';
import { acceptedLanguages, chooseLocale } from '../i18n';
import { renderCardUpdatePage, type CardUpdatePage } from './cardUpdatePages';
import type { CardUpdateService } from './cardUpdateService';

/**
 * GET /update?token=…, POST /update, GET /update/done?token=…: the customer's
 * card-update flow. Pages carry strict security headers; tokens ride in the
 * URL, so nothing is cached and no referrer leaves our origin. POST /update
 * takes only forms posted from our own page (publicOrigin, PUBLIC_URL's origin).
 */
export function createCardUpdateRoutes(deps: { service: CardUpdateService; portalOrigins: string[]; limitPerIp: Middleware; isHttps: boolean; publicOrigin: string }): Router {
  const router = new Router();

  const send = (ctx: Context, page: CardUpdatePage) => {
    // A link that names no merchant we know (tampered, incomplete) has no customer or merchant language: the browser's.
    const rendered = renderCardUpdatePage(page.locale ? page : { ...page, locale: chooseLocale(acceptedLanguages(ctx.get('accept-language')), null) });
    ctx.set(
      'Content-Security-Policy',
      [
        "default-src 'none'",
        `style-src ${rendered.styleSource}`,
        'img-src https:',
        // Browsers apply form-action to the redirect after the POST: the portal must be allowed.
        `form-action 'self' ${deps.portalOrigins.join(' ')}`,
        "frame-ancestors 'none'",
        "base-uri 'none'",
      ].join('; '),
    );
    ctx.status = rendered.status;
    ctx.type = 'html';
    ctx.body = rendered.html;
  };

  router.use(['/update', '/update/done'], async (ctx, next) => {
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('X-Content-Type-Options', 'nosniff');
    // same-origin, not no-referrer: under no-referrer browsers send "Origin: null" on our own form post,
    // which could not be told from a sandboxed attacker page. Other sites still get no referrer (the token).
    ctx.set('Referrer-Policy', 'same-origin');
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
    if (deps.isHttps) ctx.set('Strict-Transport-Security', 'max-age=31536000');
    await next();
  });
  router.use(['/update', '/update/done'], deps.limitPerIp);

  router.get('/update', async (ctx) => {
    send(ctx, await deps.service.show(tokenFromQuery(ctx)));
  });

  router.post('/update', async (ctx) => {
    if (!isPostedFromOrigin(ctx.get('origin') || undefined, ctx.get('referer') || undefined, deps.publicOrigin)) {
      // Another site's form: it must not send a customer's browser to a Billing Portal session it picked.
      send(ctx, { kind: 'invalid' });
      ctx.status = 403;
      return;
    }
    const token = await tokenFromForm(ctx);
    const outcome = await deps.service.start(token);
    if (outcome.kind === 'page') return send(ctx, outcome.page);
    // 303 so the browser follows with a GET; Koa keeps a redirect status it is given.
    ctx.status = 303;
    ctx.redirect(outcome.url);
  });

  router.get('/update/done', async (ctx) => {
    send(ctx, await deps.service.finish(tokenFromQuery(ctx)));
  });

  return router;
}

/**
 * True when a form post comes from our own pages. Origin decides when present
 * (every current browser sends it on a POST; "null" is refused). Without it,
 * a Referer must be ours. With neither, the request did not come from a
 * current browser, and a cross-site forgery needs the victim's browser: it is
 * let through, so scripts and older clients keep working.
 * Example: ("https://evil.example", _, "https://recover.example.com") → false.
 */
export function isPostedFromOrigin(origin: string | undefined, referer: string | undefined, publicOrigin: string): boolean {
  if (origin !== undefined) return origin === publicOrigin;
  if (referer === undefined) return true;
  try {
    return new URL(referer).origin === publicOrigin;
  } catch {
    return false;
  }
}

function tokenFromQuery(ctx: Context): string {
  const token = ctx.query.token;
  return typeof token === 'string' ? token : '';
}

async function tokenFromForm(ctx: Context): Promise<string> {
  try {
    const raw = await getRawBody(ctx.req, { limit: '8kb', encoding: 'utf8' });
    return new URLSearchParams(raw).get('token') ?? '';
  } catch {
    return '';
  }
}
