import type { Context } from 'koa';
import { merchantOf } from '../../backend/src/api';
import { AppError } from '../../backend/src/errors';

/**
 * A merchant route whose prefix is missing from app.ts's authentication list once answered without credentials
 * (a 500, not a 401, and only because the handler then failed): reading the caller must fail closed.
 */
describe('merchantOf', () => {
  it('refuses with 401 when no authentication ran for the request', () => {
    const unauthenticated = { state: {} } as unknown as Context;
    expect(() => merchantOf(unauthenticated)).toThrow(AppError);
    try {
      merchantOf(unauthenticated);
    } catch (error) {
      expect(error).toMatchObject({ status: 401, code: 'missing_credentials' });
    }
  });

  it('gives the authenticated caller', () => {
    const merchant = { accountId: 'acct_1', livemode: false, via: 'stripe_app', scope: 'read_write', userId: 'usr_1' };
    expect(merchantOf({ state: { merchant } } as unknown as Context)).toBe(merchant);
  });
});
