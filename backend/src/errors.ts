import type { Middleware } from 'koa';
import type { Logger } from 'pino';

/** The error types a client sees, in Stripe's vocabulary so merchants recognise them. */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'api_error';

const typeByStatus: Record<number, ErrorType> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'invalid_request_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  429: 'rate_limit_error',
};

/** An expected failure with a stable snake_case code, rendered as-is to the client. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly param?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get type(): ErrorType {
    return typeByStatus[this.status] ?? 'api_error';
  }
}

/** The database could not be reached; callers (Stripe included) should retry. */
export class DatabaseUnavailableError extends AppError {
  constructor() {
    super('database_unavailable', 'The database is unreachable; retry later.', 503);
  }
}

const databaseErrorNames = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);

/** True when a failure means the database is down rather than the request being wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (databaseErrorNames.has(error.name)) return true;
  // Mongoose refuses commands on a closed connection when buffering is off.
  return error.name === 'MongooseError' && /before initial connection|Connection was force closed|client was closed/i.test(error.message);
}

/** The JSON body an expected failure is answered with. */
export function errorBodyOf(error: AppError) {
  return { error: { type: error.type, code: error.code, message: error.message, ...(error.param ? { param: error.param } : {}) } };
}

/** The first middleware: renders every error in one JSON shape; anything unexpected is a logged 500. */
export function errorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new AppError('route_not_found', `No route for ${ctx.method} ${ctx.path}.`, 404);
      }
    } catch (caught) {
      const error = isDatabaseUnavailable(caught) ? new DatabaseUnavailableError() : caught;
      if (error instanceof AppError) {
        ctx.status = error.status;
        ctx.body = errorBodyOf(error);
        if (error.status >= 500) logger.warn({ code: error.code, path: ctx.path }, error.message);
        return;
      }
      logger.error({ err: error, path: ctx.path, method: ctx.method }, 'unhandled error');
      ctx.status = 500;
      ctx.body = { error: { type: 'api_error', code: 'internal_error', message: 'Something went wrong on our side.' } };
    }
  };
}

/** A vendor (Stripe, Postmark) failed; `retryable` says whether trying again later can help. */
export class UpstreamError extends Error {
  constructor(
    readonly vendor: 'stripe' | 'postmark',
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}
