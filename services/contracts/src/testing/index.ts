// Fixtures other services' specs use (`@accord/contracts-service/testing`): a department's ledger and contracts service.
export {
  startDepartment,
  startContracts,
  startDepartmentService,
  createRulesChannel,
  TxPublisher,
  api,
} from './department.fixture';
export type { DepartmentUnderTest, DepartmentOptions } from './department.fixture';
