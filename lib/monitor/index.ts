// Not bundleOptions / checkMetafile: their types are esbuild's, which an installed package does not depend on.
export {
  BUNDLE_FILE,
  FORBIDDEN_PACKAGES,
  HANDLER_DIST_DIR,
  HANDLER_SOURCE_DIR,
  MAX_BUNDLE_BYTES,
  MODEL_FILE,
  MONITOR_HANDLERS,
  bundleHandler,
  describePackages,
  handlerBundle,
  handlerEntries,
  modelAssetDirectory,
  removeTemporaryAssets,
  sizeHint,
  staleSources,
  type BundleReport,
  type ModelFile,
  type MonitorHandlerName,
  type ResolvedBundle,
} from './bundle';
export * from './log-encryption';
export * from './model-monitor';
export * from './reference-bins-table';
