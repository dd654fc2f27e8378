// The step state of src/main/java/dev/vaecuda/backend/DeviceStepState.java: what changes from one
// training step to the next lives in device memory, so a step captured once as a CUDA graph
// (whose kernel arguments are frozen) can be replayed. loss_and_gradients advances it.
#pragma once

struct StepState {
    unsigned long long stepsDone;  // Adam updates so far; step t = stepsDone + 1 until the loss advances it
    int batchInEpoch;              // the step's batch: rows [batchInEpoch * batchSize, ...) of the epoch's order
    int unused;
};
