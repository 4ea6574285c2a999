/**
 * Deliveries of a jobs-queue message before it is given up. The worker runs the dead-message handler on
 * the last one; the queue's redrive policy (infra/queue.ts) moves a message to the dead-letter queue
 * after this many, which only happens when even that handler failed.
 */
export const MAX_RECEIVE_COUNT = 5;
