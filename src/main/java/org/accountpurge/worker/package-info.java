/**
 * Remote partitioning: what crosses the broker ({@link org.accountpurge.worker.PartitionRequest}), what a worker checks
 * before it takes a partition ({@link org.accountpurge.worker.PartitionGate}) and before each chunk
 * ({@link org.accountpurge.worker.ManagerAlive}), the steps it hands out ({@link org.accountpurge.worker.WorkerSteps}),
 * and how the manager notices a worker that went silent ({@link org.accountpurge.worker.PartitionWatch}).
 */
package org.accountpurge.worker;
