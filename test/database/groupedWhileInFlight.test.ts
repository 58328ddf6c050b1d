import { groupedWhileInFlight } from '../../backend/src/database/groupedWhileInFlight';

/** A fake command: records each batch it was sent and answers when the test says so. */
function fakeCommand<Result>(answer: (request: string) => Result | Error) {
  const sent: string[][] = [];
  const pending: (() => void)[] = [];
  const send = (batch: string[]) =>
    new Promise<(Result | Error)[]>((resolve) => {
      sent.push(batch);
      pending.push(() => resolve(batch.map(answer)));
    });
  const answerNext = async () => {
    pending.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { send, sent, answerNext };
}

describe('requests grouped while one is in flight', () => {
  it('sends the first at once and groups those that arrive meanwhile into the next command', async () => {
    const command = fakeCommand((request) => request.toUpperCase());
    const lookUp = groupedWhileInFlight(command.send, 10);

    const answers = Promise.all(['a', 'b', 'c', 'd'].map(lookUp));
    expect(command.sent).toEqual([['a']]);
    await command.answerNext();
    expect(command.sent).toEqual([['a'], ['b', 'c', 'd']]);
    await command.answerNext();

    await expect(answers).resolves.toEqual(['A', 'B', 'C', 'D']);
  });

  it('never puts more than maxBatch requests in one command', async () => {
    const command = fakeCommand((request) => request);
    const lookUp = groupedWhileInFlight(command.send, 2);

    const answers = Promise.all(['a', 'b', 'c', 'd', 'e'].map(lookUp));
    for (let i = 0; i < 3; i += 1) await command.answerNext();

    await expect(answers).resolves.toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(command.sent).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });

  it('gives each request its own answer: null is an answer, an Error fails only its own request', async () => {
    const command = fakeCommand<string | null>((request) => (request === 'missing' ? null : request === 'bad' ? new Error('bad request') : request));
    const lookUp = groupedWhileInFlight(command.send, 10);

    const first = lookUp('first');
    const answers = ['missing', 'bad', 'fine'].map((request) => lookUp(request).catch((error: Error) => error.message));
    await command.answerNext();
    await command.answerNext();

    await expect(first).resolves.toBe('first');
    await expect(Promise.all(answers)).resolves.toEqual([null, 'bad request', 'fine']);
  });

  it('fails every request of a command that failed as a whole, and goes on with the next ones', async () => {
    let calls = 0;
    const lookUp = groupedWhileInFlight(async (batch: string[]) => {
      calls += 1;
      if (calls === 1) throw new Error('connection lost');
      return batch;
    }, 10);

    await expect(lookUp('a')).rejects.toThrow('connection lost');
    await expect(lookUp('b')).resolves.toBe('b');
  });

  it('fails a request the command gave no answer for', async () => {
    const lookUp = groupedWhileInFlight(async () => [], 10);

    await expect(lookUp('a')).rejects.toThrow('no answer');
  });
});
