import { InvalidArgumentError } from 'commander';

/** A commander option parser for integers >= `min`; a bad value is a usage error (exit 2). */
export function integerOption(min: number): (value: string) => number {
  return (value) => {
    if (!/^-?\d+$/.test(value) || Number(value) < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return Number(value);
  };
}
