/** Stripe-shaped errors: the official SDK turns these into its typed error classes. */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message ?? 'error'));
  }
}

export function missing(kind: string, id: string): SandboxError {
  return new SandboxError(404, { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${kind}: '${id}'`, param: 'id' });
}

export function invalid(message: string, param?: string, code?: string): SandboxError {
  return new SandboxError(400, { type: 'invalid_request_error', message, ...(param ? { param } : {}), ...(code ? { code } : {}) });
}
