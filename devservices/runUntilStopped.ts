/**
 * Keeps a dev service running until SIGTERM, SIGINT or, when asked, the end of
 * standard input (so a parent that dies takes the service with it).
 */
export function runUntilStopped(stop: () => Promise<void>, options: { exitOnStdinClose: boolean }): void {
  const exit = () => void stop().then(() => process.exit(0));
  process.on('SIGTERM', exit);
  process.on('SIGINT', exit);
  if (options.exitOnStdinClose) {
    process.stdin.resume();
    process.stdin.on('end', exit);
  }
}
