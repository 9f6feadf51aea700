export * from './error.report';
export * from './printer';
export * from './table';
