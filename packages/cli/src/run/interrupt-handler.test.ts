import { afterEach, describe, expect, it, vi } from "vitest";
import { installInterruptHandler } from "./interrupt-handler.js";

describe("installInterruptHandler", () => {
  afterEach(() => vi.restoreAllMocks());

  it("stops gracefully on the first Ctrl-C and exits with 130 on the second", () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    const stops: number[] = [];
    const notes: string[] = [];
    const uninstall = installInterruptHandler(() => stops.push(1), (m) => notes.push(m));
    try {
      process.emit("SIGINT");
      expect(stops).toEqual([1]);
      expect(notes).toEqual(["stopping after the current step and a checkpoint (Ctrl-C again to exit at once)"]);
      expect(exit).not.toHaveBeenCalled();
      process.emit("SIGINT");
      expect(exit).toHaveBeenCalledWith(130);
      expect(stops).toEqual([1]);
    } finally {
      uninstall();
    }
    expect(process.listenerCount("SIGINT")).toBe(0);
  });

  it("treats SIGTERM like Ctrl-C", () => {
    const stops: number[] = [];
    const uninstall = installInterruptHandler(() => stops.push(1), () => undefined);
    process.emit("SIGTERM");
    uninstall();
    expect(stops).toEqual([1]);
  });
});
