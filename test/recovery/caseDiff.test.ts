import { changedFields } from '../../backend/src/recovery/caseDiff';

/** A save sends only what changed; what did not change, dates and nested lists included, stays out. */
it('keeps the fields whose value changed, compared deeply, dates by their time', () => {
  const before = { status: 'active', failureCount: 1, nextActionAt: new Date('2026-06-01T00:00:00Z'), timeline: [{ at: new Date('2026-05-01T00:00:00Z'), kind: 'opened' }], card: { brand: 'visa' } };
  const after = {
    ...before,
    failureCount: 2,
    nextActionAt: new Date('2026-06-01T00:00:00Z'),
    timeline: [...before.timeline, { at: new Date('2026-06-01T00:00:00Z'), kind: 'retry_attempted' }],
    card: { brand: 'visa' },
  };
  expect(changedFields(before, after)).toEqual({ failureCount: 2, timeline: after.timeline });
});

it('sends a field the stored case lacks, and a change to null, but never removes a field', () => {
  expect(changedFields({ a: 1, b: 'x' }, { a: 1, b: null, c: 'new' })).toEqual({ b: null, c: 'new' });
  expect(changedFields({ a: 1, b: 'x' }, { a: 1 })).toEqual({});
});
