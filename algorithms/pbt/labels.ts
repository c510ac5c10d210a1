/** Katib's PBT trial labels: the member's generation, and the trial whose checkpoint it starts from. */
export const PBT_GENERATION_LABEL = 'pbt.suggestion.katib.kubeflow.org/generation';
export const PBT_PARENT_LABEL = 'pbt.suggestion.katib.kubeflow.org/parent';
