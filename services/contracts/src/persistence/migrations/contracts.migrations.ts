import { CreateContractsTables1764200000000 } from './create-contracts-tables.migration';

/** Every migration of the contracts service, oldest first (the ONE migrations folder). */
export const contractsMigrations = [CreateContractsTables1764200000000];
