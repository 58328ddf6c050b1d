import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { OUTBOUND_EVENT_TYPES, signatureHeader } from '../../backend/src/outbound';

/** docs/webhooks.md: every event is listed, and its verification examples really verify. */
const doc = readFileSync(path.resolve(__dirname, '../../docs/webhooks.md'), 'utf8');
const codeBlock = (language: string) => new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(doc)![1]!;
const body = JSON.stringify({ id: 'evt_rec_docs_1', object: 'event', type: 'recovery.succeeded', sequence: 1 });
const hasPython = spawnSync('python3', ['--version']).status === 0;

/** Runs a language's example on a fresh signature, a tampered body and a rotation header; prints three booleans. */
function cases() {
  const now = new Date();
  return {
    fresh: signatureHeader(body, ['whsec_docs'], now),
    rotation: signatureHeader(body, ['whsec_new', 'whsec_docs'], now),
    old: signatureHeader(body, ['whsec_docs'], new Date(now.getTime() - 600_000)),
  };
}

it('lists every event type an endpoint can subscribe to', () => {
  for (const type of OUTBOUND_EVENT_TYPES) expect(doc).toContain(`| \`${type}\` |`);
});

it('has a Node example that accepts a valid signature and refuses tampered, old and wrong-secret ones', () => {
  const { fresh, rotation, old } = cases();
  const script = `${codeBlock('js')}
const [body, fresh, rotation, old] = JSON.parse(process.argv[1]);
console.log(JSON.stringify([verifyRecoveryWebhook(body, fresh, 'whsec_docs'), verifyRecoveryWebhook(body + ' ', fresh, 'whsec_docs'), verifyRecoveryWebhook(body, rotation, 'whsec_docs'), verifyRecoveryWebhook(body, old, 'whsec_docs'), verifyRecoveryWebhook(body, fresh, 'whsec_other')]));`;
  const run = spawnSync(process.execPath, ['-e', script, JSON.stringify([body, fresh, rotation, old])], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout)).toEqual([true, false, true, false, false]);
});

it('has a Python example that accepts a valid signature and refuses tampered, old and wrong-secret ones (run when python3 is on the PATH)', () => {
  const example = codeBlock('python');
  expect(example).toContain('hmac.compare_digest');
  if (!hasPython) {
    // Without python3 only the example's shape is checked; say so in the output.
    process.stdout.write('python3 not found: the Python example in docs/webhooks.md was not run\n');
    return;
  }
  const { fresh, rotation, old } = cases();
  const script = `${example}
import json, sys
body, fresh, rotation, old = json.loads(sys.argv[1])
raw = body.encode()
print(json.dumps([verify_recovery_webhook(raw, fresh, "whsec_docs"), verify_recovery_webhook(raw + b" ", fresh, "whsec_docs"), verify_recovery_webhook(raw, rotation, "whsec_docs"), verify_recovery_webhook(raw, old, "whsec_docs"), verify_recovery_webhook(raw, fresh, "whsec_other")]))`;
  const run = spawnSync('python3', ['-c', script, JSON.stringify([body, fresh, rotation, old])], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout)).toEqual([true, false, true, false, false]);
});
