export { describeEventBusContract, type EventBusContractHarness } from './event-bus.contract';
export { waitFor } from './wait-for';
export { kafkaTestBrokers } from './kafka-test.config';
export { runConsumerCrashScenario } from './crash.harness';
export { applyValue, INITIAL_STATE, type CrashConsumerArgs, type CrashConsumerState } from './crash-scenario.model';
export { TmpfsDisk } from './tmpfs-disk';
