/** Promotion of a model's candidates (shadow, comparison, approval, canary) and rollback, and the ledger they write. */
export { ModelPromotion, PROMOTION_HANDLER, PROMOTION_SERVICE_NAME, type CheckLoopOptions, type ModelPromotionProps } from './model-promotion';
export { promoteDefinition, rollbackDefinition, type CheckLoop, type PromotionLoops } from './state-machines';
export * from './naming';
export { PromotionLedgerTable, type IPromotionLedgerTable, type PromotionLedgerTableProps, type PromotionLedgerTableAttributes } from './ledger-table';
