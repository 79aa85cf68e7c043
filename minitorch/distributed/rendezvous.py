"""Who am I, how many are we, and (for NCCL) how do we share one secret id.

Two launchers are understood:
* `mpiexec -n N python train.py`: MPI knows the rank and the size; the MPI
  launcher's environment (PMI_RANK, OMPI_COMM_WORLD_RANK, ...) tells us it is there.
* `torchrun --nproc_per_node N train.py` (or any launcher that sets RANK, WORLD_SIZE,
  MASTER_ADDR and MASTER_PORT): the "env://" init method. Only NCCL can run this way;
  rank 0 hands NCCL's 128-byte unique id to the others over one TCP socket on
  MASTER_ADDR:MASTER_PORT (torch's TCPStore does the same job).
"""
from __future__ import annotations

import os
import socket
import time

_MPI_LAUNCHER_VARS = ("PMI_RANK", "PMI_SIZE", "OMPI_COMM_WORLD_RANK", "PMIX_RANK",
                      "MPI_LOCALRANKID")


def launched_by_mpi():
    return any(v in os.environ for v in _MPI_LAUNCHER_VARS)


def env_rank_size(rank, world_size, init_method):
    """rank and world_size from the arguments, a tcp:// init_method, or RANK/WORLD_SIZE."""
    if rank is None or rank < 0:
        if "RANK" not in os.environ:
            raise ValueError("Error initializing torch.distributed using env:// rendezvous: "
                             "environment variable RANK expected, but not set")
        rank = int(os.environ["RANK"])
    if world_size is None or world_size < 0:
        if "WORLD_SIZE" not in os.environ:
            raise ValueError("Error initializing torch.distributed using env:// rendezvous: "
                             "environment variable WORLD_SIZE expected, but not set")
        world_size = int(os.environ["WORLD_SIZE"])
    return rank, world_size


def master_address(init_method):
    """(host, port) from "tcp://host:port", or MASTER_ADDR / MASTER_PORT for env://."""
    if init_method and init_method.startswith("tcp://"):
        host, port = init_method[len("tcp://"):].rsplit(":", 1)
        return host, int(port)
    for var in ("MASTER_ADDR", "MASTER_PORT"):
        if var not in os.environ:
            raise ValueError("Error initializing torch.distributed using env:// rendezvous: "
                             f"environment variable {var} expected, but not set")
    return os.environ["MASTER_ADDR"], int(os.environ["MASTER_PORT"])


def share_bytes(payload, rank, world_size, host, port, timeout=300.0):
    """Rank 0 sends `payload` (bytes) to every other rank over TCP; all return it.

    Rank 0 listens on (host, port) and serves world_size - 1 connections; the others
    retry connecting until `timeout` seconds, since rank 0 may start last.
    """
    if rank == 0:
        with socket.create_server((host, port), reuse_port=False) as server:
            server.settimeout(timeout)
            for _ in range(world_size - 1):
                conn, _ = server.accept()
                with conn:
                    conn.sendall(len(payload).to_bytes(4, "big") + payload)
        return payload
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn = socket.create_connection((host, port), timeout=timeout)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"rank {rank}: could not reach rank 0 at {host}:{port} "
                                   f"within {timeout:.0f} s (is MASTER_ADDR/MASTER_PORT "
                                   "right, and did rank 0 start?)") from None
            time.sleep(0.1)
    with conn:
        data = b""
        while len(data) < 4 or len(data) < 4 + int.from_bytes(data[:4], "big"):
            chunk = conn.recv(4096)
            if not chunk:
                raise RuntimeError(f"rank {rank}: rank 0 closed the connection early")
            data += chunk
    return data[4:]
