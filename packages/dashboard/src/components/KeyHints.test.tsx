import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render } from "ink-testing-library";
import { strip } from "../testing/render-frame.js";
import { ErrorBanner } from "./ErrorBanner.js";
import { KeyHints } from "./KeyHints.js";

afterEach(cleanup);

describe("KeyHints", () => {
  it("offers stop when in-process and detach when watching", () => {
    expect(strip(render(<KeyHints quitAction="stop" panels={null} interactive finished={false} />).lastFrame())).toBe(" q  stop the run (checkpoint first)");
    expect(strip(render(<KeyHints quitAction="detach" panels={null} interactive finished={false} />).lastFrame())).toBe(" q  detach");
  });

  it("names the panels that take turns and brackets the one shown", () => {
    const frame = strip(render(<KeyHints quitAction="stop" panels={{ names: ["overview", "gates", "top"], shown: 1 }} interactive finished={false} />).lastFrame());
    expect(frame).toBe(" q  stop the run (checkpoint first)  ·   tab  next panel: overview [gates] top");
  });

  it("offers no keys when stdin is not a terminal", () => {
    expect(strip(render(<KeyHints quitAction="stop" panels={null} interactive={false} finished={false} />).lastFrame())).toBe("(keys unavailable: stdin is not a terminal)");
  });
});

describe("ErrorBanner", () => {
  it("shows a fatal error in place, before the stopping notice", () => {
    expect(strip(render(<ErrorBanner fatalError="NaN loss at step 7: lower --lr" stopping width={80} />).lastFrame())).toBe("✖ NaN loss at step 7: lower --lr");
    expect(strip(render(<ErrorBanner fatalError={null} stopping width={80} />).lastFrame())).toBe("■ stopping: finishing the current step and writing a checkpoint…");
    expect(strip(render(<ErrorBanner fatalError={null} stopping={false} width={80} />).lastFrame())).toBe("");
  });
});
