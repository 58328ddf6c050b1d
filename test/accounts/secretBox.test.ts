import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { createSecretBox, secretBinding } from '../../backend/src/accounts';

const KEY = 'a-long-key-for-tests-0123456789abcdef';
const accountA = secretBinding('acct_A', true);
const accountB = secretBinding('acct_B', true);

/** What the first version wrote: no associated data, "v1.<iv>.<tag>.<ciphertext>". */
function sealAsVersion1(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', createHash('sha256').update(KEY).digest(), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

describe('the secret box for merchant secrets', () => {
  const box = createSecretBox(KEY);

  it('opens what it sealed for the same account, and never stores the plain text', () => {
    const sealed = box.seal('merchant-postmark-token-123', accountA);
    expect(sealed).toMatch(/^v2\./);
    expect(sealed).not.toContain('merchant-postmark-token-123');
    expect(box.open(sealed, accountA)).toBe('merchant-postmark-token-123');
  });

  it('seals the same secret differently each time', () => {
    expect(box.seal('same', accountA)).not.toBe(box.seal('same', accountA));
  });

  it.each([
    ['an altered ciphertext', (sealed: string) => `${sealed.slice(0, -2)}AA`],
    ['an altered tag', (sealed: string) => sealed.replace(/^v2\.([^.]+)\.([^.]{4})/, 'v2.$1.AAAA')],
    ['a tag cut to 4 bytes', (sealed: string) => sealed.replace(/^v2\.([^.]+)\.([^.]+)\./, (_all, iv: string, tag: string) => `v2.${iv}.${Buffer.from(tag, 'base64url').subarray(0, 4).toString('base64url')}.`)],
    ['another format', () => 'plain-token'],
  ])('refuses %s', (_name, alter) => {
    expect(box.open(alter(box.seal('secret-value', accountA)), accountA)).toBeNull();
  });

  it('cannot open what another key sealed', () => {
    expect(createSecretBox('another-long-key-for-tests-0123456789').open(box.seal('secret-value', accountA), accountA)).toBeNull();
  });

  it("does not open account A's sealed secret for account B, nor for A's other mode", () => {
    const sealed = box.seal('merchant-postmark-token-123', accountA);
    expect(box.open(sealed, accountB)).toBeNull();
    expect(box.open(sealed, secretBinding('acct_A', false))).toBeNull();
  });

  it('still opens values sealed by the first version (v1), which bound no account', () => {
    expect(box.open(sealAsVersion1('older-token'), accountB)).toBe('older-token');
  });
});
