/** Text for a text column: PostgreSQL refuses U+0000 there, so it becomes U+FFFD (the JSON copies keep it escaped). */
export function storedText(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

/** JSON text of a value, for the columns that keep payloads and records as received. */
export function storedJson(value: unknown): string {
  return JSON.stringify(value);
}
