export { describeEventBusContract, waitFor, type EventBusContractHarness } from './event-bus.contract';
export { kafkaTestBrokers } from './kafka-test.config';
