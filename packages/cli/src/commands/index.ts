// Every `s3pet` command, in the order `s3pet --help` lists them. Add a command: one file in this
// folder exporting a defineCommand(...) object, plus one line here.
import type { Command } from "../cli/command.js";
import { doctor } from "./doctor.js";
import { evalCommand } from "./eval.js";
import { exportCommand } from "./export.js";
import { inspect } from "./inspect.js";
import { plugins } from "./plugins.js";
import { search } from "./search.js";
import { train } from "./train.js";
import { encode } from "./encode.js";
import { pretrain } from "./pretrain.js";
import { watch } from "./watch.js";
import { report } from "./report.js";
import { sweep } from "./sweep.js";
import { worker } from "./worker.js";

export const COMMANDS: readonly Command[] = [search, train, evalCommand, exportCommand, inspect, plugins, doctor, encode, watch, report, pretrain, sweep, worker];
