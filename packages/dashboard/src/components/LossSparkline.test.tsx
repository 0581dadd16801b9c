import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render } from "ink-testing-library";
import { initialRunState } from "../state/run-state.js";
import { atStep, fixtureState, strip } from "../testing/render-frame.js";
import { LossSparkline, sparkline } from "./LossSparkline.js";

afterEach(cleanup);

describe("sparkline", () => {
  it("maps values between their min and max onto eight ticks", () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe("▁▂▃▄▅▆▇█");
    expect(sparkline([7, 0], 8)).toBe("█▁");
  });

  it("averages into buckets when there are more values than columns", () => {
    expect(sparkline([0, 0, 10, 10], 2)).toBe("▁█");
    expect(sparkline([0, 2, 8, 10], 2)).toBe("▁█");
    expect(sparkline([0, 10, 5, 5, 10, 0], 3)).toBe("▄▄▄");
  });

  it("draws a flat line mid-height, and nothing for no values", () => {
    expect(sparkline([3, 3, 3], 5)).toBe("▄▄▄");
    expect(sparkline([], 5)).toBe("");
  });
});

describe("LossSparkline", () => {
  it("shows train loss, alpha-step loss and the validation history during search", () => {
    const { lastFrame } = render(<LossSparkline state={fixtureState(atStep("search", 160))} width={70} />);
    expect(strip(lastFrame())).toMatchInlineSnapshot(`
      "╭─ Loss · search ────────────────────────────────────────────────────╮
      │ train   █▇▇▇▆▆▆▅▅▅▄▄▄▄▄▃▃▃▃▃▃▂▂▂▂▂▂▁▂▁▁▁▁▁ 0.2325                  │
      │ α-step  ██▇▇▇▆▆▅▅▅▅▅▄▄▄▄▄▃▃▃▃▃▂▂▂▂▂▂▂▁▂▁▁▁ 0.3828                  │
      │ val acc ▁▅█                                0.8981 best 0.8981 @150 │
      ╰────────────────────────────────────────────────────────────────────╯"
    `);
  });

  it("drops the alpha-step line while re-training and keeps the re-train's validation scores", () => {
    const frame = strip(render(<LossSparkline state={fixtureState()} width={70} />).lastFrame());
    expect(frame).toContain("Loss · retrain");
    expect(frame).not.toContain("α-step");
    expect(frame).toMatch(/val acc +▁▆█ +0\.9350 best 0\.9350 @150/);
  });

  it("shows dashes before any step", () => {
    const frame = strip(render(<LossSparkline state={initialRunState()} width={50} />).lastFrame());
    expect(frame).toMatch(/train +–/);
  });
});
