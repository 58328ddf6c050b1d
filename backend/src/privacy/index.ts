export { PERSONAL_DATA_MAP, PERSONAL_KEYS, ERASED, type CollectionPrivacy, type ErasureAction } from './personalData';
export { maskedEmailOf, redactJsonText, redactText, redactValue, searchTermsOf, withKnown, type KnownValues } from './redaction';
export { caseErasure, outboxErasure, renewalErasure } from './recordRedaction';
export { createCustomerDataStore, ERASED_CUSTOMERS_COLLECTION, type CollectionCounts, type CustomerDataStore, type CustomerErasureResult, type CustomerRef } from './customerDataStore';
export { ACCOUNT_WIDE_COLLECTIONS, PER_MODE_COLLECTIONS, createAccountErasure, isErasureDue, type AccountErasure } from './accountErasure';
export { ensureRawEventExpiryIndex, purgeExpiredRawEvents, rawEventCutoff, RAW_EVENT_COLLECTION, RAW_EVENT_TTL_INDEX } from './rawEventRetention';
export { createPrivacyService, LATE_EVENT_DAYS, type CustomerDeletion, type PrivacyService } from './privacyService';
