import { describe, expect, it } from "vitest";
import { tbias, tlow } from "../run/testing/planted-task.js";
import { methodRates } from "./method-rates.js";

describe("methodRates", () => {
  const base = { lr: 1e-3, weightDecay: 0.01, methodLrs: true, methodLr: {} };
  it("gives each method its declared rate, an override where given, and the run's lr when switched off", () => {
    expect(methodRates(base)(tbias)).toEqual({ lr: tbias.lr, weightDecay: 0.01 });
    expect(methodRates({ ...base, methodLr: { tbias: 0.2 } })(tbias)).toEqual({ lr: 0.2, weightDecay: 0.01 });
    expect(methodRates({ ...base, methodLrs: false })(tlow)).toEqual({ lr: 1e-3, weightDecay: 0.01 });
    expect(methodRates({ ...base, methodLrs: false, methodLr: { tlow: 0.3 } })(tlow).lr).toBe(0.3);
    expect(methodRates(base)({ ...tlow, weightDecay: 0.5 }).weightDecay).toBe(0.5);
  });
});
