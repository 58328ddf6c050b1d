import type { Model, Schema, SchemaType } from 'mongoose';
import type { CaseDocument } from './caseModel';

/**
 * A case as the case store hands it to the MongoDB driver: what mongoose's model stored, without its
 * casting, which cost a retry worker a tenth of its CPU on saves and an event worker a quarter on the
 * cases a burst opens (a document built, validated and copied per case). The domain builds every field
 * with its type, so casting changed nothing; what mongoose did besides is done here, and
 * test/recovery/caseSaves.test.ts compares both ways field by field.
 */
export interface CaseDocuments {
  /**
   * A save's fields as mongoose's update stored them: a field whose value is undefined is not sent, and a
   * timeline entry (the case's one typed sub-document) keeps only its schema's keys that have a value.
   * Inside the other values (mixed: attempts, card, plan) an undefined is stored as null, by the driver as by mongoose.
   */
  saved(fields: Record<string, unknown>): Record<string, unknown>;
  /**
   * A new case as the model's own save stored it: the schema's defaults for what the case leaves out, the
   * save's rules for the rest, fields the schema does not know dropped, and its own copies of nested values
   * (the caller's objects are not shared with the case handed back). Throws when a required field is missing
   * or a value is not among its field's allowed ones, as mongoose's validation did.
   */
  opened(fields: Record<string, unknown>): Record<string, unknown>;
}

/** Paths mongoose fills itself: the id, and the timestamps the store sets at the write. */
const SET_BY_THE_STORE = new Set(['_id', 'createdAt', 'updatedAt']);

export function caseDocumentsOf(model: Model<CaseDocument>): CaseDocuments {
  const timelineEntryKeys = new Set(Object.keys((model.schema.path('timeline') as Schema.Types.DocumentArray).schema.paths));
  const fields = topLevelFieldsOf(model.schema);

  function saved(changed: Record<string, unknown>): Record<string, unknown> {
    const stored: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(changed)) {
      if (value === undefined) continue;
      stored[key] =
        key === 'timeline' && Array.isArray(value)
          ? value.map((entry: Record<string, unknown>) => Object.fromEntries(Object.entries(entry).filter(([entryKey, entryValue]) => entryValue !== undefined && timelineEntryKeys.has(entryKey))))
          : value;
    }
    return stored;
  }

  return {
    saved,
    opened(given) {
      const stored: Record<string, unknown> = {};
      for (const field of fields) {
        const value = given[field.path];
        if (value !== undefined) stored[field.path] = value;
        else if (field.makeDefault) stored[field.path] = field.makeDefault();
      }
      const document = copyOf(saved(stored)) as Record<string, unknown>;
      for (const field of fields) field.check(document[field.path]);
      return document;
    },
  };
}

interface TopLevelField {
  path: string;
  /**
   * A fresh default for each case (a default date or list is never shared between cases); absent when the field has
   * none. A function default is called without a document: the case schema's need none.
   */
  makeDefault?: () => unknown;
  check(value: unknown): void;
}

function topLevelFieldsOf(schema: Schema): TopLevelField[] {
  const fields: TopLevelField[] = [];
  schema.eachPath((path, type) => {
    if (SET_BY_THE_STORE.has(path) || path.includes('.')) return;
    const options = type.options as { default?: unknown };
    const given = 'default' in options ? options.default : type.instance === 'Array' ? [] : undefined;
    const makeDefault =
      given === undefined ? undefined
      : typeof given === 'function' ? (given as () => unknown)
      : Array.isArray(given) ? () => [...(given as unknown[])]
      : () => given;
    fields.push({ path, ...(makeDefault ? { makeDefault } : {}), check: checkOf(path, type) });
  });
  return fields;
}

/** Mongoose's required and enum rules for one field (the only rules the case schema has). */
function checkOf(path: string, type: SchemaType): (value: unknown) => void {
  // Both are on every schema type at run time; mongoose's typings declare neither on instances.
  const rules = type as SchemaType & { enumValues?: unknown[]; checkRequired(value: unknown, doc: null): boolean };
  const allowed = rules.enumValues;
  return (value) => {
    if (type.isRequired && !rules.checkRequired(value, null)) throw new Error(`a new recovery case needs ${path}`);
    if (allowed && allowed.length > 0 && value != null && !allowed.includes(value)) throw new Error(`a recovery case's ${path} cannot be ${JSON.stringify(value)}`);
  };
}

/**
 * Own copies of plain objects, lists and dates, as mongoose's document copied them: a key whose value is
 * undefined is left out of a copied object (so it is not stored as null); anything else (an id) is shared.
 * Not structuredClone: its dates belong to Node's own realm, which jest's sandboxed mongoose does not
 * recognise as dates.
 */
function copyOf(value: unknown): unknown {
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) return value.map(copyOf);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).flatMap(([key, inner]) => (inner === undefined ? [] : [[key, copyOf(inner)]])));
  }
  return value;
}
