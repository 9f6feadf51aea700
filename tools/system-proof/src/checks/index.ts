// Checks of a network under test, over the departments' public APIs.
export * from './agreement';
export * from './department-state';
