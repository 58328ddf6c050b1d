import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encrypts merchant secrets at rest (a merchant's own Postmark server token)
 * with AES-256-GCM under a key from config. Stored form, base64url parts:
 * "v2.<iv>.<tag>.<ciphertext>", the 16-byte tag pinned and the owning account
 * bound as associated data, so a value copied to another account's record (or
 * to the same account's other mode) does not open. "v1" values, sealed before
 * accounts were bound, still open; the next save seals them as v2.
 */
export interface SecretBox {
  seal(plaintext: string, binding: SecretBinding): string;
  /** Null when the sealed value was altered, sealed under another key, or sealed for another account. */
  open(sealed: string, binding: SecretBinding): string | null;
}

/** Whose secret it is: an account in one mode. */
export type SecretBinding = string & { readonly __secretBinding: true };

/** Example: secretBinding('acct_123', true) → "account:acct_123:live". */
export function secretBinding(accountId: string, livemode: boolean): SecretBinding {
  return `account:${accountId}:${livemode ? 'live' : 'test'}` as SecretBinding;
}

const TAG_BYTES = 16;

export function createSecretBox(keyMaterial: string): SecretBox {
  // Any configured string becomes a 32-byte key; operators set a long random one.
  const key = createHash('sha256').update(keyMaterial).digest();

  function decrypt(iv: string, tag: string, body: string, associatedData: string | null): string | null {
    const tagBytes = Buffer.from(tag, 'base64url');
    // Node would accept a shorter tag (down to 4 bytes) and so a far easier forgery; only the full tag counts.
    if (tagBytes.length !== TAG_BYTES) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      if (associatedData !== null) decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }

  return {
    seal(plaintext, binding) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(binding, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v2', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed, binding) {
      const [version, iv, tag, body, extra] = sealed.split('.');
      if (!iv || !tag || body === undefined || extra !== undefined) return null;
      if (version === 'v2') return decrypt(iv, tag, body, binding);
      if (version === 'v1') return decrypt(iv, tag, body, null);
      return null;
    },
  };
}
