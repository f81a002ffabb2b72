/** Renderers for `driftwatch compare`: text (terminal table), JSON (the contract) and HTML (self-contained). */
export { renderText, summaryLine, type TextReportOptions } from './text';
export { renderJson } from './json';
export { renderHtml, escapeHtml, barChart, type HtmlReportInput } from './html';
export { numericBars, categoricalBars, featureBars, shortNumber, TOP_CATEGORIES, type Bar } from './distributions';
