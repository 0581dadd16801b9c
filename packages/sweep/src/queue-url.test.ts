import { describe, expect, it } from "vitest";
import { parseQueueUrl } from "./queue-url.js";

describe("parseQueueUrl", () => {
  it("reads host, port, credentials and the queue name", () => {
    expect(parseQueueUrl("redis://10.0.0.5:6380/grid-1")).toEqual({ connection: { host: "10.0.0.5", port: 6380 }, name: "grid-1" });
    expect(parseQueueUrl("redis://:s3cret@box/q")).toEqual({ connection: { host: "box", port: 6379, password: "s3cret" }, name: "q" });
  });

  it("rejects what is not redis://host:port/name in one line", () => {
    for (const bad of ["localhost:6379/q", "redis://localhost:6379", "http://x/q", "redis://h/a/b"]) {
      expect(() => parseQueueUrl(bad)).toThrow(/is not a queue URL; use redis:\/\/host:port\/name/);
    }
  });
});
