/**
 * Speed only, never figures: the planner builds an Intl.DateTimeFormat for
 * each reason it words (describeLocalTime), which is most of a 10,000-case
 * run. Formatters are immutable, so the benchmark process hands back one
 * per (locales, options). Installed by the command line only; tests and the
 * demo run the planner untouched.
 */
export function cacheDateTimeFormats(): void {
  const Original = Intl.DateTimeFormat;
  if ((Original as { isCached?: boolean }).isCached) return;
  const made = new Map<string, Intl.DateTimeFormat>();
  const Cached = function (locales?: string | string[], options?: Intl.DateTimeFormatOptions) {
    const key = JSON.stringify([locales ?? null, options ?? null]);
    let found = made.get(key);
    if (!found) {
      found = new Original(locales, options);
      made.set(key, found);
    }
    return found;
  } as unknown as typeof Intl.DateTimeFormat;
  Object.assign(Cached, { supportedLocalesOf: Original.supportedLocalesOf.bind(Original), isCached: true });
  (Cached as unknown as { prototype: unknown }).prototype = Original.prototype;
  Intl.DateTimeFormat = Cached;
}
