import type { Clock } from '../backend/src/clock';

/**
 * The demo's time: it jumps from one due action to the next while the demo
 * runs (so weeks pass in minutes), then runs on in real time from where the
 * demo ended, so links issued at the end stay valid while someone clicks them.
 */
export class DemoClock implements Clock {
  private simulated: Date;
  private runningSince: { real: number; simulated: number } | null = null;

  constructor(start: Date) {
    this.simulated = new Date(start);
  }

  now(): Date {
    if (!this.runningSince) return new Date(this.simulated);
    return new Date(this.runningSince.simulated + (Date.now() - this.runningSince.real));
  }

  /** Moves forward to `at`; never back. */
  jumpTo(at: Date): void {
    if (this.runningSince) throw new Error('the demo clock already runs in real time');
    if (at > this.simulated) this.simulated = new Date(at);
  }

  runOnFromHere(): void {
    this.runningSince = { real: Date.now(), simulated: this.simulated.getTime() };
  }
}
