export * from './analytics';
export * from './view-sql';
export * from './labelled-predictions-view';
