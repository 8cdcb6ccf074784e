// The one place that talks to the litigation case workflows from outside: open a case (start),
// record a step (update, for a synchronous answer), read the case (query).
import { ApplicationFailure, WorkflowIdReusePolicy } from '@temporalio/common';
import { Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { CaseStep, OpenCaseRequest } from '../domain/litigation';
import {
  applyStepUpdate,
  litigationStateQuery,
  litigationWorkflowId,
  type LitigationInput,
  type LitigationView,
  type RefusalDetails,
  type StepAnswer,
} from '../workflows/litigation-messages';

/** The case refused the step: `details` says why and, for a step that does not fit, which would. */
export class StepRefused extends Error {
  constructor(
    message: string,
    readonly details: RefusalDetails,
  ) {
    super(message);
  }
}

export class LitigationClient {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly updateTimeoutMs = 10_000,
  ) {}

  /** Starts the case's workflow; false when a workflow with this case id exists (running or not). */
  async open(req: OpenCaseRequest): Promise<boolean> {
    const input: LitigationInput = { open: req };
    try {
      await this.client.workflow.start('litigationWorkflow', {
        workflowId: litigationWorkflowId(req.caseId),
        taskQueue: this.taskQueue,
        args: [input],
        // a case id names one case for ever
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      return true;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw err;
    }
  }

  /** Records a step; undefined when there is no such case, `StepRefused` when the case says no. */
  async step(caseId: string, step: CaseStep): Promise<StepAnswer | undefined> {
    try {
      const handle = this.client.workflow.getHandle(litigationWorkflowId(caseId));
      // Each call is its own update (no fixed update id): the case itself recognises a step id it
      // recorded (answered with `duplicate: true`) or refuses its re-use for another step.
      return await this.client.withDeadline(Date.now() + this.updateTimeoutMs, () => handle.executeUpdate(applyStepUpdate, { args: [step] }));
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        const cause = err.cause;
        const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as RefusalDetails | undefined) : undefined;
        throw new StepRefused(cause?.message ?? err.message, details ?? { code: 'step_not_allowed' });
      }
      if (err instanceof WorkflowNotFoundError || isClosedWorkflowError(err)) {
        // an ended case's workflow has completed: it still answers its query, and takes no step
        const view = await this.state(caseId);
        if (!view) return undefined;
        throw new StepRefused(`case ${caseId} has ended (${view.state}): no step fits`, { code: 'step_not_allowed', state: view.state, allowed: [] });
      }
      throw err;
    }
  }

  /** The case as of `asOf`, or undefined when there is no such case. */
  async state(caseId: string, asOf: number = Date.now()): Promise<LitigationView | undefined> {
    try {
      return await this.client.workflow.getHandle(litigationWorkflowId(caseId)).query(litigationStateQuery, asOf);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }
}

function isClosedWorkflowError(err: unknown): boolean {
  const cause = err instanceof Error ? err.cause : undefined;
  const message = err instanceof Error ? `${err.message} ${cause instanceof Error ? cause.message : ''}` : '';
  return /workflow execution already completed|already completed/i.test(message);
}
