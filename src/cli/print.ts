/**
 * Writes a command's output straight to fd 1. A short-lived CLI that touches `process.stdout` pays for the
 * stream it makes on first use (for a pipe: node:net, the stream machinery, about 8 ms of CPU and 2 MiB);
 * a write to the descriptor costs neither. A non-blocking pipe that is full (EAGAIN) gets the rest through
 * the stream, after what was written, so the order holds.
 *
 * @example
 *   printOut(`${JSON.stringify(result)}\n`);
 */
import { writeSync } from 'node:fs';

export function printOut(text: string): void {
  const b = Buffer.from(text);
  let off = 0;
  try {
    while (off < b.length) off += writeSync(1, b, off);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    process.stdout.write(b.subarray(off));
  }
}
