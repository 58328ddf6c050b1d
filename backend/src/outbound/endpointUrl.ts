import { isAddressLiteral, isAllowedAddress } from './addressRules';

/** Longer URLs are almost certainly a mistake or an attack; Stripe caps its own at 2,048 too. */
export const MAX_ENDPOINT_URL_LENGTH = 2048;

export type UrlCheck = { ok: true; url: string } | { ok: false; message: string };

/**
 * Whether a webhook URL may be saved (and, again, called): https only, unless
 * `allowLocal` (development and tests) also lets http and loopback through;
 * no user:password part; an IP literal must be a public address; `localhost`
 * names are refused outside development. Names are checked again at connect
 * time, on every delivery, against what they resolve to (webhookSender).
 *
 * Example: checkEndpointUrl('https://hooks.example.com/recovery', false) → ok;
 * checkEndpointUrl('http://hooks.example.com', false) → "url: must use https://".
 */
export function checkEndpointUrl(input: string, allowLocal: boolean): UrlCheck {
  if (input.length > MAX_ENDPOINT_URL_LENGTH) return { ok: false, message: `url: at most ${MAX_ENDPOINT_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, message: 'url: not a valid URL (e.g. https://hooks.example.com/recovery)' };
  }
  const schemes = allowLocal ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) return { ok: false, message: allowLocal ? 'url: must use https:// or http://' : 'url: must use https://' };
  if (url.username || url.password) return { ok: false, message: 'url: must not contain a user name or password' };
  const host = url.hostname.toLowerCase();
  if (isAddressLiteral(host)) {
    if (!isAllowedAddress(host, allowLocal)) return { ok: false, message: `url: ${host} is not a public address` };
  } else if (!allowLocal && (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.'))) {
    return { ok: false, message: `url: ${host} is not a public host name` };
  }
  return { ok: true, url: url.toString() };
}
