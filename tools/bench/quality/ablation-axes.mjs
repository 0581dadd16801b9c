// @ts-check
// The search ablation's axes (`quality.mjs --ablate <axis>=<v1>,<v2>`): each value becomes a variant of
// the search rows with the CLI flags below, one axis at a time (every other setting at its default).
// A variant's row id is `<row>~<axis>=<value>`, so the grid's aggregation keeps it apart.

/** axis -> (value -> the flags of that value). */
export const ABLATION_AXES = {
  // gradient through the SGS shift
  "shift-gradient": (v) => ["--shift-gradient", oneOf("shift-gradient", v, ["implicit", "detach-sum", "none"])],
  // validation (and the best-alpha checkpoint) once per epoch, or every n steps (both phases)
  "eval-every": (v) => (v === "epoch" ? [] : ["--eval-every", positiveInt("eval-every", v)]),
  // each method at its plugin's declared rate, or every module at --lr
  "method-lrs": (v) => ["--method-lrs", oneOf("method-lrs", v, ["on", "off"])],
  "alpha-lr": (v) => ["--alpha-lr", positiveNumber("alpha-lr", v)],
  temperature: (v) => ["--temperature", positiveNumber("temperature", v)],
  "search-epochs": (v) => ["--search-epochs", positiveInt("search-epochs", v)],
};

/**
 * `["shift-gradient=implicit,detach-sum", ...]` -> [{ axis, value, flags, suffix }], in the given order.
 * Throws a one-line Error naming the bad spec.
 * @param {readonly string[]} specs
 */
export function parseAblations(specs) {
  return specs.flatMap((spec) => {
    const eq = spec.indexOf("=");
    const axis = eq > 0 ? spec.slice(0, eq) : spec;
    const flagsOf = ABLATION_AXES[axis];
    if (!flagsOf || eq < 0) throw new Error(`--ablate ${spec}: expected <axis>=<v1>,<v2> with axis one of ${Object.keys(ABLATION_AXES).join(", ")}`);
    const values = spec.slice(eq + 1).split(",").map((v) => v.trim()).filter(Boolean);
    if (values.length === 0) throw new Error(`--ablate ${spec}: give at least one value`);
    return values.map((value) => ({ axis, value, flags: flagsOf(value), suffix: `~${axis}=${value}` }));
  });
}

/** `s3pet~shift-gradient=none` -> { row: "s3pet", axis: "shift-gradient", value: "none" }; plain rows -> null. */
export function parseVariantRow(row) {
  const m = /^([^~]+)~([^=]+)=(.*)$/.exec(row);
  return m ? { row: m[1], axis: m[2], value: m[3] } : null;
}

function oneOf(axis, v, values) {
  if (!values.includes(v)) throw new Error(`--ablate ${axis}=${v}: must be one of ${values.join(", ")}`);
  return v;
}
function positiveInt(axis, v) {
  if (!/^[1-9]\d*$/.test(v)) throw new Error(`--ablate ${axis}=${v}: must be a positive integer${axis === "eval-every" ? " or 'epoch'" : ""}`);
  return v;
}
function positiveNumber(axis, v) {
  if (!(Number(v) > 0)) throw new Error(`--ablate ${axis}=${v}: must be a positive number`);
  return v;
}
