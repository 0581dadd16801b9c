// EventBus: the run's one event stream (docs/ARCHITECTURE.md "Events"). The engine publishes through the
// HookRunner (hooks first, then here); `events$` is what the dashboard, the CLI reporters and the
// events.jsonl writer consume. One bus per run (a child-container singleton); completes after run-end.
import { Subject, type Observable } from "rxjs";
import { injectable } from "tsyringe";
import type { S3petEvent } from "./events.js";

@injectable()
export class EventBus {
  private readonly subject = new Subject<S3petEvent>();
  readonly events$: Observable<S3petEvent> = this.subject.asObservable();

  emit(event: S3petEvent): void {
    this.subject.next(event);
  }

  complete(): void {
    this.subject.complete();
  }
}
