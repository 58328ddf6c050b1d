import ipaddr from 'ipaddr.js';

/**
 * Which addresses a merchant's webhook may reach: only public unicast ones,
 * so a webhook URL cannot make us call into our own network (SSRF). Refused:
 * private (10/8, 172.16/12, 192.168/16), loopback, link-local (with the cloud
 * metadata address 169.254.169.254), CGNAT 100.64/10, multicast, broadcast,
 * unspecified, reserved and documentation ranges, IPv6 unique-local fc00::/7,
 * link-local fe80::/10, and IPv4-mapped or -translated IPv6 (::ffff:…,
 * 64:ff9b::…, 6to4), which would smuggle an IPv4 address past the rules.
 * `allowLoopback` (development and tests only) lets 127.0.0.0/8 and ::1 through.
 *
 * Example: isAllowedAddress('8.8.8.8', false) → true; ('169.254.169.254', false) → false;
 * ('127.0.0.1', true) → true; ('10.0.0.1', true) → false.
 */
export function isAllowedAddress(address: string, allowLoopback: boolean): boolean {
  const text = address.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(text)) return false;
  const range = ipaddr.parse(text).range();
  if (range === 'unicast') return true;
  return allowLoopback && range === 'loopback';
}

/** True when `hostname` is an IP literal rather than a name to resolve. */
export function isAddressLiteral(hostname: string): boolean {
  return ipaddr.isValid(hostname.replace(/^\[|\]$/g, ''));
}
