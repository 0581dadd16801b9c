// eventsFromFile: a run's events.jsonl as an Observable, so `s3pet watch` feeds the same reducer as a live
// run. It replays the lines already written (paced by their `time` when `speed` is set), then, when
// following, picks up lines appended later (fs.watch plus polling; a partial last line waits for its
// newline) and completes after run-end. A bad line becomes a non-fatal error event, shown in place.
import { open, type FileHandle } from "node:fs/promises";
import { watch, type FSWatcher } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { Observable } from "rxjs";
import type { S3petEvent } from "@s3pet/core/events";

export interface EventsFromFileOptions {
  /** Keep reading lines appended to the file until run-end is seen. @default true */
  readonly follow?: boolean;
  /** Replay N times faster than the events happened (by their `time`); Infinity emits at once. @default Infinity */
  readonly speed?: number;
  /** How often to look for new lines while following (fs.watch usually wakes the reader sooner). @default 250 */
  readonly pollMs?: number;
  /** Longest pause between two replayed events, so a long gap (a run resumed the next day) does not stall the replay. @default 2000 */
  readonly maxPauseMs?: number;
  /**
   * While following: true once no process writes the file any more (its writer was killed). The lines
   * written so far are emitted and the stream completes instead of waiting for a run-end that never comes.
   */
  readonly writerGone?: () => boolean;
}

const CHUNK_BYTES = 1 << 16;

export function eventsFromFile(path: string, options: EventsFromFileOptions = {}): Observable<S3petEvent> {
  const follow = options.follow ?? true;
  const speed = options.speed ?? Infinity;
  const pollMs = options.pollMs ?? 250;
  const maxPauseMs = options.maxPauseMs ?? 2000;
  if (!(speed > 0)) throw new RangeError(`speed must be a positive number, got ${speed}`);

  return new Observable<S3petEvent>((subscriber) => {
    let closed = false;
    let file: FileHandle | null = null;
    let watcher: FSWatcher | null = null;
    let offset = 0;
    let lineNumber = 0;
    let partial = "";
    let lastTime: number | null = null;
    let replayClock: { wallMs: number; eventTime: number } | null = null;
    const decoder = new StringDecoder("utf8");
    const buffer = Buffer.alloc(CHUNK_BYTES);

    // The current wait, so teardown can end it; fs.watch ends only a poll wait, never a replay pause.
    let waiting: { readonly kind: "pause" | "poll"; readonly end: () => void } | null = null;
    const sleep = (ms: number, kind: "pause" | "poll") =>
      new Promise<void>((resolve) => {
        const end = () => {
          clearTimeout(timer);
          waiting = null;
          resolve();
        };
        const timer = setTimeout(end, ms);
        waiting = { kind, end };
      });

    /** Emits one event, first waiting as long as the replay speed asks. Returns true after run-end. */
    async function emit(event: S3petEvent): Promise<boolean> {
      if (Number.isFinite(speed)) {
        // Paced against one replay clock (not event-to-event sleeps), so timer lateness does not add up.
        const gapMs = replayClock === null ? 0 : (event.time - lastTime!) / speed;
        if (replayClock === null || gapMs > maxPauseMs || gapMs < 0) {
          replayClock = { wallMs: performance.now() + (gapMs > maxPauseMs ? maxPauseMs : 0), eventTime: event.time };
        }
        const wait = replayClock.wallMs + (event.time - replayClock.eventTime) / speed - performance.now();
        if (wait >= 1) await sleep(wait, "pause");
        if (closed) return true;
      }
      lastTime = event.time;
      subscriber.next(event);
      return event.type === "run-end";
    }

    function badLine(reason: string): S3petEvent {
      return { type: "error", time: lastTime ?? 0, message: `${path} line ${lineNumber}: ${reason}`, fatal: false };
    }

    function parseLine(line: string): S3petEvent | null {
      if (line.trim() === "") return null;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        return badLine(`not valid JSON (${(error as Error).message})`);
      }
      const candidate = value as { type?: unknown; time?: unknown } | null;
      if (typeof candidate !== "object" || candidate === null || typeof candidate.type !== "string" || typeof candidate.time !== "number") {
        return badLine("not an event (needs a string `type` and a number `time`)");
      }
      return value as S3petEvent;
    }

    /** Reads what is new in the file and emits its complete lines. Returns true after run-end. */
    async function drain(): Promise<boolean> {
      if (file === null) {
        try {
          file = await open(path, "r");
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "ENOENT" && follow) return false; // not written yet
          throw error;
        }
        if (closed) return true;
        if (follow) watcher = watchQuietly(path, () => (waiting?.kind === "poll" ? waiting.end() : undefined));
      }
      for (;;) {
        const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, offset);
        if (closed) return true;
        if (bytesRead === 0) return false;
        offset += bytesRead;
        const lines = (partial + decoder.write(buffer.subarray(0, bytesRead))).split("\n");
        partial = lines.pop()!;
        for (const line of lines) {
          lineNumber++;
          const event = parseLine(line);
          if (event !== null && (await emit(event))) return true;
        }
      }
    }

    async function run(): Promise<void> {
      for (;;) {
        if (await drain()) break;
        if (closed) return;
        let last = !follow;
        if (!last && options.writerGone?.() === true) {
          // Asked after a drain found nothing new; one more drain takes what the writer wrote before it died.
          if ((await drain()) || closed) break;
          last = true;
        }
        if (last) {
          // A finished file may lack its last newline; a half-written last line is reported, not parsed.
          const rest = partial + decoder.end();
          if (rest.trim() !== "") {
            lineNumber++;
            const event = parseLine(rest);
            if (event !== null) await emit(event);
          }
          break;
        }
        await sleep(pollMs, "poll");
        if (closed) return;
      }
      subscriber.complete();
    }

    run().catch((error: unknown) => {
      if (!closed) subscriber.error(error);
    });

    return () => {
      closed = true;
      waiting?.end();
      watcher?.close();
      void file?.close().catch(() => undefined);
    };
  });
}

/** fs.watch when the platform offers it; polling covers the rest. */
function watchQuietly(path: string, onChange: () => void): FSWatcher | null {
  try {
    const watcher = watch(path, { persistent: false }, onChange);
    watcher.on("error", () => watcher.close());
    return watcher;
  } catch {
    return null;
  }
}
