/** ADWIN concept-drift detection (a port of river.drift.ADWIN) with JSON state kept between Lambda runs. */
export { Adwin } from './adwin';
export { ADWIN_DEFAULTS, resolveAdwinOptions } from './options';
export type { AdwinOptions, ResolvedAdwinOptions } from './options';
export { ADWIN_STATE_FORMAT, parseAdwinState } from './state';
export type { AdwinState } from './state';
