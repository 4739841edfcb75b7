"""A trial whose epochs stand for GPU work, for the gap trace (`--problem gpu-sim`): each epoch sleeps EPOCH_S
(the CPU idle, as while a GPU computes), then reports a made-up validation accuracy, a smooth function of the
realtrain space's parameters that rises with epochs. On the 2-core build machine the built-in trainer's
epochs use both cores, so the engine's own thinking competes with training; on a GPU workstation it does not,
and this trainer lets the trace show what the GPU then waits between trials. Runs in a reused process."""
import math
import os
import time

import nightshift

EPOCH_S = float(os.environ.get("EPOCH_S", "0.03"))


def train():
    p = nightshift.params()
    epochs = int(nightshift.budget())
    # Best near lr 3e-3, 128 units, batch 128, dropout 0.1; layers and activation shift it a little.
    shape = (
        (math.log10(p["lr"]) - math.log10(3e-3)) ** 2
        + 0.5 * (math.log2(p["units"]) - 7) ** 2 / 4
        + 0.3 * (math.log2(p["batch_size"]) - 7) ** 2
        + 4 * (p["dropout"] - 0.1) ** 2
    )
    top = 0.97 - 0.05 * shape - (0.004 if p["layers"] == 1 else 0) - (0.003 if p["activation"] != "relu" else 0)
    for epoch in range(1, epochs + 1):
        time.sleep(EPOCH_S)
        nightshift.report(epoch, val_accuracy=top - 0.08 / (epoch + 1))


if __name__ == "__main__":
    nightshift.run(train)
