export { createPostmarkMailer, DUNNING_MESSAGE_STREAM } from './postmarkMailer';
export { parsePostmarkRecord, type PostmarkRecord, type ParsedRecord } from './postmarkEvents';
export { createPostmarkServerDirectory } from './postmarkServers';
