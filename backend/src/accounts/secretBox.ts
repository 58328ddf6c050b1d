import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encrypts merchant secrets at rest (a merchant's own Postmark server token)
 * with AES-256-GCM under a key from config. Stored form:
 * "v1.<iv>.<tag>.<ciphertext>" in base64url; tampering fails the tag check.
 */
export interface SecretBox {
  seal(plaintext: string): string;
  /** Null when the sealed value was altered or sealed under another key. */
  open(sealed: string): string | null;
}

export function createSecretBox(keyMaterial: string): SecretBox {
  // Any configured string becomes a 32-byte key; operators set a long random one.
  const key = createHash('sha256').update(keyMaterial).digest();
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
    },
  };
}
