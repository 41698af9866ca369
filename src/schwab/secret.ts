import { inspect } from 'node:util';

const MASK = '[redacted]';

/**
 * A credential (access, refresh or id token). The value lives in a private field, so printing, logging or
 * serializing any object that holds a Secret shows `[redacted]`; only `reveal()` hands out the text, at the one
 * place that must send or store it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  equals(other: Secret | undefined): boolean {
    return other !== undefined && other.#value === this.#value;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [inspect.custom](): string {
    return `Secret(${MASK})`;
  }
}
