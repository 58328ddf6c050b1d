/**
 * What the backend's merchant API answers, as the views read it. The backend
 * publishes the full contract at GET /api/openapi.json; these types are the
 * part the views use, one file per area. Amounts are integers in the
 * currency's minor unit and are never summed across currencies.
 */

export * from './answers';
export * from './cases';
export * from './dashboard';
export * from './experiments';
export * from './renewals';
export * from './settings';
export * from './webhooks';
