import { describe, expect, it } from "vitest";
import { PluginError } from "../errors/s3pet-error.js";
import { intOption } from "./options-schema.js";
import type { PetMethod, S3petPlugin } from "./pet-method.js";
import { PluginRegistry } from "./plugin-registry.js";

function method(name: string, extra: Partial<PetMethod> = {}): PetMethod {
  return {
    name,
    description: `${name} for tests`,
    siteKinds: ["linear"],
    options: { rank: intOption({ default: 2, doc: "rank" }) },
    lr: 1e-3,
    paramCount: () => 0,
    create: () => {
      throw new Error("not used");
    },
    ...extra,
  } as PetMethod;
}
const plugin = (name: string, methods: PetMethod[]): S3petPlugin => ({ name, version: "1.2.3", methods });

describe("PluginRegistry", () => {
  it("registers plugins and looks methods up by id", () => {
    const r = new PluginRegistry();
    r.register(plugin("one", [method("alpha"), method("beta-2")]), { packageName: "@s3pet/plugin-one", version: "0.9.0" });
    r.register(plugin("two", [method("gamma")]));
    expect(r.methodNames()).toEqual(["alpha", "beta-2", "gamma"]);
    expect(r.method("beta-2").name).toBe("beta-2");
    expect(r.has("gamma")).toBe(true);
    expect(r.providerOf("alpha")).toMatchObject({ packageName: "@s3pet/plugin-one", version: "0.9.0" });
    expect(r.providerOf("gamma")).toMatchObject({ packageName: "two", version: "1.2.3" });
    expect(r.plugins().map((p) => p.packageName)).toEqual(["@s3pet/plugin-one", "two"]);
  });

  it("names the package to install for an unknown method", () => {
    const r = new PluginRegistry();
    r.register(plugin("one", [method("alpha")]));
    expect(() => r.method("lora")).toThrow(PluginError);
    expect(() => r.method("lora")).toThrow("unknown PET method 'lora': install @s3pet/plugin-lora (installed: alpha)");
    expect(() => new PluginRegistry().method("x")).toThrow("(installed: none)");
  });

  it("rejects duplicate ids as a hard error naming both packages, adding nothing", () => {
    const r = new PluginRegistry();
    r.register(plugin("one", [method("alpha")]), { packageName: "@s3pet/plugin-one" });
    expect(() => r.register(plugin("two", [method("zeta"), method("alpha")]), { packageName: "s3pet-plugin-two" })).toThrow(
      "duplicate PET method 'alpha' from s3pet-plugin-two (already provided by @s3pet/plugin-one); uninstall one of them",
    );
    expect(r.has("zeta")).toBe(false);
    expect(() => r.register(plugin("three", [method("eta"), method("eta")]))).toThrow("duplicate PET method 'eta'");
  });

  it("rejects invalid plugins and methods with one-line errors", () => {
    const r = new PluginRegistry();
    const bad = (p: unknown) => () => r.register(p as S3petPlugin, { packageName: "pkg" });
    expect(bad({ name: "x", methods: [] })).toThrow("pkg: the default export must be { name, version, methods: PetMethod[] }");
    expect(bad(plugin("x", [method("Lora")]))).toThrow("pkg: method 'Lora': id must match");
    expect(bad(plugin("x", [method("a_b")]))).toThrow(PluginError);
    expect(bad(plugin("x", [method("m", { siteKinds: [] })]))).toThrow("pkg: method 'm': declares no site kinds");
    expect(bad(plugin("x", [method("m", { siteKinds: ["conv" as "linear"] })]))).toThrow("unknown site kind 'conv'");
    const badDefault = method("m", { options: { rank: intOption({ default: 0, doc: "rank" }) } });
    expect(bad(plugin("x", [badDefault]))).toThrow("pkg: method 'm': default of option 'rank' must be an integer >= 1, got 0");
    expect(bad(plugin("x", [method("m", { lr: undefined })]))).toThrow("pkg: method 'm' must declare a positive learning rate 'lr', got undefined");
    expect(bad(plugin("x", [method("m", { weightDecay: -1 })]))).toThrow("pkg: method 'm': weightDecay must be a number >= 0, got -1");
    expect(r.methodNames()).toEqual([]);
  });
});
