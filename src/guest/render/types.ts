/**
 * Moved to src/guest/formats/. Kept only so the files other work moves at the same time (the CLI, the
 * agent, apply/files.ts) still compile; delete once they import from ../formats/.
 */
export { FORMATS, type Format } from '../formats/index.ts';
export type { RenderedFile } from '../formats/types.ts';
