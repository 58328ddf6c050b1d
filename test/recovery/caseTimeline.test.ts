import { appendToTimeline, TIMELINE_HEAD_ENTRIES, TIMELINE_TAIL_ENTRIES, type TimelineEntry } from '../../backend/src/recovery';

/** A case's timeline stays short: repeats in a row fold into one entry, and a long history keeps its start and its end. */
const minute = (n: number) => new Date(Date.UTC(2026, 4, 1, 12, n));
const entry = (n: number, summary = `Step ${n}.`): TimelineEntry => ({ at: minute(n), kind: 'retry_planned', summary });
const build = (entries: TimelineEntry[]) => entries.reduce<TimelineEntry[]>((timeline, next) => appendToTimeline(timeline, next), []);

describe('appendToTimeline', () => {
  it('folds the same kind and summary in a row into one entry with a count and the time of the last', () => {
    const timeline = build([entry(0, 'Opened.'), entry(1, 'Waiting.'), entry(2, 'Waiting.'), entry(3, 'Waiting.'), entry(4, 'Opened.')]);
    expect(timeline).toEqual([entry(0, 'Opened.'), { ...entry(1, 'Waiting.'), count: 3, lastAt: minute(3) }, entry(4, 'Opened.')]);
  });

  it('does not fold entries of another kind with the same words', () => {
    const timeline = build([entry(0, 'Same.'), { at: minute(1), kind: 'retry_refused', summary: 'Same.' }]);
    expect(timeline).toHaveLength(2);
  });

  it('keeps the same request by two people as two entries, each naming who asked, and folds one person repeating it', () => {
    const asked = (n: number, userId: string): TimelineEntry => ({ at: minute(n), kind: 'merchant_control', summary: 'The merchant asked for a reminder email now.', by: { kind: 'dashboard_user', userId } });
    expect(build([asked(0, 'usr_alice'), asked(1, 'usr_bob')]).map((kept) => kept.by)).toEqual([{ kind: 'dashboard_user', userId: 'usr_alice' }, { kind: 'dashboard_user', userId: 'usr_bob' }]);
    expect(build([asked(0, 'usr_alice'), asked(1, 'usr_alice')])).toEqual([{ ...asked(0, 'usr_alice'), count: 2, lastAt: minute(1) }]);
  });

  it('keeps only the latest words of a status that repeats (Stripe unavailable, trying again at …), counting the repeats', () => {
    const outage = (n: number): TimelineEntry => ({ at: minute(n), kind: 'stripe_unavailable', summary: `Stripe unavailable, trying again at 12:${n + 1}.` });
    expect(build([outage(0), outage(1), outage(3)])).toEqual([{ ...outage(0), summary: 'Stripe unavailable, trying again at 12:4.', count: 3, lastAt: minute(3) }]);
  });

  it('keeps the first and the latest entries of a long history and says how many were folded between them', () => {
    const total = TIMELINE_HEAD_ENTRIES + TIMELINE_TAIL_ENTRIES + 50;
    const timeline = build(Array.from({ length: total }, (_, n) => entry(n)));
    expect(timeline).toHaveLength(TIMELINE_HEAD_ENTRIES + 1 + TIMELINE_TAIL_ENTRIES);
    expect(timeline.slice(0, TIMELINE_HEAD_ENTRIES)).toEqual(Array.from({ length: TIMELINE_HEAD_ENTRIES }, (_, n) => entry(n)));
    expect(timeline[TIMELINE_HEAD_ENTRIES]).toEqual({
      at: minute(TIMELINE_HEAD_ENTRIES),
      lastAt: minute(TIMELINE_HEAD_ENTRIES + 49),
      kind: 'entries_folded',
      summary: '50 earlier entries folded to keep the timeline short.',
      count: 50,
    });
    expect(timeline.at(-1)).toEqual(entry(total - 1));
    expect(timeline[TIMELINE_HEAD_ENTRIES + 1]).toEqual(entry(TIMELINE_HEAD_ENTRIES + 50));
  });

  it('counts the repeats inside folded entries', () => {
    const repeated = [entry(0, 'Start.'), ...Array.from({ length: 5 }, (_, n) => entry(n + 1, 'Again.'))];
    const timeline = build([...repeated, ...Array.from({ length: TIMELINE_HEAD_ENTRIES + TIMELINE_TAIL_ENTRIES }, (_, n) => entry(n + 10))]);
    const marker = timeline.find((candidate) => candidate.kind === 'entries_folded')!;
    const shown = timeline.filter((candidate) => candidate.kind !== 'entries_folded').reduce((sum, candidate) => sum + (candidate.count ?? 1), 0);
    expect(shown + marker.count!).toBe(repeated.length + TIMELINE_HEAD_ENTRIES + TIMELINE_TAIL_ENTRIES);
  });
});
