"""SummaryWriter (torch.utils.tensorboard's twin) for scalars and images.

Writes `events.out.tfevents.<time>.<host>` files that `tensorboard --logdir runs` reads.
"""
from __future__ import annotations

import io
import os
import socket
import time

import numpy as np

from . import record


class SummaryWriter:
    """Log scalars and images for TensorBoard.

    Args:
        log_dir: where to write; default `runs/<date>_<host>` like torch.
        comment: appended to the default log_dir.
        flush_secs: flush to disk at least this often.

    >>> writer = SummaryWriter("runs/exp1")
    >>> writer.add_scalar("train/loss", 0.25, global_step=10)
    >>> writer.close()
    """

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10,
                 flush_secs=120, filename_suffix=""):
        if log_dir is None:
            stamp = time.strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", f"{stamp}_{socket.gethostname()}{comment}")
        self.log_dir = str(log_dir)
        os.makedirs(self.log_dir, exist_ok=True)
        name = (f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}."
                f"{os.getpid()}{filename_suffix}")
        self._file = open(os.path.join(self.log_dir, name), "wb")
        self._flush_secs = flush_secs
        self._last_flush = time.time()
        self._write(record.event(time.time(), 0, file_version="brain.Event:2"))

    def get_logdir(self):
        return self.log_dir

    def _write(self, event_bytes):
        self._file.write(record.frame(event_bytes))
        if time.time() - self._last_flush > self._flush_secs:
            self.flush()

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None):
        value = float(scalar_value.item() if hasattr(scalar_value, "item") else scalar_value)
        summary = record.scalar_summary(tag, value)
        self._write(record.event(walltime or time.time(), int(global_step or 0),
                                 summary=summary))

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        for tag, value in tag_scalar_dict.items():
            self.add_scalar(f"{main_tag}/{tag}", value, global_step, walltime)

    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats="CHW"):
        """Log an image: float values in [0, 1] or uint8 in [0, 255].

        Args:
            dataformats: the order of the axes, any arrangement of "CHW", "HW" or (a
                batch laid out as a grid) "NCHW", e.g. "HWC" for an image read by cv2.
        """
        from PIL import Image

        arr = _to_hwc(_to_numpy(img_tensor), dataformats)
        # torch scales floats by 255 and truncates (0.5 -> 127); uint8 passes unchanged
        scale = 1 if arr.dtype == np.uint8 else 255
        arr = (arr.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)
        buf = io.BytesIO()
        Image.fromarray(arr).save(buf, format="PNG")
        h, w, channels = arr.shape
        summary = record.image_summary(tag, buf.getvalue(), h, w, channels)
        self._write(record.event(walltime or time.time(), int(global_step or 0),
                                 summary=summary))

    def add_images(self, tag, img_tensor, global_step=None, walltime=None,
                   dataformats="NCHW"):
        """Log a batch of images as one grid (8 per row, no padding, as torch does)."""
        self.add_image(tag, img_tensor, global_step, walltime, dataformats)

    def flush(self):
        self._file.flush()
        self._last_flush = time.time()

    def close(self):
        if not self._file.closed:
            self.flush()
            self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _to_hwc(arr, dataformats):
    """torch.utils.tensorboard's layout rules: an (H, W, C) array, gray repeated to RGB."""
    if len(set(dataformats)) != len(dataformats):
        raise AssertionError("You can not use the same dimension shorthand twice. "
                             f"input_format: {dataformats}")
    if arr.ndim != len(dataformats):
        raise AssertionError("size of input tensor and input format are different. "
                             f"tensor shape: {arr.shape}, input_format: {dataformats}")
    dataformats = dataformats.upper()
    if len(dataformats) == 4:
        return _grid(arr.transpose([dataformats.find(c) for c in "NCHW"])).transpose(1, 2, 0)
    if len(dataformats) == 2:
        arr = arr.transpose([dataformats.find(c) for c in "HW"])
        return np.stack([arr, arr, arr], 2)
    arr = arr.transpose([dataformats.find(c) for c in "HWC"])
    return np.concatenate([arr, arr, arr], 2) if arr.shape[2] == 1 else arr


def _grid(batch, ncols=8):
    """(N, C, H, W) -> (3, rows*H, cols*W): images side by side, 8 per row, no padding."""
    if batch.shape[1] == 1:
        batch = np.concatenate([batch, batch, batch], 1)
    if batch.shape[1] != 3:
        raise AssertionError(f"expected images with 1 or 3 channels, got shape {batch.shape}")
    n, _, h, w = batch.shape
    ncols = min(n, ncols)
    nrows = -(-n // ncols)
    canvas = np.zeros((3, h * nrows, w * ncols), dtype=batch.dtype)
    for i in range(n):
        y, x = divmod(i, ncols)
        canvas[:, y * h:(y + 1) * h, x * w:(x + 1) * w] = batch[i]
    return canvas


def _to_numpy(x):
    if hasattr(x, "_data"):
        x = x.detach().cpu().numpy()
    return np.asarray(x)
