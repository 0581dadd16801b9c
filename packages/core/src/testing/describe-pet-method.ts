// describePetMethod: the one contract suite every PET method runs (docs/ARCHITECTURE.md, convention §9), ours or a
// contributor's: `describePetMethod(lora, { sites: syntheticSites })` in `<id>.contract.test.ts`.
// For every given site of the method's kinds and every option set it checks: paramCount equals the
// summed variable sizes; a fresh module is a no-op (or, when declared otherwise, is not); gate 0 is an
// exact no-op; the output is linear in the gate at additive sites; gradients reach every variable and
// the gate (and match a finite difference for the gate); dispose frees every tensor; bad options are
// rejected with a one-line message naming method and option; saving to a safetensors file and
// loading it into a fresh module reproduces the outputs; a method that merges computes the same output
// with merged frozen parameters; a method with a PEFT mapping survives toPeft -> fromPeft.
// With a real backbone it also checks both no-ops and the gradients through the whole encoder.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Backbone, EncodedBatch } from "../backbone/backbone.js";
import { S3petInputError } from "../errors/s3pet-error.js";
import { openSafetensors } from "../io/safetensors/open-safetensors.js";
import { writeSafetensors } from "../io/safetensors/write-safetensors.js";
import { GatedSiteCalls, type AttachedModule } from "../plugin/gated-site-calls.js";
import { resolveOptions, type OptionsSchema } from "../plugin/options-schema.js";
import type { PetMethod } from "../plugin/pet-method.js";
import type { PetModule } from "../plugin/pet-module.js";
import { PluginRegistry } from "../plugin/plugin-registry.js";
import type { Site, SiteKind } from "../plugin/site.js";
import { syntheticForward } from "./synthetic-sites.js";

/** A real backbone to run the no-op and gradient checks through, with a small batch. */
export interface BackboneFixture {
  /** Shown in the suite's titles, e.g. "tiny BERT, relative_key positions". */
  readonly name?: string;
  load(): Backbone | Promise<Backbone>;
  readonly batch: EncodedBatch;
}

export interface PetMethodSuiteOptions {
  /** Sites to test on; those not of the method's kinds are ignored (e.g. `syntheticSites`). */
  readonly sites: readonly Site[];
  /** Option sets to test besides the defaults, e.g. `[{ rank: 2, alpha: 4 }]`. */
  readonly options?: readonly Readonly<Record<string, unknown>>[];
  /** Checks through a real encoder (every site of the method's kinds gets a module), on each backbone given. */
  readonly backbone?: BackboneFixture | readonly BackboneFixture[];
  /** Set when a fresh module is by design *not* a no-op, with the reason (e.g. prefix tuning). */
  readonly freshModuleChangesOutput?: string;
}

/** Values that a well-declared option of any type rejects at least one of. */
const BAD_OPTION_PROBES: readonly unknown[] = [-1, 0, 0.5, 1e12, Number.NaN, Number.POSITIVE_INFINITY, "not-a-value", true, null];

export function describePetMethod<S extends OptionsSchema, K extends SiteKind>(method: PetMethod<S, K>, suite: PetMethodSuiteOptions): void {
  const m = method as unknown as PetMethod;
  const sites = suite.sites.filter((s) => m.siteKinds.includes(s.kind));
  if (sites.length === 0) throw new Error(`describePetMethod(${m.name}): no site of kinds ${m.siteKinds.join(", ")} given`);
  const optionSets = [{}, ...(suite.options ?? [])];

  describe(`PetMethod '${m.name}' (contract)`, () => {
    it("registers: valid id, site kinds and option defaults", () => {
      new PluginRegistry().register({ name: `test-${m.name}`, version: "0.0.0", methods: [m] });
    });

    it("rejects bad option values with a one-line message naming method and option", () => {
      for (const [option, spec] of Object.entries(m.options)) {
        const rejected = BAD_OPTION_PROBES.filter((v) => spec.check(typeof v === "string" ? spec.parse(v) : v) !== null);
        expect(rejected, `option '${option}' accepts every probe value; give it a check`).not.toEqual([]);
        for (const value of rejected) {
          const error = catchError(() => resolveOptions(m.name, m.options, { [option]: value }));
          expect(error).toBeInstanceOf(S3petInputError);
          expect(error.message).toMatch(new RegExp(`^${escape(m.name)}: ${escape(option)} .*--${escape(m.name)}\\.${escape(option)}`));
          expect(error.message).not.toContain("\n");
        }
      }
      expect(() => resolveOptions(m.name, m.options, { "no-such-option": 1 })).toThrow(`${m.name}: unknown option 'no-such-option'`);
    });

    for (const site of sites) {
      for (const given of optionSets) {
        const options = resolveOptions(m.name, m.options, given);
        describe(`at ${site.kind} site ${site.name} with ${JSON.stringify(given)}`, () => {
          const create = (seed: number) => m.create(site, options, { seed });

          it("paramCount equals the summed variable sizes", () => {
            const module = create(1);
            const sizes = Object.values(module.weights).reduce((n, w) => n + w.size, 0);
            expect(m.paramCount(site, options)).toBe(sizes);
            expect(sizes).toBeGreaterThan(0);
            module.dispose();
          });

          it(suite.freshModuleChangesOutput ? `a fresh module changes the output (${suite.freshModuleChangesOutput})` : "a fresh module is a no-op", () => {
            const module = create(2);
            const { plain, gated } = compareWithPlain(site, module, 1);
            if (suite.freshModuleChangesOutput) expect(Array.from(gated)).not.toEqual(Array.from(plain));
            else expect(Array.from(gated)).toEqual(Array.from(plain));
            module.dispose();
          });

          it("gate 0 is an exact no-op, even with trained weights", () => {
            const module = create(3);
            perturbWeights(module, 3);
            const { plain, gated } = compareWithPlain(site, module, 0);
            expect(Array.from(gated)).toEqual(Array.from(plain));
            expect(Array.from(compareWithPlain(site, module, 1).gated)).not.toEqual(Array.from(plain));
            module.dispose();
          });

          if (site.kind !== "attention") {
            it("the output is linear in the gate", () => {
              const module = create(4);
              perturbWeights(module, 4);
              const at = (z: number) => compareWithPlain(site, module, z).gated;
              const [y0, y1] = [at(0), at(1)];
              for (const z of [0.25, 0.7]) {
                const yz = at(z);
                const scale = 1 + Math.max(...Array.from(y1, Math.abs));
                yz.forEach((v, i) => expect(Math.abs(v - (y0[i]! + z * (y1[i]! - y0[i]!)))).toBeLessThan(1e-5 * scale));
              }
              module.dispose();
            });
          }

          it("gradients reach every variable and the gate, and the gate's matches a finite difference", () => {
            const module = create(5);
            perturbWeights(module, 5);
            const gate = tf.tidy(() => tf.variable(tf.scalar(0.6), true));
            const loss = (z: tf.Scalar) => tf.tidy(() => {
              const out = syntheticForward(site, new GatedSiteCalls([{ site, module, gate: z, label: m.name }]));
              return tf.sum(tf.mul(out, tf.randomNormal(out.shape, 0, 1, "float32", 99))) as tf.Scalar;
            });
            const vars = [...Object.values(module.weights), gate];
            const { value, grads } = tf.variableGrads(() => loss(gate), vars);
            for (const [name, w] of Object.entries(module.weights)) {
              const g = grads[w.name];
              expect(g, `no gradient reaches weight '${name}'`).toBeDefined();
              expect(Math.max(...Array.from(g!.dataSync(), Math.abs)), `zero gradient for weight '${name}'`).toBeGreaterThan(0);
            }
            const eps = 1e-2;
            const [up, down] = [tf.scalar(0.6 + eps), tf.scalar(0.6 - eps)];
            const [lUp, lDown] = [loss(up), loss(down)];
            const finite = (lUp.dataSync()[0]! - lDown.dataSync()[0]!) / (2 * eps);
            const analytic = grads[gate.name]!.dataSync()[0]!;
            expect(Math.abs(analytic - finite)).toBeLessThan(1e-2 * (1 + Math.abs(finite)));
            expect(Math.abs(analytic)).toBeGreaterThan(0);
            tf.dispose([value, ...Object.values(grads), gate, up, down, lUp, lDown]);
            module.dispose();
          });

          if (m.merge && (site.kind === "linear" || site.kind === "norm")) {
            it("merge: the frozen parameters plus the module's change compute what the gated module does", () => {
              const module = create(9);
              perturbWeights(module, 9);
              const [gated, merged] = mergedAndGated(m, site, module, options);
              const scale = 1 + Math.max(...Array.from(gated, Math.abs));
              merged.forEach((v, i) => expect(Math.abs(v - gated[i]!)).toBeLessThan(1e-5 * scale));
              module.dispose();
            });
          }

          if (m.peft && (m.peft.siteKinds ?? m.siteKinds).includes(site.kind)) {
            it(`PEFT (${m.peft.peftType}): toPeft then fromPeft rebuilds a module with the same outputs`, () => {
              const module = create(10);
              perturbWeights(module, 10);
              const expected = compareWithPlain(site, module, 1).gated;
              const name = `bert.${site.name}`;
              let given: Record<string, unknown> = {};
              const weights = tf.tidy(() => {
                const out = m.peft!.toPeft(module, site, options);
                const config = { ...m.peft!.config([{ name, settings: out.settings }]), target_modules: [name] };
                const back = m.peft!.fromPeft(name, site, config, saveAndReload(out.tensors));
                given = back.options;
                return back.weights;
              });
              const rebuilt = m.create(site, resolveOptions(m.name, m.options, given), { seed: 11 });
              rebuilt.load(weights);
              const actual = compareWithPlain(site, rebuilt, 1).gated;
              const scale = 1 + Math.max(...Array.from(expected, Math.abs));
              actual.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-5 * scale));
              tf.dispose(Object.values(weights));
              [module, rebuilt].forEach((mod) => mod.dispose());
            });
          }

          it("dispose returns tf.memory().numTensors to its baseline", () => {
            const before = tf.memory().numTensors;
            const module = create(6);
            module.setTraining?.(true);
            const gate = tf.scalar(1);
            tf.tidy(() => void syntheticForward(site, new GatedSiteCalls([{ site, module, gate }])));
            tf.dispose(module.exportWeights?.() ?? []);
            gate.dispose();
            module.dispose();
            expect(tf.memory().numTensors).toBe(before);
          });

          it("save/load through a safetensors file reproduces the outputs, and load checks shapes", () => {
            const saved = create(7);
            perturbWeights(saved, 7);
            const expected = compareWithPlain(site, saved, 1).gated;
            const exported = saved.exportWeights?.() ?? saved.weights;
            const copies = saveAndReload(exported);
            if (saved.exportWeights) tf.dispose(Object.values(exported));
            saved.dispose();

            const loaded = create(8);
            loaded.load(copies);
            const actual = compareWithPlain(site, loaded, 1).gated;
            const scale = 1 + Math.max(...Array.from(expected, Math.abs));
            actual.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-5 * scale));

            const [first] = Object.keys(copies);
            const wrong = { ...copies, [first!]: tf.zeros([copies[first!]!.size + 1]) };
            expect(() => loaded.load(wrong)).toThrow(S3petInputError);
            expect(() => loaded.load(wrong)).toThrow(first!);
            tf.dispose([...Object.values(copies), wrong[first!]!]);
            loaded.dispose();
          });
        });
      }
    }

    const backbones = suite.backbone === undefined ? [] : "load" in suite.backbone ? [suite.backbone] : suite.backbone;
    for (const fixture of backbones) describeOnBackbone(m, fixture, suite.freshModuleChangesOutput);
  });
}

/** Both no-ops, a visible effect and the gradients through a real encoder, one module per site. */
function describeOnBackbone(m: PetMethod, fixture: BackboneFixture, freshChanges: string | undefined): void {
  describe(fixture.name ? `on a real backbone (${fixture.name})` : "on a real backbone", () => {
    let backbone: Backbone;
    let sites: Site[];
    const options = resolveOptions(m.name, m.options, {});
    beforeAll(async () => {
      backbone = await fixture.load();
      sites = backbone.sites().filter((s) => m.siteKinds.includes(s.kind));
    });
    afterAll(() => backbone?.dispose());

    const lastHidden = (calls?: GatedSiteCalls): Float32Array => {
      const out = tf.tidy(() => backbone.forward(fixture.batch, calls).lastHiddenState);
      const values = (out.dataSync() as Float32Array).slice();
      out.dispose();
      return values;
    };
    /** Last hidden state with a module at every site under one gate (null: no modules). */
    const run = (gateValue: number | null, perturbed: boolean): Float32Array => {
      if (gateValue === null) return lastHidden();
      const gate = tf.scalar(gateValue);
      const modules = sites.map((site, i) => m.create(site, options, { seed: 10 + i }));
      if (perturbed) modules.forEach((mod, i) => perturbWeights(mod, 10 + i));
      const calls = new GatedSiteCalls(modules.map((module, i) => ({ site: sites[i]!, module, gate, label: m.name })));
      const out = lastHidden(calls);
      modules.forEach((mod) => mod.dispose());
      gate.dispose();
      return out;
    };

    it("has sites of the method's kinds", () => expect(sites.length).toBeGreaterThan(0));

    it(freshChanges ? "fresh modules change the output (documented)" : "fresh modules at gate 1 are an exact no-op", () => {
      const [plain, fresh] = [run(null, false), run(1, false)];
      if (freshChanges) expect(Array.from(fresh)).not.toEqual(Array.from(plain));
      else expect(Array.from(fresh)).toEqual(Array.from(plain));
    });

    it("trained modules at gate 0 are an exact no-op, and change the output at gate 0.5", () => {
      const plain = run(null, false);
      expect(Array.from(run(0, true))).toEqual(Array.from(plain));
      expect(Array.from(run(0.5, true))).not.toEqual(Array.from(plain));
    });

    it("gradients reach every variable of every module and the gate", () => {
      const modules = sites.map((site, i) => m.create(site, options, { seed: 30 + i }));
      modules.forEach((mod, i) => perturbWeights(mod, 30 + i));
      const gate = tf.tidy(() => tf.variable(tf.scalar(0.5), true));
      const attached: AttachedModule[] = modules.map((module, i) => ({ site: sites[i]!, module, gate: gate as tf.Scalar }));
      const vars = [gate, ...modules.flatMap((mod) => Object.values(mod.weights))];
      const { value, grads } = tf.variableGrads(
        () => tf.tidy(() => tf.sum(tf.square(backbone.forward(fixture.batch, new GatedSiteCalls(attached)).lastHiddenState)) as tf.Scalar),
        vars,
      );
      for (const v of vars) {
        expect(grads[v.name], `no gradient reaches ${v.name}`).toBeDefined();
        expect(Math.max(...Array.from(grads[v.name]!.dataSync(), Math.abs)), `zero gradient for ${v.name}`).toBeGreaterThan(0);
      }
      tf.dispose([value, ...Object.values(grads), gate]);
      modules.forEach((mod) => mod.dispose());
    });
  });
}

/** Plain and gated outputs of the synthetic forward at `site` with `module` under gate `z`. */
function compareWithPlain(site: Site, module: PetModule, z: number): { plain: Float32Array; gated: Float32Array } {
  const gate = tf.scalar(z);
  const read = (calls?: GatedSiteCalls) => {
    const out = syntheticForward(site, calls);
    const values = (out.dataSync() as Float32Array).slice();
    out.dispose();
    return values;
  };
  const result = { plain: read(), gated: read(new GatedSiteCalls([{ site, module, gate }])) };
  gate.dispose();
  return result;
}

/** Outputs at a linear or norm site with random frozen parameters: [gated module at z = 1, merged parameters]. */
function mergedAndGated(m: PetMethod, site: Site, module: PetModule, options: Record<string, unknown>): [Float32Array, Float32Array] {
  return tf.tidy(() => {
    const [dIn, dOut] = site.kind === "linear" ? [site.dIn, site.dOut] : site.kind === "norm" ? [site.dim, site.dim] : [0, 0];
    const x = tf.randomNormal([5, dIn], 0, 1, "float32", 21) as tf.Tensor2D; // input, or xhat at a norm
    const frozen = {
      weight: site.kind === "linear" ? tf.randomNormal([dIn, dOut], 0, 0.3, "float32", 22) : tf.randomNormal([dOut], 1, 0.3, "float32", 22),
      bias: tf.randomNormal([dOut], 0, 0.5, "float32", 23),
    };
    const apply = (p: { weight: tf.Tensor; bias: tf.Tensor }) =>
      (site.kind === "linear" ? tf.add(tf.matMul(x, p.weight as tf.Tensor2D), p.bias) : tf.add(tf.mul(x, p.weight), p.bias)) as tf.Tensor2D;
    const calls = new GatedSiteCalls([{ site, module, gate: tf.scalar(1) }]);
    const y = apply(frozen);
    const gated = site.kind === "linear" ? calls.linear(site, x, y) : calls.norm(site as Extract<Site, { kind: "norm" }>, x, y);
    const delta = m.merge!(module, site, options, frozen);
    const merged = apply({ weight: delta.weight ? tf.add(frozen.weight, delta.weight) : frozen.weight, bias: delta.bias ? tf.add(frozen.bias, delta.bias) : frozen.bias });
    return [gated.dataSync() as Float32Array, merged.dataSync() as Float32Array];
  });
}

/** Overwrites every weight with seeded N(0, 0.5^2) values, as if trained (fresh modules hide bugs). */
export function perturbWeights(module: PetModule, seed: number): void {
  Object.values(module.weights).forEach((w, i) =>
    tf.tidy(() => w.assign(tf.randomNormal(w.shape, 0, 0.5, "float32", seed * 31 + i))),
  );
}

/** The tensors written to a safetensors file and read back, as an adapter file round trip does. */
function saveAndReload(weights: Readonly<Record<string, tf.Tensor>>): Record<string, tf.Tensor> {
  const dir = mkdtempSync(join(tmpdir(), "s3pet-contract-"));
  const path = join(dir, "adapter_model.safetensors");
  try {
    writeSafetensors(path, Object.fromEntries(Object.entries(weights).map(([k, t]) => [k, { shape: t.shape, data: t.dataSync() as Float32Array }])));
    const file = openSafetensors(path);
    try {
      return Object.fromEntries(file.names().map((name) => {
        const { shape, data } = file.readFloat32(name);
        return [name, tf.tensor(data, shape)];
      }));
    } finally {
      file.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function catchError(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error, none was thrown");
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
