/** Drift measures on raw arrays and on histograms over shared bins (see ARCHITECTURE.md, "Statistical defaults"). */
export { EmptyDistributionError } from './counts';
export { sortedNonMissing, rememberSorted, quantileSorted, quantileEdges } from './quantile';
export { sortFloat64 } from './sort';
export { binIndex, histogram, histogramSorted } from './histogram';
export { psi } from './psi';
export { jensenShannon } from './jensen-shannon';
export { lInfinity, lInfinityCdf, lInfinityRobust } from './l-infinity';
export {
  wasserstein,
  wassersteinSorted,
  normalizedWasserstein,
  normalizedWassersteinSorted,
  populationStd,
  maxMagnitude,
  safeScale,
  OVERFLOW_SAFE_MAGNITUDE,
} from './wasserstein';
export { countMissing, columnLength, missingRate, missingRateChange, missingRatePValue, type MissingRateChange } from './missing';
