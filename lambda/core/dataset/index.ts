export { resolveRowSlice, sliceRows } from './slice-rows';
export type { RowRange } from './slice-rows';
