import { describe, expect, it } from "vitest";
import { intOption, resolveOptions } from "./options-schema.js";

const schema = { rank: intOption({ default: 8, doc: "rank" }) };

describe("resolveOptions", () => {
  it("parses command-line strings and fills defaults", () => {
    expect(resolveOptions("lora", schema, { rank: "4" })).toEqual({ rank: 4 });
    expect(resolveOptions("lora", schema)).toEqual({ rank: 8 });
  });
  it("shows a bad value as typed and names the flag", () => {
    expect(() => resolveOptions("lora", schema, { rank: "abc" })).toThrow("lora: rank must be an integer >= 1, got 'abc' (set --lora.rank)");
  });
  it("names the file and the module when the options come from a file", () => {
    expect(() => resolveOptions("lora", schema, { rank: 0 }, "runs/a/structure.json: module 2")).toThrow(
      "runs/a/structure.json: module 2: lora: rank must be an integer >= 1, got 0 (fix it in that file)",
    );
    expect(() => resolveOptions("lora", schema, { rnak: 4 }, "s.json: module 0")).toThrow("s.json: module 0: lora: unknown option 'rnak' (known: rank)");
  });
});
