"""The seed MNIST CNN trained data-parallel: one process per rank, the global batch split
across ranks, gradients averaged by DistributedDataParallel.

    mpiexec -n 2 python examples/mnist_ddp.py --epochs 1                   # minitorch (MPI)
    torchrun --nproc_per_node 2 reference/mnist_ddp.py --epochs 1          # torch (gloo)
    python examples/mnist_ddp.py --epochs 1 --save out/mnist_ddp.pt

Each rank reads its share of every epoch through a DistributedSampler, runs the CNN of
mnist_cnn.py on batch-size / world-size images, and DDP all-reduces the gradients while
backward runs, so every rank takes the same Adam step. Each rank scores a slice of the
test set and the counts are summed; rank 0 prints the accuracy and saves the checkpoint
(the plain CNN's state_dict, loadable without DDP).
"""
import argparse
import os
import time

import minitorch as torch
import minitorch.distributed as dist
import minitorch.nn as nn
from minitorch.nn.parallel import DistributedDataParallel as DDP
from minitorch.utils.data import DataLoader, DistributedSampler, Subset

from mnist_cnn import CNN

import _data


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", default=None,
                        help="process group backend; default: the library's CPU backend")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=50, help="global batch size")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--data", default="auto", choices=["auto", "mnist", "subset", "fake"])
    parser.add_argument("--root", default="./data", help="folder holding MNIST/raw/*-ubyte[.gz]")
    parser.add_argument("--limit", type=int, default=None, help="at most this many steps per epoch")
    parser.add_argument("--save", default=None, help="checkpoint path, written by rank 0")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


def local_rank():
    """This process's index on its machine (torchrun: LOCAL_RANK; MPICH / Open MPI)."""
    for name in ("LOCAL_RANK", "MPI_LOCALRANKID", "OMPI_COMM_WORLD_LOCAL_RANK"):
        if name in os.environ:
            return int(os.environ[name])
    return 0


@torch.no_grad()
def count_correct(model, loader, device):
    model.eval()
    correct = total = 0
    for b_x, b_y in loader:
        pred_y = torch.max(model(b_x.to(device)), 1)[1]
        correct += (pred_y == b_y.to(device)).sum().item()
        total += b_y.shape[0]
    return correct, total


def main(argv=None):
    args = parse_args(argv)
    if args.device == "cuda":
        torch.cuda.set_device(local_rank())
    dist.init_process_group(args.backend)
    rank, world = dist.get_rank(), dist.get_world_size()
    device = torch.device("cuda", local_rank()) if args.device == "cuda" else torch.device("cpu")
    if args.batch_size % world:
        raise SystemExit(f"--batch-size {args.batch_size} does not split over {world} ranks")
    torch.manual_seed(args.seed)  # the same initial weights everywhere (DDP broadcasts rank 0's)
    train_set, test_set, data_name = _data.mnist(args.data, args.root)
    sampler = DistributedSampler(train_set, shuffle=True, seed=args.seed)
    train_loader = DataLoader(train_set, batch_size=args.batch_size // world, sampler=sampler)
    test_loader = DataLoader(Subset(test_set, range(rank, len(test_set), world)), batch_size=1000)
    if rank == 0:
        print(f"data: {data_name} ({len(train_set)} train / {len(test_set)} test images), "
              f"{world} ranks x batch {args.batch_size // world}")

    model = DDP(CNN().to(device), device_ids=[device.index] if args.device == "cuda" else None)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_func = nn.CrossEntropyLoss()
    samples, train_time, accuracy = 0, 0.0, float("nan")
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)  # a new shuffle each epoch, the same on every rank
        model.train()
        start = time.perf_counter()
        for step, (b_x, b_y) in enumerate(train_loader):
            if step == args.limit:
                break
            loss = loss_func(model(b_x.to(device)), b_y.to(device))
            optimizer.zero_grad()
            loss.backward()  # gradients arrive averaged over all ranks
            optimizer.step()
            samples += b_x.shape[0] * world
        train_time += time.perf_counter() - start
        counts = torch.tensor(count_correct(model, test_loader, device), device=device)
        dist.all_reduce(counts)
        accuracy = counts[0].item() / counts[1].item()
        if rank == 0:
            print(f"epoch {epoch}: test accuracy {accuracy:.4f} loss {loss.item():.4f}")
            if args.save:
                os.makedirs(os.path.dirname(args.save) or ".", exist_ok=True)
                torch.save({"model": model.module.state_dict(),
                            "optimizer": optimizer.state_dict(), "epoch": epoch + 1}, args.save)
                print(f"saved checkpoint to {args.save}")
    if rank == 0:
        print(f"summary: data={data_name} ranks={world} epochs={args.epochs} "
              f"test_accuracy={accuracy:.4f} samples/s={samples / max(train_time, 1e-9):.1f}")
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
