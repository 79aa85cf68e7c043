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
        """Log an image: float values in [0, 1] or uint8, layout CHW (default), HWC or HW."""
        from PIL import Image

        arr = _to_numpy(img_tensor)
        if dataformats == "CHW":
            arr = arr.transpose(1, 2, 0)
        elif dataformats == "HW":
            arr = arr[:, :, None]
        elif dataformats != "HWC":
            raise ValueError(f"dataformats must be CHW, HWC or HW, got {dataformats!r}")
        if arr.dtype != np.uint8:
            arr = (np.clip(arr, 0, 1) * 255 + 0.5).astype(np.uint8)
        if arr.shape[2] == 1:
            arr = arr[:, :, 0]
        buf = io.BytesIO()
        Image.fromarray(arr).save(buf, format="PNG")
        h, w = arr.shape[:2]
        channels = 1 if arr.ndim == 2 else arr.shape[2]
        summary = record.image_summary(tag, buf.getvalue(), h, w, channels)
        self._write(record.event(walltime or time.time(), int(global_step or 0),
                                 summary=summary))

    def add_images(self, tag, img_tensor, global_step=None, walltime=None,
                   dataformats="NCHW"):
        from ...vision.utils import make_grid

        if dataformats != "NCHW":
            raise ValueError("add_images supports dataformats='NCHW'")
        self.add_image(tag, make_grid(img_tensor), global_step, walltime)

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


def _to_numpy(x):
    if hasattr(x, "_data"):
        x = x.detach().cpu().numpy()
    return np.asarray(x)
