/**
 * Compares the SHAPE of a JSON answer with an example of it (a fixture), not
 * its values, and lists every path where the two differ.
 *
 * The rule:
 * - Objects have the same keys. At an `open` path (a record, or an object whose
 *   keys are all optional) only the keys both sides have are compared.
 * - Each element of an answer's array is compared with the fixture's first
 *   element; an empty array on either side has nothing to compare.
 * - Values have the same JSON type (string, number, boolean, object, array).
 * - null: a null in the fixture matches any value (the fixture says it may be
 *   null, and says nothing more); a null in the answer matches only where the
 *   fixture is null or the path is listed `nullable` (the contract's `| null`).
 *
 * Paths read like `data[].emails[].openedAt`; a rule's entry matches a path that
 * is it or ends with `.` + it, so `closedAt` covers `data[].closedAt` too.
 *
 * @example
 * shapeDifferences({ id: 1, extra: true }, { id: 'case_1', closedAt: null })
 * // ['closedAt: missing (the fixture has null)', 'extra: unexpected key (boolean), not in the fixture', 'id: number where the fixture has string']
 */
export interface ShapeRules {
  /** Paths whose value may be null although the fixture has a value there. */
  nullable?: readonly string[];
  /** Paths of objects whose keys may differ; shared keys are still compared. */
  open?: readonly string[];
}

type JsonType = 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean' | 'undefined' | 'other';

export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' || type === 'object' || type === 'undefined' ? type : 'other';
}

const matches = (path: string, entries: readonly string[] = []) => entries.some((entry) => path === entry || path.endsWith(`.${entry}`));
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
const label = (path: string) => path || '(the answer)';

export function shapeDifferences(answer: unknown, fixture: unknown, rules: ShapeRules = {}, path = ''): string[] {
  const answerType = jsonTypeOf(answer);
  const fixtureType = jsonTypeOf(fixture);
  if (fixtureType === 'null') return [];
  if (answerType === 'null') return matches(path, rules.nullable) ? [] : [`${label(path)}: null where the fixture has ${fixtureType}, and the contract does not say it may be null`];
  if (answerType !== fixtureType) return [`${label(path)}: ${answerType} where the fixture has ${fixtureType}`];
  if (answerType === 'array') {
    const example = (fixture as unknown[])[0];
    if (example === undefined) return [];
    return (answer as unknown[]).flatMap((element) => shapeDifferences(element, example, rules, `${path}[]`)).filter((line, index, all) => all.indexOf(line) === index);
  }
  if (answerType === 'object') return objectDifferences(answer as Record<string, unknown>, fixture as Record<string, unknown>, rules, path);
  return [];
}

function objectDifferences(answer: Record<string, unknown>, fixture: Record<string, unknown>, rules: ShapeRules, path: string): string[] {
  const open = matches(path, rules.open);
  const keys = [...new Set([...Object.keys(answer), ...Object.keys(fixture)])].sort();
  return keys.flatMap((key) => {
    const at = join(path, key);
    if (!(key in answer)) return open ? [] : [`${at}: missing (the fixture has ${jsonTypeOf(fixture[key])})`];
    if (!(key in fixture)) return open ? [] : [`${at}: unexpected key (${jsonTypeOf(answer[key])}), not in the fixture`];
    return shapeDifferences(answer[key], fixture[key], rules, at);
  });
}
