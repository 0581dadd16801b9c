// A SearchHook that logs how the task's splits were made (carved validation/test, --max-examples caps,
// GLUE's unlabelled test files) as the first phase starts (right after run-start), so they reach every
// reporter and events.jsonl.
import type { SearchHook } from "@s3pet/core";

export function taskNotesHook(notes: readonly string[]): SearchHook {
  let logged = false;
  return {
    name: "task",
    onPhase: (_event, ctx) => {
      if (logged) return;
      logged = true;
      for (const note of notes) ctx.log(note);
    },
  };
}
