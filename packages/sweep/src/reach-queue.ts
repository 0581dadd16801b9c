// reachQueue(): one PING to the queue's Redis before a sweep, its status or a worker starts on it.
// BullMQ's clients wait for a connection without end (they reconnect and hold their commands), so an
// address where no Redis answers would otherwise hang the command in silence.
import { S3petInputError } from "@s3pet/core";
import { Redis } from "ioredis";
import { parseQueueUrl } from "./queue-url.js";

/** How long a first connection may take before the queue counts as unreachable. */
const CONNECT_TIMEOUT_MS = 5000;

export async function reachQueue(url: string): Promise<void> {
  const { connection } = parseQueueUrl(url);
  const redis = new Redis({ ...connection, lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // The socket's error says why (ECONNREFUSED, ENOTFOUND); connect() may only say the connection closed.
  let socketError: Error | undefined;
  redis.on("error", (error: Error) => void (socketError ??= error));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    const why = (socketError ?? (error as Error)).message.split("\n")[0];
    throw new S3petInputError(`--queue ${url}: no Redis answers there (${why}); start redis-server on ${connection.host}:${connection.port} or fix the URL`, { cause: error });
  } finally {
    redis.disconnect();
  }
}
