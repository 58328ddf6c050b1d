import type { Connection } from 'mongoose';
import { createEmailContentStore } from '../../backend/src/dunning';
import { createCaseStore, type RecoveryCase } from '../../backend/src/recovery';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { emailSeen, recordedEmailSeen } from './modelObservations';
import type { Observation, World } from './modelRunner';

/**
 * What the runner notes after every step of the worker: the cases that closed
 * (no pay request for their invoice or payment intent from then on), each
 * email the Postmark receiver caught, and each test-mode email a case recorded
 * instead of sending, both beside the case's plan as it stood right after the
 * send or record (neither changes the plan, and nothing runs in between).
 */
export function watchCases(world: World, connection: Connection, seen: Observation): () => Promise<void> {
  const cases = createCaseStore(connection);
  const contents = createEmailContentStore(connection);
  const closedSeen = new Set<string>();
  const recordedRead = new Map<string, number>();
  let emailsRead = 0;
  const seq = () => world.sandbox.state.requests.length;

  // One read of the cases per look (it runs after every worker step): closed ones, and in test mode the emails they recorded.
  type CaseDoc = { _id: unknown; accountId: string; status: string; target?: { invoiceId?: string; paymentIntentId?: string }; emails?: unknown[] };
  const readCases = async () =>
    (await connection.collection('recoveryCases').find({}, { projection: { accountId: 1, status: 1, target: 1, ...(seen.livemode ? {} : { emails: 1 }) } }).toArray()) as unknown as CaseDoc[];

  function noteClosedCases(docs: CaseDoc[]): void {
    for (const found of docs) {
      const targetId = found.target?.invoiceId ?? found.target?.paymentIntentId;
      if (found.status === 'active' || !targetId || closedSeen.has(String(found._id))) continue;
      closedSeen.add(String(found._id));
      seen.stops.push({ target: targetId, fromSeq: seq(), untilSeq: null, why: `case ${String(found._id)} closed (${found.status})` });
    }
  }

  async function noteCaughtEmails(): Promise<void> {
    for (const email of world.postmark.state.emails.slice(emailsRead)) {
      emailsRead += 1;
      const caseId = email.metadata.caseId;
      const atSend = caseId ? await cases.findById(email.metadata.accountId ?? SELF_HOSTED_ACCOUNT, seen.livemode, caseId) : null;
      seen.emails.push(emailSeen(email, atSend));
    }
  }

  async function noteRecordedEmails(docs: CaseDoc[]): Promise<void> {
    for (const raw of docs) {
      const id = String(raw._id);
      if ((raw.emails?.length ?? 0) <= (recordedRead.get(id) ?? 0)) continue;
      const found: RecoveryCase | null = await cases.findById(raw.accountId, seen.livemode, id);
      if (!found) continue;
      for (const email of found.emails.slice(recordedRead.get(id) ?? 0)) {
        if (email.delivery !== 'recorded_test_mode' || !email.contentId) continue;
        const content = await contents.find({ accountId: found.accountId, livemode: found.livemode, caseId: found.id }, email.contentId);
        if (!content) throw new Error(`case ${found.id} records a test-mode email whose content ${email.contentId} is not kept`);
        seen.emails.push(recordedEmailSeen(email, content, found));
      }
      recordedRead.set(id, found.emails.length);
    }
  }

  return async () => {
    const docs = await readCases();
    noteClosedCases(docs);
    await noteCaughtEmails();
    await noteRecordedEmails(docs);
  };
}
