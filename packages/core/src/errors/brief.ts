// Values quoted in error messages, cut short: a corrupt file must not make a megabyte "one-line" error.

/** `text`, cut to `max` characters with an ellipsis. */
export function brief(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** `value` as JSON, cut to `max` characters. */
export function briefJson(value: unknown, max = 60): string {
  return brief(JSON.stringify(value) ?? String(value), max);
}
