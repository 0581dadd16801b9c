import { describe, expect, it } from "vitest";
import { from, lastValueFrom, concat, throwError, toArray } from "rxjs";
import { fixtureEvents } from "../testing/fixture-events.js";
import { fixtureState } from "../testing/render-frame.js";
import { runStates } from "./run-states.js";

describe("runStates", () => {
  it("folds a burst of events into one throttled state equal to the full reduction", async () => {
    const states = await lastValueFrom(runStates(from(fixtureEvents()), 20).pipe(toArray()));
    expect(states).toHaveLength(1);
    expect(states[0]).toEqual(fixtureState());
  });

  it("emits every state when not throttled", async () => {
    const states = await lastValueFrom(runStates(from(fixtureEvents().slice(0, 5)), 0).pipe(toArray()));
    expect(states.map((s) => s.log.length)).toEqual([1, 2, 3, 3, 3]);
  });

  it("turns a failing source into a fatal error shown in place, then completes", async () => {
    const events = fixtureEvents().slice(0, 3);
    const states = await lastValueFrom(runStates(concat(from(events), throwError(() => new Error("EACCES: events.jsonl"))), 0).pipe(toArray()));
    const last = states.at(-1)!;
    expect(last.status).toBe("failed");
    expect(last.fatalError).toBe("EACCES: events.jsonl");
    expect(last.lastTime).toBe(events[2]!.time);
  });
});
