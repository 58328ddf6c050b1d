import { mongo } from 'mongoose';
import net from 'node:net';

/**
 * A loopback proxy in front of the database that counts the write commands
 * passing through it, from every process pointed at it: what the database
 * really received, not what the code is assumed to send. It reads only the
 * wire protocol's framing and each OP_MSG's command name and collection (the
 * first element of its body), and forwards every byte unchanged.
 */

/** Commands that change data; index builds and the like are set-up, not work. */
const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify']);
const OP_MSG = 2013;

export interface WriteCommand {
  command: string;
  collection: string;
}

/** Any command (reads too) with how long the database took to answer it and the fields its filter names, for `--profile`. */
export interface TimedCommand extends WriteCommand {
  ms: number;
  filter: string;
}

export interface WriteCounter {
  /** A MongoDB URI through the proxy, for database `dbName`. */
  uriFor(dbName: string): string;
  /** Write commands seen since the last reset, in arrival order. */
  seen(): WriteCommand[];
  /** Every command answered since the last reset, reads included, with its time at the database (empty unless started with timeCommands). */
  timed(): TimedCommand[];
  reset(): void;
  stop(): Promise<void>;
}

/**
 * `timeCommands`: also time every command and decode its filter, for `timed()`. Off, the proxy reads
 * only each message's framing and command name: decoding every body (a case's update carries the whole
 * case) took CPU from the processes it measures.
 */
export async function startWriteCounter(targetUri: string, options: { timeCommands?: boolean } = {}): Promise<WriteCounter> {
  const target = new URL(targetUri);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = Number(target.port || 27017);
  let commands: WriteCommand[] = [];
  let timed: TimedCommand[] = [];
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    const upstream = net.connect({ host, port });
    sockets.add(client).add(upstream);
    // Requests waiting for their answer, by request id (a connection answers each request with responseTo set to its id).
    const asked = new Map<number, { command: WriteCommand; filter: string; at: bigint }>();
    const requests = framesOf((message) => {
      const command = commandOf(message);
      if (!command) return;
      if (WRITE_COMMANDS.has(command.command)) commands.push({ ...command, command: command.command === 'findandmodify' ? 'findAndModify' : command.command });
      if (options.timeCommands) asked.set(message.readInt32LE(4), { command, filter: filterFieldsOf(message), at: process.hrtime.bigint() });
    });
    const answers = framesOf((message) => {
      const request = asked.get(message.readInt32LE(8));
      if (!request) return;
      asked.delete(message.readInt32LE(8));
      timed.push({ ...request.command, filter: request.filter, ms: Number(process.hrtime.bigint() - request.at) / 1e6 });
    });
    client.on('data', (chunk: Buffer) => {
      requests(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      answers(chunk);
      client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const listening = (server.address() as net.AddressInfo).port;

  return {
    uriFor(dbName) {
      const uri = new URL(targetUri);
      uri.host = `127.0.0.1:${listening}`;
      uri.pathname = `/${dbName}`;
      return uri.toString();
    },
    seen: () => [...commands],
    timed: () => [...timed],
    reset() {
      commands = [];
      timed = [];
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Where the database time of a run went: each command and collection, per action, its mean and its share of the run. */
export function profileOf(timed: TimedCommand[], actions: number, seconds: number): string {
  const byCommand = new Map<string, { count: number; ms: number }>();
  for (const { command, collection, filter, ms } of timed) {
    const key = `${command} ${collection} ${filter}`;
    const sum = byCommand.get(key) ?? { count: 0, ms: 0 };
    byCommand.set(key, { count: sum.count + 1, ms: sum.ms + ms });
  }
  const rows = [...byCommand].sort((a, b) => b[1].ms - a[1].ms).map(([key, { count, ms }]) =>
    `| ${key} | ${(count / actions).toFixed(2)} | ${(ms / count).toFixed(2)} | ${((ms / 1000 / seconds) * 100).toFixed(0)}% |`);
  return ['', '| command | per action | mean ms | time at the database / run time |', '|---|---|---|---|', ...rows, ''].join('\n');
}

/** Calls `onMessage` with each whole wire message in a stream of chunks: a message's first four bytes are its length. */
function framesOf(onMessage: (message: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
      const length = pending.readInt32LE(0);
      onMessage(pending.subarray(0, length));
      pending = pending.subarray(length);
    }
  };
}

/** The top-level fields a find, update, delete or findAndModify filters on, e.g. `{_id,revision}` ('' for other commands). */
function filterFieldsOf(message: Buffer): string {
  try {
    const body = mongo.BSON.deserialize(message.subarray(21, 21 + message.readInt32LE(21)));
    const filter = body.filter ?? body.query ?? body.updates?.[0]?.q ?? body.deletes?.[0]?.q;
    return filter && typeof filter === 'object' ? `{${Object.keys(filter).join(',')}}` : '';
  } catch {
    return '';
  }
}

/** The command an OP_MSG carries and its collection ('?' when its value is not a name), or null for another op code. */
function commandOf(message: Buffer): WriteCommand | null {
  // Header (16 bytes), flag bits (4), then section kind 0: the body document.
  if (message.length < 26 || message.readInt32LE(12) !== OP_MSG || message[20] !== 0) return null;
  const body = 21;
  const type = message[body + 4];
  const nameEnd = message.indexOf(0, body + 5);
  if (nameEnd < 0) return null;
  const command = message.toString('utf8', body + 5, nameEnd);
  // The command's value is the collection name, a BSON string (type 2): int32 length, bytes, NUL.
  const collection = type === 2 ? message.toString('utf8', nameEnd + 5, nameEnd + 5 + message.readInt32LE(nameEnd + 1) - 1) : '?';
  return { command, collection };
}
