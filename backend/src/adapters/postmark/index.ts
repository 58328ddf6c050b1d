export { createPostmarkMailer, DUNNING_MESSAGE_STREAM, type Mailer, type OutgoingEmail, type SendResult, type SentMessage } from './postmarkMailer';
export { parsePostmarkRecord, type PostmarkRecord, type ParsedRecord } from './postmarkEvents';
