import { describe, expect, it } from "vitest";
import { chooseUi } from "./choose-ui.js";

describe("chooseUi", () => {
  it("shows the dashboard on a terminal and plain lines elsewhere when --ui is not given", () => {
    expect(chooseUi(undefined, { isTTY: true })).toBe("tui");
    expect(chooseUi(undefined, { isTTY: false })).toBe("plain");
    expect(chooseUi(undefined, {})).toBe("plain");
    expect(chooseUi(undefined, { isTTY: true }, { TERM: "dumb" })).toBe("plain");
  });

  it("follows --ui, except that the dashboard needs a terminal", () => {
    expect(chooseUi("plain", { isTTY: true })).toBe("plain");
    expect(chooseUi("json", { isTTY: true })).toBe("json");
    expect(chooseUi("json", { isTTY: false })).toBe("json");
    expect(chooseUi("tui", { isTTY: false })).toBe("plain");
  });

  it("rejects an unknown mode in one line naming the flag", () => {
    expect(() => chooseUi("fancy", { isTTY: true })).toThrow("--ui must be one of tui, plain, json, got 'fancy'");
  });
});
