// parseQueueUrl(): `redis://[user:password@]host:port/name` into BullMQ's connection and queue name.
import { S3petInputError } from "@s3pet/core";

export interface QueueAddress {
  readonly connection: { readonly host: string; readonly port: number; readonly username?: string; readonly password?: string; readonly tls?: object };
  readonly name: string;
}

export function parseQueueUrl(text: string): QueueAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    url = new URL("invalid://");
  }
  const name = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if ((url.protocol !== "redis:" && url.protocol !== "rediss:") || !url.hostname || !/^[\w.-]+$/.test(name)) {
    throw new S3petInputError(`--queue '${text}' is not a queue URL; use redis://host:port/name, e.g. redis://127.0.0.1:6379/sweeps`);
  }
  return {
    connection: {
      host: url.hostname,
      port: url.port ? Number(url.port) : 6379,
      ...(url.username && { username: decodeURIComponent(url.username) }),
      ...(url.password && { password: decodeURIComponent(url.password) }),
      ...(url.protocol === "rediss:" && { tls: {} }),
    },
    name,
  };
}
