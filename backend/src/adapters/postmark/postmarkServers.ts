import { Errors, ServerClient } from 'postmark';
import type { MailServerDirectory } from '../../dunning';

/**
 * `GET /server` with a merchant's server token, through the official client:
 * 200 names the server, 401 means Postmark does not know the token. The
 * answer's ApiTokens (every token of that server) are never kept.
 */
export function createPostmarkServerDirectory(options: { apiBase?: string | undefined; timeoutSeconds?: number }): MailServerDirectory {
  const base = options.apiBase ? new URL(options.apiBase) : null;
  const clientOptions = {
    timeout: options.timeoutSeconds ?? 10,
    ...(base ? { useHttps: base.protocol === 'https:', requestHost: base.host } : {}),
  };
  return {
    async checkServerToken(serverToken) {
      try {
        const server = await new ServerClient(serverToken, clientOptions).getServer();
        return { kind: 'valid', serverId: server.ID, serverName: server.Name };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof Errors.InvalidAPIKeyError) return { kind: 'invalid_token', message };
        return { kind: 'unavailable', message };
      }
    },
  };
}
