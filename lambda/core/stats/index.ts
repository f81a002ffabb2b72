/**
 * Driftwatch's statistical core: hypothesis tests that match scipy 1.17.
 *
 * - `ks2samp` / `ksPValue` / `ksStatisticSorted`: two-sample Kolmogorov–Smirnov for numeric features.
 * - `chiSquaredHomogeneity` / `chiSquaredSurvival`: Pearson chi-squared for categorical features.
 *
 * @example
 * import { ks2samp, chiSquaredHomogeneity } from '../stats';
 * ks2samp(referenceValues, currentValues);         // { statistic, pValue }
 * chiSquaredHomogeneity([120, 80, 0], [90, 95, 15]); // { statistic, pValue, dof }
 */
export { ks2samp, ksPValue, ksStatisticSorted, KS_MAX_AUTO_N } from './ks';
export type { KsMethod } from './ks';
export { chiSquaredHomogeneity, chiSquaredSurvival } from './chi-squared';
export { kstwoSf, smirnovSf } from './kolmogorov';
export { lnGamma, regularizedGammaQ } from './gamma';
export { regularizedBeta } from './beta';
export { normalSurvival, studentTInverseSurvival, studentTSurvival } from './student-t';
