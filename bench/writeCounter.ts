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

export interface WriteCounter {
  /** A MongoDB URI through the proxy, for database `dbName`. */
  uriFor(dbName: string): string;
  /** Write commands seen since the last reset, in arrival order. */
  seen(): WriteCommand[];
  reset(): void;
  stop(): Promise<void>;
}

export async function startWriteCounter(targetUri: string): Promise<WriteCounter> {
  const target = new URL(targetUri);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = Number(target.port || 27017);
  let commands: WriteCommand[] = [];
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    const upstream = net.connect({ host, port });
    sockets.add(client).add(upstream);
    let pending: Buffer = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      // Whole messages only: a message's first four bytes are its length.
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const length = pending.readInt32LE(0);
        const written = writeOf(pending.subarray(0, length));
        if (written) commands.push(written);
        pending = pending.subarray(length);
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
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
    reset() {
      commands = [];
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The write command an OP_MSG carries, or null (a read, another op code, a command that is not a write). */
function writeOf(message: Buffer): WriteCommand | null {
  // Header (16 bytes), flag bits (4), then section kind 0: the body document.
  if (message.length < 26 || message.readInt32LE(12) !== OP_MSG || message[20] !== 0) return null;
  const body = 21;
  const type = message[body + 4];
  const nameEnd = message.indexOf(0, body + 5);
  if (nameEnd < 0) return null;
  const command = message.toString('utf8', body + 5, nameEnd);
  if (!WRITE_COMMANDS.has(command)) return null;
  // The command's value is the collection name, a BSON string (type 2): int32 length, bytes, NUL.
  const collection = type === 2 ? message.toString('utf8', nameEnd + 5, nameEnd + 5 + message.readInt32LE(nameEnd + 1) - 1) : '?';
  return { command: command === 'findandmodify' ? 'findAndModify' : command, collection };
}
