export interface BaselineActivities {
  baselineStep(): Promise<void>;
}

export const baselineActivities: BaselineActivities = {
  async baselineStep() {},
};
