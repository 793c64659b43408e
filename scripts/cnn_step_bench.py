#!/usr/bin/env python3
"""One training step (forward + backward + Adam) of the multi-branch ResNet-18 in PyTorch,
the network `galmass bench cnn-step` times in Burn: one torchvision-layout ResNet-18 trunk per
input (r: 1 channel at S x S, vel: 3 channels at 48 x 48), width multiplier w, pooled
features concatenated, one Linear to 1 output, MSE, Adam(lr 1e-4, eps 1e-8).

Usage: python scripts/cnn_step_bench.py [--threads 2] [--image-size 150] [--width 1]
       [--batch 40] [--warmup 1] [--steps 5] [--device cpu|cuda]
Prints the median seconds per step (and min, max).
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
from torchvision.models.resnet import BasicBlock, conv1x1


class Trunk(nn.Module):
    """torchvision ResNet-18 up to the average pool, stage widths round(64w) ... round(512w)."""

    def __init__(self, width, c_in):
        super().__init__()
        ch = [max(1, int(round(c * width))) for c in (64, 128, 256, 512)]
        self.inplanes = ch[0]
        self.conv1 = nn.Conv2d(c_in, ch[0], 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(ch[0])
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layers = nn.Sequential(*[self._make_layer(c, 1 if k == 0 else 2) for k, c in enumerate(ch)])
        self.out = ch[3]
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def _make_layer(self, planes, stride):
        ds = None
        if stride != 1 or self.inplanes != planes:
            ds = nn.Sequential(conv1x1(self.inplanes, planes, stride), nn.BatchNorm2d(planes))
        blocks = [BasicBlock(self.inplanes, planes, stride, ds), BasicBlock(planes, planes)]
        self.inplanes = planes
        return nn.Sequential(*blocks)

    def forward(self, x):
        x = self.layers(self.maxpool(self.relu(self.bn1(self.conv1(x)))))
        return torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)


class MultiBranch(nn.Module):
    def __init__(self, width, channels):
        super().__init__()
        self.branches = nn.ModuleList([Trunk(width, c) for c in channels])
        self.fc = nn.Linear(sum(b.out for b in self.branches), 1)

    def forward(self, maps):
        return self.fc(torch.cat([b(m) for b, m in zip(self.branches, maps)], 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--image-size", type=int, default=150)
    ap.add_argument("--width", type=float, default=1.0)
    ap.add_argument("--batch", type=int, default=40)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--device", default="cpu")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    dev = torch.device(a.device)
    torch.manual_seed(0)
    net = MultiBranch(a.width, [1, 3]).to(dev).train()
    opt = torch.optim.Adam(net.parameters(), lr=1e-4, eps=1e-8)
    maps = [torch.rand(a.batch, 1, a.image_size, a.image_size, device=dev),
            torch.rand(a.batch, 3, 48, 48, device=dev)]
    y = 10 + torch.randn(a.batch, 1, device=dev)
    times = []
    for k in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = nn.functional.mse_loss(net(maps), y)
        loss.backward()
        opt.step()
        if dev.type == "cuda":
            torch.cuda.synchronize()
        if k >= a.warmup:
            times.append(time.perf_counter() - t0)
    print(f"pytorch {torch.__version__} {a.device} threads={a.threads}: r {a.image_size}^2 + vel 48^2, "
          f"w={a.width}, batch {a.batch}: median {statistics.median(times):.3f} s over {len(times)} steps "
          f"(min {min(times):.3f}, max {max(times):.3f})")


if __name__ == "__main__":
    main()
