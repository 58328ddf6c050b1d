// Currencies whose smallest unit is the whole unit (Stripe's zero-decimal list).
const zeroDecimal = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
const threeDecimal = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/** Formats integer minor units for people: formatAmount(4900, 'usd') → "49.00 USD". */
export function formatAmount(amountMinor: number, currency: string): string {
  const code = currency.toLowerCase();
  const exponent = zeroDecimal.has(code) ? 0 : threeDecimal.has(code) ? 3 : 2;
  const major = (amountMinor / 10 ** exponent).toFixed(exponent);
  return `${major} ${code.toUpperCase()}`;
}
