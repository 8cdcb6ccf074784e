// The workflow bundle's entry point (Worker `workflowsPath`): export every workflow type here.
export { collectionWorkflow } from './collection/loop';
