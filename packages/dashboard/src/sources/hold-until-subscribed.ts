// holdUntilSubscribed: a hot source (a live run's events$, a queue's updates) subscribed at once, its
// values kept until the view subscribes after its first commit, so none is lost to the mount.
import { Observable, type Subscriber } from "rxjs";

/**
 * events$ subscribed now, its events kept until the one subscriber comes (the Dashboard, in an effect
 * after its first commit), then passed straight through; when that subscriber leaves, or on
 * `release`, events$ is unsubscribed (a followed events.jsonl stops being read).
 */
export function holdUntilSubscribed<T>(events$: Observable<T>): Observable<T> & { release(): void } {
  const held: T[] = [];
  let ended: { error: unknown } | "complete" | null = null;
  let subscriber: Subscriber<T> | null = null;
  const upstream = events$.subscribe({
    next: (event) => (subscriber === null ? held.push(event) : subscriber.next(event)),
    error: (error: unknown) => (subscriber === null ? (ended = { error }) : subscriber.error(error)),
    complete: () => (subscriber === null ? (ended = "complete") : subscriber.complete()),
  });
  const passed$ = new Observable<T>((s) => {
    for (const event of held.splice(0)) s.next(event);
    if (ended === "complete") s.complete();
    else if (ended !== null) s.error(ended.error);
    else subscriber = s;
    return () => {
      subscriber = null;
      upstream.unsubscribe(); // the one subscriber is gone: so is the dashboard
    };
  });
  return Object.assign(passed$, { release: () => upstream.unsubscribe() });
}
