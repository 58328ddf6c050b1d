import ipaddr from 'ipaddr.js';

/**
 * The rate-limit bucket a client address counts against. One IPv4 address is
 * one bucket; an IPv6 client usually holds a whole /64 (a home or a phone gets
 * one, and picks any address in it), so the /64 is the bucket. An IPv4-mapped
 * IPv6 address (::ffff:203.0.113.7, as Node reports IPv4 on a dual-stack
 * socket) is the IPv4 address it carries.
 *
 * Examples: "203.0.113.7" → "203.0.113.7"; "::ffff:203.0.113.7" → "203.0.113.7";
 * "2001:db8:1:2::1" and "2001:db8:1:2:ffff::9" → "2001:db8:1:2::/64";
 * something that is not an address → "unknown:<it>" (a bucket of its own).
 */
export function clientBucketOf(address: string): string {
  const text = address.trim();
  if (text === '') return 'unknown';
  if (!ipaddr.isValid(text)) return `unknown:${text.slice(0, 64)}`;
  const parsed = ipaddr.process(text);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const network = new ipaddr.IPv6([...(parsed as ipaddr.IPv6).parts.slice(0, 4), 0, 0, 0, 0]);
  return `${network.toString()}/64`;
}
