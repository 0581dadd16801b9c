import { describe, expect, it } from "vitest";
import { S3petInputError } from "../errors/s3pet-error.js";
import { matchSites } from "./match-sites.js";
import type { Site } from "./site.js";

const names = [
  "embeddings",
  "encoder.layer.0.attention.self.query",
  "encoder.layer.0.attention.self.value",
  "encoder.layer.0.attention.output.dense",
  "encoder.layer.0.attention.output",
  "encoder.layer.0.output.dense",
  "encoder.layer.0.output",
  "encoder.layer.1.attention.self.query",
  "encoder.layer.11.attention.self.query",
];
const sites: Site[] = names.map((name) => ({ kind: "residual", name, layer: null, position: name, dim: 4 }));
const match = (include: string[], exclude?: string[]) => matchSites(sites, include, exclude).map((s) => s.name);

describe("matchSites", () => {
  it("matches suffixes on dot boundaries only", () => {
    expect(match(["query"])).toEqual([names[1], names[7], names[8]]);
    expect(match(["attention.output"])).toEqual(["encoder.layer.0.attention.output"]);
    expect(match(["output"])).toEqual(["encoder.layer.0.attention.output", "encoder.layer.0.output"]);
    expect(match(["ery"])).toEqual([]);
    expect(match(["embeddings"])).toEqual(["embeddings"]);
  });

  it("matches /regex/ anywhere in the name, keeping the backbone's order", () => {
    expect(match(["/layer\\.1\\./"])).toEqual(["encoder.layer.1.attention.self.query"]);
    expect(match(["/^encoder\\.layer\\.\\d+\\.output$/", "value"])).toEqual([names[2], names[6]]);
    expect(match(["/QUERY$/i"])).toEqual([names[1], names[7], names[8]]);
  });

  it("drops excluded sites", () => {
    expect(match(["query", "value"], ["/layer\\.0\\./"])).toEqual([names[7], names[8]]);
  });

  it("rejects malformed patterns with a message naming the pattern", () => {
    expect(() => match(["/(/"])).toThrow(S3petInputError);
    expect(() => match(["/(/"])).toThrow("site pattern '/(/' is not a valid regular expression");
    expect(() => match([".query"])).toThrow("site pattern '.query' is empty or starts/ends with '.'");
    expect(() => match([""])).toThrow(S3petInputError);
  });
});
