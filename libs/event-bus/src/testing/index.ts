export { describeEventBusContract, type EventBusContractHarness } from './event-bus.contract';
export { waitFor } from './wait-for';
export { kafkaTestBrokers } from './kafka-test.config';
