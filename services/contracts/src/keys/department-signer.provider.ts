export { loadDepartmentSigner, type DepartmentSigner } from '@accord/service-kit';

/** Nest token of the department signer (signs state attestations and the action endpoints' txs). */
export const DEPARTMENT_SIGNER = 'contracts:department-signer';
