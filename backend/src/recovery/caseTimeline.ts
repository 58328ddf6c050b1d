import type { ControlActor, RecoveryCase, TimelineEntry, TimelineKind } from './recoveryCase';

/** A long timeline keeps this many entries from its start… */
export const TIMELINE_HEAD_ENTRIES = 20;
/** …and this many of the latest, with one `entries_folded` entry between them. */
export const TIMELINE_TAIL_ENTRIES = 80;

/** Entries that report a state still going on: a repeat keeps the latest words (the next time) and counts. */
const LATEST_WORDS_KINDS: ReadonlySet<TimelineKind> = new Set(['stripe_unavailable']);

/**
 * Adds an entry to a case's timeline, keeping it bounded:
 * - the same kind and summary as the last entry, by the same actor, folds into it (`count`, `lastAt`);
 *   a `stripe_unavailable` repeat folds too, keeping its newer words;
 * - past TIMELINE_HEAD_ENTRIES + 1 + TIMELINE_TAIL_ENTRIES entries, the first
 *   entries and the latest ones stay, and one `entries_folded` entry between
 *   them says how many were folded.
 * Example: "Waiting." at 12:01, 12:02, 12:03 → one entry { at: 12:01, count: 3, lastAt: 12:03 }.
 */
export function appendToTimeline(timeline: TimelineEntry[], entry: TimelineEntry): TimelineEntry[] {
  const last = timeline.at(-1);
  if (last && last.kind === entry.kind && last.kind !== 'entries_folded' && sameActor(last, entry) && (last.summary === entry.summary || LATEST_WORDS_KINDS.has(entry.kind))) {
    const folded: TimelineEntry = { ...last, summary: entry.summary, count: weightOf(last) + weightOf(entry), lastAt: entry.lastAt ?? entry.at };
    return [...timeline.slice(0, -1), folded];
  }
  return capTimeline([...timeline, entry]);
}

/** The case with one more timeline entry: the only way an entry is written. */
/** How many applied event ids a case remembers; older duplicates are caught by the event store's unique id. */
export const APPLIED_EVENT_MEMORY = 100;

/** The case with a timeline entry caused by event `eventId`, which the case then remembers as applied. */
export function withAppliedEntry(current: RecoveryCase, eventId: string, entry: Omit<TimelineEntry, 'eventId'>): RecoveryCase {
  return {
    ...current,
    appliedEventIds: [...current.appliedEventIds, eventId].slice(-APPLIED_EVENT_MEMORY),
    timeline: appendToTimeline(current.timeline, { ...entry, eventId }),
  };
}

export function withTimelineEntry(current: RecoveryCase, entry: TimelineEntry): RecoveryCase {
  return { ...current, timeline: appendToTimeline(current.timeline, entry) };
}

function capTimeline(timeline: TimelineEntry[]): TimelineEntry[] {
  if (timeline.length <= TIMELINE_HEAD_ENTRIES + 1 + TIMELINE_TAIL_ENTRIES) return timeline;
  const marker = timeline[TIMELINE_HEAD_ENTRIES]?.kind === 'entries_folded' ? timeline[TIMELINE_HEAD_ENTRIES]! : null;
  const dropped = timeline.slice(marker ? TIMELINE_HEAD_ENTRIES + 1 : TIMELINE_HEAD_ENTRIES, timeline.length - TIMELINE_TAIL_ENTRIES);
  const lastDropped = dropped.at(-1)!;
  const count = (marker?.count ?? 0) + dropped.reduce((sum, entry) => sum + weightOf(entry), 0);
  const folded: TimelineEntry = {
    at: marker?.at ?? dropped[0]!.at,
    lastAt: lastDropped.lastAt ?? lastDropped.at,
    kind: 'entries_folded',
    summary: `${count} earlier entries folded to keep the timeline short.`,
    count,
  };
  return [...timeline.slice(0, TIMELINE_HEAD_ENTRIES), folded, ...timeline.slice(-TIMELINE_TAIL_ENTRIES)];
}

/** Two people's identical requests stay two entries, so the timeline names each of them. */
function sameActor(a: TimelineEntry, b: TimelineEntry): boolean {
  return actorKey(a.by) === actorKey(b.by);
}

function actorKey(by: ControlActor | undefined): string {
  if (!by) return '';
  return by.kind === 'dashboard_user' ? `user:${by.userId}` : `key:${by.keyId}`;
}

function weightOf(entry: TimelineEntry): number {
  return entry.count ?? 1;
}
