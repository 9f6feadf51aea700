export * from './network.fixture';
