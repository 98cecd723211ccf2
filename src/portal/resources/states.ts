/**
 * Resource states (the seed's, by name: the issue asks for CREATION_SCHEDULED … rather than Waldur's
 * display strings) and which operations each one allows: what the routes check before they queue a job.
 */
export const CREATION_SCHEDULED = 'CREATION_SCHEDULED';
export const CREATING = 'CREATING';
export const UPDATE_SCHEDULED = 'UPDATE_SCHEDULED';
export const UPDATING = 'UPDATING';
export const DELETION_SCHEDULED = 'DELETION_SCHEDULED';
export const DELETING = 'DELETING';
export const OK = 'OK';
export const ERRED = 'ERRED';

export const STATES = [
  CREATION_SCHEDULED,
  CREATING,
  UPDATE_SCHEDULED,
  UPDATING,
  DELETION_SCHEDULED,
  DELETING,
  OK,
  ERRED,
] as const;

export const TRANSITIONAL: readonly string[] = [
  CREATION_SCHEDULED,
  CREATING,
  UPDATE_SCHEDULED,
  UPDATING,
  DELETION_SCHEDULED,
  DELETING,
];

/** The state a queued operation puts its resource in, and the one it is in while it runs. */
export function scheduledState(operation: string): { scheduled: string; running: string } {
  if (operation === 'create') return { scheduled: CREATION_SCHEDULED, running: CREATING };
  if (operation === 'delete') return { scheduled: DELETION_SCHEDULED, running: DELETING };
  return { scheduled: UPDATE_SCHEDULED, running: UPDATING };
}
