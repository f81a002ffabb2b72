/**
 * An input problem the user can fix (a bad file, a bad value). The CLI prints `message` and exits 2,
 * so the message alone must say where: the file, and the line, row, column and value when known.
 */
export class InputError extends Error {
  constructor(
    message: string,
    readonly details: {
      readonly file?: string;
      readonly line?: number;
      readonly row?: number;
      readonly column?: string;
      readonly value?: string;
    } = {},
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/** Quotes a user value for a message, cut to `max` characters so a 1 MB field cannot flood stderr. */
export function quoteValue(value: string, max = 80): string {
  const cut = value.length > max ? `${value.slice(0, max)}… (${value.length} characters)` : value;
  return JSON.stringify(cut);
}
