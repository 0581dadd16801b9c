// Every `s3pet` command, in the order `s3pet --help` lists them. Add a command: one file in this
// folder exporting a defineCommand(...) object, plus one line here.
import type { Command } from "../cli/command.js";
import { doctor } from "./doctor.js";
import { encode } from "./encode.js";
import { pretrain } from "./pretrain.js";
import { plugins } from "./plugins.js";
import { watch } from "./watch.js";

export const COMMANDS: readonly Command[] = [doctor, encode, plugins, watch, pretrain];
