// DashboardView: the whole screen as a pure function of RunState and the terminal size. Wide terminals
// show every panel (header, phases, loss | budget, gates | top candidates, then gates | result once the
// structure is chosen, the log); small ones show the header, phases and log with one panel at a time,
// switched with tab; tiny ones the header alone. The frame never outgrows the terminal: the log and
// the panels share what is left of its rows (dashboardLayout), and the layout follows every resize.
import { Box } from "ink";
import { isFinished, type RunState } from "../state/run-state.js";
import { BudgetMeter } from "./BudgetMeter.js";
import { ErrorBanner } from "./ErrorBanner.js";
import { EventLog } from "./EventLog.js";
import { GateHeatmap, gateHeatmapHeight } from "./GateHeatmap.js";
import { KeyHints, type QuitAction } from "./KeyHints.js";
import { LossSparkline } from "./LossSparkline.js";
import { PhaseBar } from "./PhaseBar.js";
import { ResultPanel, stackedResultHeight } from "./ResultPanel.js";
import { RunHeader } from "./RunHeader.js";
import { TopCandidates } from "./TopCandidates.js";

export interface DashboardViewProps {
  readonly state: RunState;
  readonly columns: number;
  readonly rows: number;
  /** Index of the panel shown on small terminals (taken modulo the panels available). */
  readonly panel: number;
  readonly stopping: boolean;
  readonly quitAction: QuitAction;
  readonly interactive: boolean;
}

/** Panels that take turns on small terminals, in tab order. */
export type CompactPanel = "overview" | "gates" | "top" | "result";

/**
 * Where everything goes at this size; every height is an outer height in rows. "wide": all panels, the
 * gates beside the top candidates (or the result) in `middle`; "compact": one panel at a time in `main`;
 * "tiny" (fewer than 40 columns or 14 rows): the header, phases and keys alone, clipped to `height`.
 * Both other kinds end with the log pane (`log`); the frame stays shorter than the terminal.
 */
export type DashboardLayout =
  | { readonly kind: "wide"; readonly width: number; readonly middle: number; readonly log: number }
  | { readonly kind: "compact"; readonly width: number; readonly panel: CompactPanel; readonly main: number; readonly log: number }
  | { readonly kind: "tiny"; readonly width: number; readonly height: number };

const METER_HEIGHT = 6; // Loss and Budget: title border + 4 lines + bottom border
const MIN_WIDE_COLUMNS = 96;
const MIN_COLUMNS = 40;
const MIN_ROWS = 14;
/** The log pane's most lines: beyond them the panels take the room. */
const LOG_MAX_LINES = 8;
const TOP_MAX_ROWS = 12;

export function compactPanels(state: RunState): CompactPanel[] {
  const hasResult = state.structure !== null || state.end !== null;
  return hasResult ? ["result", "overview", "gates", "top"] : ["overview", "gates", "top"];
}

export function dashboardLayout(state: RunState, columns: number, rows: number, panel: number, stopping: boolean): DashboardLayout {
  const width = columns;
  // One row below the frame: a frame as tall as the screen makes ink clear and redraw it on every update.
  const available = rows - 1;
  const banner = state.fatalError !== null || stopping ? 1 : 0;
  const fixed = 2 + 2 + banner + 1; // header, phases, banner, key hints
  if (columns < MIN_COLUMNS || available < MIN_ROWS) return { kind: "tiny", width, height: Math.max(1, Math.min(available, fixed)) };
  // The log pane gets a few lines however busy the panels are, more on tall terminals, and what the
  // panels leave up to LOG_MAX_LINES.
  const logMin = 2 + Math.min(4, Math.max(1, Math.floor((available - 12) / 6)));
  const logFor = (room: number, need: number) => Math.min(LOG_MAX_LINES + 2, Math.max(logMin, room - need));
  const hasResult = state.structure !== null || state.end !== null;

  const middleRoom = available - fixed - METER_HEIGHT;
  const right = width - Math.floor(width / 2);
  // Gates beside top candidates, or beside the result once the structure is chosen.
  const middleNeeds = Math.max(gateHeatmapHeight(state, middleRoom - logMin), hasResult ? stackedResultHeight(state, right) : 0);
  if (columns >= MIN_WIDE_COLUMNS && middleRoom - logMin >= Math.min(middleNeeds, 12)) {
    const log = logFor(middleRoom, middleNeeds);
    return { kind: "wide", width, middle: middleRoom - log, log };
  }

  const names = compactPanels(state);
  const name = names[((panel % names.length) + names.length) % names.length]!;
  const body = available - fixed;
  const need =
    name === "overview"
      ? 2 * METER_HEIGHT
      : name === "gates"
        ? gateHeatmapHeight(state, body - logMin)
        : name === "top"
          ? 3 + Math.min(TOP_MAX_ROWS, state.candidates.length)
          : stackedResultHeight(state, width);
  const log = logFor(body, need);
  return { kind: "compact", width, panel: name, main: Math.min(need, body - log), log };
}

export function DashboardView({ state, columns, rows, panel, stopping, quitAction, interactive }: DashboardViewProps) {
  const layout = dashboardLayout(state, columns, rows, panel, stopping);
  const { width } = layout;
  const finished = isFinished(state);
  const header = (
    <>
      <RunHeader state={state} width={width} />
      <PhaseBar state={state} width={width} />
      <ErrorBanner fatalError={state.fatalError} stopping={stopping && !finished} width={width} />
    </>
  );

  if (layout.kind === "tiny") {
    return (
      <Box flexDirection="column" width={width} height={layout.height} overflow="hidden">
        {/* Not shrunk to fit: cut at the bottom, so the header is the last to go. */}
        <Box flexDirection="column" flexShrink={0}>
          {header}
          <KeyHints quitAction={quitAction} panels={null} interactive={interactive} finished={finished} />
        </Box>
      </Box>
    );
  }

  const log = <EventLog state={state} width={width} height={layout.log} />;
  if (layout.kind === "wide") {
    const { middle } = layout;
    const left = Math.floor(width / 2);
    const right = width - left;
    const hasResult = state.structure !== null || state.end !== null;
    return (
      <Box flexDirection="column" width={width}>
        {header}
        <Box>
          <LossSparkline state={state} width={left} height={METER_HEIGHT} />
          <BudgetMeter state={state} width={right} height={METER_HEIGHT} />
        </Box>
        <Box>
          <GateHeatmap state={state} width={left} maxRows={middle - 4} height={middle} />
          {hasResult ? (
            <ResultPanel state={state} width={right} height={middle} stacked />
          ) : (
            <TopCandidates state={state} width={right} rows={middle - 3} height={middle} />
          )}
        </Box>
        {log}
        <KeyHints quitAction={quitAction} panels={null} interactive={interactive} finished={finished} />
      </Box>
    );
  }

  const { main, panel: name } = layout;
  const names = compactPanels(state);
  const meter = Math.min(METER_HEIGHT, Math.floor(main / 2));
  return (
    <Box flexDirection="column" width={width}>
      {header}
      {name === "overview" ? (
        <Box flexDirection="column">
          <LossSparkline state={state} width={width} height={meter} />
          <BudgetMeter state={state} width={width} height={meter} />
        </Box>
      ) : name === "gates" ? (
        <GateHeatmap state={state} width={width} maxRows={main - 4} height={main} />
      ) : name === "top" ? (
        <TopCandidates state={state} width={width} rows={main - 3} height={main} />
      ) : (
        <ResultPanel state={state} width={width} height={main} stacked />
      )}
      {log}
      <KeyHints quitAction={quitAction} panels={{ names, shown: names.indexOf(name) }} interactive={interactive} finished={finished} />
    </Box>
  );
}
