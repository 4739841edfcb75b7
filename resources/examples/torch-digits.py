"""A small PyTorch CNN on scikit-learn's bundled handwritten digits (8x8, 1797 images: no download).

Runs unchanged on a CUDA GPU and on a CPU. What a Nightshift study of a PyTorch model needs:

- hyperparameters as command-line options (the study file fills them in), with defaults for running by hand;
- ``--precision fp32|bf16|fp16``: mixed precision through ``torch.autocast`` (bf16 on a CPU; fp16 needs CUDA
  and uses a gradient scaler), so a study can search cheaply in reduced precision and validate at fp32;
- ``nightshift.report`` after every epoch, so schedulers can stop a poor trial early;
- checkpoint and resume: a trial promoted to more epochs (ASHA, Hyperband) continues from its last epoch;
- ``--fold K --folds N``: hold out fold K of N (a finalists stage with ``folds`` sets them), else a fixed split;
- ``--test-fraction F``: keep a fixed share of the images out of tuning altogether; afterwards
  ``--score-test`` trains the chosen configuration and prints its accuracy on them (``{"test_accuracy": ...}``),
  a score no trial's choice has seen;
- deterministic seeding: the same seed gives the same result on the same hardware;
- ``nightshift.run(main)``: with ``reuse_process: true`` in the study one Python process runs trial after
  trial, so importing torch (a second or more), CUDA initialisation and loading the data are paid once per
  process; each trial still parses its own command line and builds its own model.

By hand: ``python3 torch-digits.py --epochs 5 --precision bf16``
"""
import argparse
import json
import os
import time

import nightshift  # Nightshift puts resources/python on PYTHONPATH for trials
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits

SPLIT_SEED = 0  # the data split is the same for every trial and seed: only the model's randomness varies

# Loaded once per process: a reused process (reuse_process: true) keeps it for all its trials.
DIGITS = load_digits()


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--channels", type=int, default=16)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=int(nightshift.budget() or 10))
    ap.add_argument("--precision", choices=["fp32", "bf16", "fp16"], default="fp32")
    ap.add_argument("--fold", type=int, default=nightshift.fold())
    ap.add_argument("--folds", type=int, default=nightshift.folds() or 5)
    ap.add_argument("--test-fraction", type=float, default=0.0, help="share of the images kept out of tuning (a fixed set)")
    ap.add_argument("--score-test", action="store_true", help="after the last epoch, print the accuracy on the --test-fraction images")
    ap.add_argument("--seed", type=int, default=nightshift.seed() or 0)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    return ap.parse_args()


def split(n, fold, folds, test_fraction):
    """Train, validation and test indices: the test set is the last `test_fraction` of a fixed shuffle (the
    same for every trial), then of the rest fold `fold` of `folds` is held out, or its last 20%."""
    if not 0 <= test_fraction < 0.5:
        raise SystemExit("--test-fraction must be at least 0 and below 0.5, got %g" % test_fraction)
    order = torch.randperm(n, generator=torch.Generator().manual_seed(SPLIT_SEED))
    n_test = int(round(n * test_fraction))
    test, order = order[len(order) - n_test :], order[: len(order) - n_test]
    if fold is None:
        cut = int(len(order) * 0.8)
        return order[:cut], order[cut:], test
    if not 0 <= fold < folds:
        raise SystemExit("--fold must be in 0..%d (--folds %d), got %d" % (folds - 1, folds, fold))
    held = torch.zeros(n, dtype=torch.bool)
    held[order[fold::folds]] = True
    out = held.clone()
    out[test] = True
    return (~out).nonzero().flatten(), held.nonzero().flatten(), test


class Net(torch.nn.Module):
    def __init__(self, channels, dropout):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, channels, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(channels, 2 * channels, 3, padding=1)
        self.drop = torch.nn.Dropout(dropout)
        self.fc = torch.nn.Linear(2 * channels * 4 * 4, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(self.drop(x.flatten(1)))


def main():
    a = parse_args()
    device = torch.device(a.device)
    if a.precision == "fp16" and device.type != "cuda":
        # CPU autocast in PyTorch supports bfloat16 only.
        raise SystemExit("--precision fp16 needs a CUDA GPU; use bf16 on a CPU")
    dtype = {"fp32": None, "bf16": torch.bfloat16, "fp16": torch.float16}[a.precision]

    torch.manual_seed(a.seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = False
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")

    digits = DIGITS
    x = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
    y = torch.tensor(digits.target, dtype=torch.long)
    if a.score_test and a.test_fraction <= 0:
        raise SystemExit("--score-test needs the images kept out of tuning: add --test-fraction (the study's value)")
    train_idx, val_idx, test_idx = split(len(y), a.fold, a.folds, a.test_fraction)
    x_train, y_train = x[train_idx].to(device), y[train_idx].to(device)
    x_val, y_val = x[val_idx].to(device), y[val_idx].to(device)

    model = Net(a.channels, a.dropout).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=a.weight_decay)
    scaler = torch.cuda.amp.GradScaler(enabled=a.precision == "fp16")
    order_gen = torch.Generator().manual_seed(a.seed)

    # A promotion reruns this script with a larger --epochs and the same checkpoint folder: continue from it.
    ckpt_path = os.path.join(nightshift.checkpoint_dir(), "torch-digits.pt")
    start = 0
    if os.path.exists(ckpt_path):
        state = torch.load(ckpt_path, map_location=device)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        scaler.load_state_dict(state["scaler"])
        order_gen.set_state(state["order_gen"])
        torch.set_rng_state(state["torch_rng"])
        start = state["epoch"]
        print("resumed from epoch %d (%s)" % (start, ckpt_path), flush=True)

    for epoch in range(start + 1, a.epochs + 1):
        t0 = time.perf_counter()
        model.train()
        total, n = 0.0, 0
        for batch in torch.randperm(len(y_train), generator=order_gen).split(a.batch_size):
            xb, yb = x_train[batch.to(device)], y_train[batch.to(device)]
            opt.zero_grad(set_to_none=True)
            with torch.autocast(device_type=device.type, dtype=dtype, enabled=dtype is not None):
                loss = F.cross_entropy(model(xb), yb)
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            total += loss.item() * len(yb)
            n += len(yb)
        model.eval()
        with torch.no_grad(), torch.autocast(device_type=device.type, dtype=dtype, enabled=dtype is not None):
            logits = model(x_val).float()
            val_loss = F.cross_entropy(logits, y_val).item()
            val_acc = (logits.argmax(1) == y_val).float().mean().item()
        # Saved before reporting: a trial stopped right after a report still resumes from that epoch.
        torch.save(
            {
                "model": model.state_dict(),
                "optimizer": opt.state_dict(),
                "scaler": scaler.state_dict(),
                "order_gen": order_gen.get_state(),
                "torch_rng": torch.get_rng_state(),
                "epoch": epoch,
            },
            ckpt_path + ".tmp",
        )
        os.replace(ckpt_path + ".tmp", ckpt_path)
        nightshift.report(
            epoch,
            val_accuracy=val_acc,
            val_loss=val_loss,
            train_loss=total / n,
            epoch_seconds=time.perf_counter() - t0,
        )

    if a.score_test:
        model.eval()
        with torch.no_grad():
            logits = model(x[test_idx].to(device)).float()
            test_acc = (logits.argmax(1) == y[test_idx].to(device)).float().mean().item()
        print(json.dumps({"test_accuracy": test_acc, "test_images": len(test_idx), "epochs": a.epochs}), flush=True)


if __name__ == "__main__":
    nightshift.run(main)
