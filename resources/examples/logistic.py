"""A real (tiny) training run in pure Python: logistic regression by mini-batch gradient descent on a
synthetic two-class problem. Shows the nightshift helper: params(), budget(), report()."""
import math
import random

import nightshift  # Nightshift puts resources/python on PYTHONPATH for trials

p = nightshift.params()
lr = float(p.get("lr", 0.1))
l2 = float(p.get("l2", 1e-4))
batch = int(p.get("batch_size", 32))
epochs = int(nightshift.budget() or 10)

rng = random.Random(nightshift.seed() or 0)
data_rng = random.Random(7)  # the dataset is the same for every trial
w_true = [1.5, -2.0, 0.7, 0.0, 0.3]


def sample():
    x = [data_rng.gauss(0, 1) for _ in w_true]
    z = sum(a * b for a, b in zip(w_true, x))
    return x, 1 if data_rng.random() < 1 / (1 + math.exp(-z)) else 0


train = [sample() for _ in range(800)]
val = [sample() for _ in range(400)]
w = [0.0] * len(w_true)
b = 0.0


def prob(x):
    z = b + sum(a * c for a, c in zip(w, x))
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


for epoch in range(1, epochs + 1):
    rng.shuffle(train)
    loss = 0.0
    for i in range(0, len(train), batch):
        chunk = train[i:i + batch]
        gw = [0.0] * len(w)
        gb = 0.0
        for x, y in chunk:
            err = prob(x) - y
            gw = [g + err * xi for g, xi in zip(gw, x)]
            gb += err
            q = min(max(prob(x), 1e-9), 1 - 1e-9)
            loss -= y * math.log(q) + (1 - y) * math.log(1 - q)
        w = [wi - lr * (g / len(chunk) + l2 * wi) for wi, g in zip(w, gw)]
        b -= lr * gb / len(chunk)
    acc = sum((prob(x) > 0.5) == (y == 1) for x, y in val) / len(val)
    nightshift.report(epoch, val_accuracy=acc, train_loss=loss / len(train))
