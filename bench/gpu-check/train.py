"""A GPU check trial: trains a small MLP on synthetic data on the device it was given.

Prints Katib-format metrics (loss=..., one line per epoch) and, first, the device it used,
so that bench/gpu-check/run.sh can show per trial which GPU ran it and how long it took.
"""
import argparse
import os
import time

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, required=True)
parser.add_argument("--hidden", type=int, required=True)
parser.add_argument("--epochs", type=int, default=20)
args = parser.parse_args()

if not torch.cuda.is_available():
    raise SystemExit(f"no CUDA device visible (CUDA_VISIBLE_DEVICES={os.environ.get('CUDA_VISIBLE_DEVICES')!r})")
device = torch.device("cuda:0")  # the first of the devices the worker assigned
props = torch.cuda.get_device_properties(device)
print(f"device={props.name} visible={os.environ.get('CUDA_VISIBLE_DEVICES', '')} uuid={getattr(props, 'uuid', '')}", flush=True)

torch.manual_seed(0)
n, d = 65536, 256
x = torch.randn(n, d, device=device)
w = torch.randn(d, 1, device=device)
y = torch.sin(x @ w) + 0.1 * torch.randn(n, 1, device=device)
model = torch.nn.Sequential(torch.nn.Linear(d, args.hidden), torch.nn.ReLU(), torch.nn.Linear(args.hidden, 1)).to(device)
opt = torch.optim.Adam(model.parameters(), lr=args.lr)
start = time.perf_counter()
for epoch in range(1, args.epochs + 1):
    for i in range(0, n, 4096):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x[i : i + 4096]), y[i : i + 4096])
        loss.backward()
        opt.step()
    with torch.no_grad():
        full = torch.nn.functional.mse_loss(model(x), y).item()
    print(f"epoch={epoch} loss={full:.6f}", flush=True)
torch.cuda.synchronize()
print(f"train_seconds={time.perf_counter() - start:.3f}", flush=True)
