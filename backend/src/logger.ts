import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Secrets and customer data are redacted by path so a
 * careless log call cannot leak them.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'recovery-backend' },
    redact: {
      paths: ['secret', '*.secret', 'token', '*.token', 'authorization', '*.authorization', 'headers["stripe-signature"]', 'customerEmail', '*.customerEmail'],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
