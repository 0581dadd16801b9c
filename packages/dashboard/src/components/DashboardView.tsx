// DashboardView: the whole screen as a pure function of RunState and the terminal size. Wide terminals
// show every panel (header, phases, loss | budget, gates | top candidates, then gates | result once the
// structure is chosen); small ones show the
// header and phases with one panel at a time, switched with tab. The live frame stays at least one row
// shorter than the terminal: a frame as tall as the screen makes ink clear and redraw it on every update.
import { Box } from "ink";
import { isFinished, type RunState } from "../state/run-state.js";
import { BudgetMeter } from "./BudgetMeter.js";
import { ErrorBanner } from "./ErrorBanner.js";
import { EventLog } from "./EventLog.js";
import { GateHeatmap, gateGrid } from "./GateHeatmap.js";
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
  /** Print the event log above the live frame (off for frame comparisons that only want the panels). */
  readonly showLog?: boolean;
}

/** Panels that take turns on small terminals, in tab order. */
export type CompactPanel = "overview" | "gates" | "top" | "result";

const METER_HEIGHT = 6; // Loss and Budget: title border + 4 lines + bottom border
const MIN_WIDE_COLUMNS = 96;

export function compactPanels(state: RunState): CompactPanel[] {
  const hasResult = state.structure !== null || state.end !== null;
  return hasResult ? ["result", "overview", "gates", "top"] : ["overview", "gates", "top"];
}

export function DashboardView({ state, columns, rows, panel, stopping, quitAction, interactive, showLog = true }: DashboardViewProps) {
  const width = Math.max(40, columns);
  const available = Math.max(10, rows - 1);
  const banner = state.fatalError !== null || stopping ? 1 : 0;
  const fixed = 2 + 2 + banner + 1; // header, phases, banner, key hints
  const hasResult = state.structure !== null || state.end !== null;
  const gateRows = gateGrid(state.candidates, state.run?.methods ?? []).rows.length;
  const gatesHeight = Math.max(gateRows, 3) + 4; // title, layer header, legend, bottom border
  const left = Math.floor(width / 2);
  const right = width - left;
  // Gates beside top candidates, or beside the result once the structure is chosen.
  const middleNeeds = Math.max(gatesHeight, hasResult ? stackedResultHeight(state, right) : 0);
  const wide = columns >= MIN_WIDE_COLUMNS && available - fixed - METER_HEIGHT >= Math.min(middleNeeds, 12);
  const finished = isFinished(state);
  const header = (
    <>
      <RunHeader state={state} width={width} />
      <PhaseBar state={state} width={width} />
      <ErrorBanner fatalError={state.fatalError} stopping={stopping && !finished} width={width} />
    </>
  );
  const log = showLog ? <EventLog log={state.log} startTime={state.startTime} /> : null;

  if (wide) {
    const middle = Math.min(middleNeeds, available - fixed - METER_HEIGHT);
    return (
      <>
        {log}
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
          <KeyHints quitAction={quitAction} panels={null} interactive={interactive} finished={finished} />
        </Box>
      </>
    );
  }

  const names = compactPanels(state);
  const shown = ((panel % names.length) + names.length) % names.length;
  const body = available - fixed;
  const name = names[shown]!;
  return (
    <>
      {log}
      <Box flexDirection="column" width={width}>
        {header}
        {name === "overview" ? (
          <Box flexDirection="column">
            <LossSparkline state={state} width={width} height={METER_HEIGHT} />
            <BudgetMeter state={state} width={width} height={METER_HEIGHT} />
          </Box>
        ) : name === "gates" ? (
          <GateHeatmap state={state} width={width} maxRows={body - 4} height={Math.min(body, gatesHeight)} />
        ) : name === "top" ? (
          <TopCandidates state={state} width={width} rows={body - 3} />
        ) : (
          <ResultPanel state={state} width={width} height={Math.min(body, stackedResultHeight(state, width))} stacked />
        )}
        <KeyHints quitAction={quitAction} panels={{ names, shown }} interactive={interactive} finished={finished} />
      </Box>
    </>
  );
}
