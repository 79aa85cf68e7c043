"""Downloading and unpacking dataset files: MD5-checked, atomic, with mirrors.

Nothing here runs at import time; datasets call it only with `download=True`.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request

USER_AGENT = "minitorch-vision"


def calculate_md5(path, chunk_size=1024 * 1024):
    md5 = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            md5.update(chunk)
    return md5.hexdigest()


def check_integrity(path, md5=None):
    """True if `path` is a file and (when given) its MD5 matches."""
    if not os.path.isfile(path):
        return False
    return md5 is None or calculate_md5(path) == md5


def _atomic_copy_stream(stream, path):
    """Write a stream to `path` through a temporary file and an atomic rename."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".",
                               suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(stream, out, 1024 * 1024)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def download_url(url, root, filename=None, md5=None, timeout=60):
    """Download `url` to `root/filename` (atomically) and check its MD5.

    Raises:
        urllib.error.URLError: the server could not be reached.
        RuntimeError: the downloaded file's MD5 does not match.
    """
    filename = filename or os.path.basename(url)
    os.makedirs(root, exist_ok=True)
    path = os.path.join(root, filename)
    if check_integrity(path, md5):
        return path
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        _atomic_copy_stream(response, path)
    if md5 is not None and calculate_md5(path) != md5:
        got = calculate_md5(path)
        os.unlink(path)
        raise RuntimeError(f"MD5 mismatch for {url}: expected {md5}, got {got}; the partial "
                           "or corrupted file was removed")
    return path


def extract_archive(from_path, to_path=None, remove_finished=False):
    """Unpack a .tar/.tar.gz/.tgz (safely: no paths outside `to_path`) or a .gz file."""
    to_path = to_path or os.path.dirname(from_path)
    if from_path.endswith((".tar.gz", ".tgz", ".tar")):
        with tarfile.open(from_path) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(to_path, filter="data")
            else:
                root = os.path.realpath(to_path)
                for member in tar.getmembers():
                    target = os.path.realpath(os.path.join(to_path, member.name))
                    if not target.startswith(root + os.sep) or member.issym() or \
                            member.islnk():
                        raise RuntimeError(f"unsafe path in archive {from_path}: "
                                           f"{member.name}")
                tar.extractall(to_path)
        out = to_path
    elif from_path.endswith(".gz"):
        out = os.path.join(to_path, os.path.basename(from_path)[:-3])
        with gzip.open(from_path, "rb") as src:
            _atomic_copy_stream(src, out)
    else:
        raise ValueError(f"don't know how to extract {from_path}")
    if remove_finished:
        os.remove(from_path)
    return out


def download_and_extract_archive(url, download_root, extract_root=None, filename=None,
                                 md5=None, remove_finished=False):
    path = download_url(url, download_root, filename, md5)
    return extract_archive(path, extract_root or download_root, remove_finished)


def download_from_mirrors(mirrors, filename, root, md5, extract=True):
    """Try each mirror in turn; raise RuntimeError listing every failure."""
    errors = []
    for mirror in mirrors:
        url = mirror + filename
        try:
            print(f"Downloading {url}")
            if extract:
                return download_and_extract_archive(url, root, filename=filename, md5=md5)
            return download_url(url, root, filename, md5)
        except (urllib.error.URLError, OSError, RuntimeError) as exc:
            errors.append(f"{url}: {exc}")
    raise RuntimeError(f"Error downloading {filename}; tried:\n  " + "\n  ".join(errors))
