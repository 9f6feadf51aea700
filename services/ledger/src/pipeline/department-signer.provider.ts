export { loadDepartmentSigner, type DepartmentSigner } from '@accord/service-kit';

/** Nest token of this ledger's department signer (signs its block attestations). */
export const DEPARTMENT_SIGNER = 'ledger:department-signer';
