/** Thrown by adapters when a payload cannot be understood; the gateway answers 400 and keeps the body. */
export class ParseError extends Error {
  constructor(
    message: string,
    /** Dotted path of the offending field, when there is one. */
    readonly path?: string,
  ) {
    super(message);
    this.name = "ParseError";
  }
}
