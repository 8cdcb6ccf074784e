// The workflow bundle's entry point (Worker `workflowsPath`): export every workflow type here.
export { collectionWorkflow } from './collection/loop';
export { litigationWorkflow } from './litigation';
